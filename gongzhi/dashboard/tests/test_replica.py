"""Dashboards read from a replica when the deployment has one (`DATABASE_REPLICA_URL`), and from
the primary when it has none."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.tests.factories import submit
from gongzhi.core.replica import ReplicaRouter, database_for_reading, reading_replica
from gongzhi.dashboard import selectors
from gongzhi.dashboard.periods import this_month

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_without_a_replica_everything_reads_from_the_primary(w):
    # given no replica configured (the default)
    assert "replica" not in settings.DATABASES
    submit(w)
    # when the dashboard is read, then its queries run on the primary
    with reading_replica():
        assert database_for_reading() == DEFAULT_DB_ALIAS
    with CaptureQueriesContext(connection) as primary:
        data = selectors.overview(user=w.sstaff, node=w.street, month=this_month())
    assert data.headline["counts"]["cases"] == 1 and len(primary.captured_queries) > 10


def test_writes_and_migrations_stay_on_the_primary():
    router = ReplicaRouter()
    with reading_replica():
        assert router.db_for_write(None) == DEFAULT_DB_ALIAS
    assert router.allow_migrate("replica", "cases") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "cases") is True


def test_with_a_replica_the_dashboard_reads_there():
    # given a run of the suite's database with DATABASE_REPLICA_URL set to a mirror of it
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    if database["ENGINE"].endswith("sqlite3"):
        url = "sqlite:///" + str(Path(os.environ.get("TMPDIR", "/tmp")) / "gongzhi-replica-test.sqlite3")
        env = {"DATABASE_URL": url, "DATABASE_REPLICA_URL": url}
    else:  # a database of its own: this run's test database is in use
        parts = urlsplit(os.environ["DATABASE_URL"])
        url = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_replica"))
        env = {"DATABASE_URL": url, "DATABASE_REPLICA_URL": url}
    # when the dashboard test runs there (replica_case.py), then it passes
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "-o", "addopts=",
         "--create-db", str(ROOT / "gongzhi/dashboard/tests/replica_case.py")],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
