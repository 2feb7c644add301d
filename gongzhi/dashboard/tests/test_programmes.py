"""The dashboard reads every component's declared figure providers: a programme shows up on it
without the dashboard knowing the programme."""

import pytest

from gongzhi.core import components
from gongzhi.dashboard import selectors
from gongzhi.dashboard.periods import this_month

pytestmark = pytest.mark.django_db


def test_every_declared_programme_figure_appears_for_the_district(w):
    # given the programmes installed
    declared = {app for app, _provider in components.figure_providers()}
    assert {"meetings", "disclosure", "deliberation", "volunteers", "cobuilding"} <= declared
    # when the district administrator reads the district's dashboard
    data = selectors.overview(user=w.admin, node=w.district, month=this_month())
    rows = data.table("programmes").rows
    # then each programme gives its figures, labelled, under its own name
    assert declared == {row["app"] for row in rows}
    assert all(row["figure"] and row["programme"] for row in rows)


def test_a_role_that_may_not_read_a_programme_gets_none_of_its_figures(w):
    # given a grid worker, who reads case figures but not the open books' figures
    from gongzhi.core.permissions import can

    assert not can(w.worker_a, "disclosure.view_figures", w.grid_a)
    # when they read their grid's dashboard, then open books give them nothing, the others do
    data = selectors.overview(user=w.worker_a, node=w.grid_a, month=this_month())
    apps = {row["app"] for row in data.table("programmes").rows}
    assert "disclosure" not in apps
    assert "cobuilding" in apps
