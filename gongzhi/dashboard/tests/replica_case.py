"""Run by test_replica.py in a pytest of its own with DATABASE_REPLICA_URL set (the `replica` alias
then mirrors the test database): the dashboard reads every figure from the replica and writes
nothing there. Not collected on its own (the name does not start with test_)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.tests.factories import submit, world
from gongzhi.dashboard import selectors
from gongzhi.dashboard.periods import this_month


@pytest.mark.django_db(databases=["default", "replica"], transaction=True)
def test_the_dashboard_reads_from_the_replica():
    # given a replica configured, and a request filed (on the primary)
    w = world()
    submit(w)
    # when the street's staff read the street's dashboard
    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(
            connections["default"]) as primary:
        data = selectors.overview(user=w.sstaff, node=w.street, month=this_month())
    # then its figures were read on the replica (and they are the primary's rows, mirrored)
    assert data.headline["counts"]["cases"] == 1
    assert len(replica.captured_queries) > 10
    reads_on_primary = [q["sql"] for q in primary.captured_queries if "cases_" in q["sql"] or "dashboard_" in q["sql"]]
    assert reads_on_primary == []
    assert not any(q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for q in replica.captured_queries)
