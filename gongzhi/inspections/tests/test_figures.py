"""The figures the dashboard and the assessment read (FigureProvider "inspections.summary"), and the
component's declarations."""

import pytest

from gongzhi.areas.tests.factories import tree
from gongzhi.core import components
from gongzhi.core.periodic import registered
from gongzhi.inspections.models import FindingState

from . import factories as f

pytestmark = pytest.mark.django_db


def _figures(**kw) -> dict:
    [provider] = [p for _label, p in components.figure_providers() if p.key == "inspections.summary"]
    return {x["key"]: x["value"] for x in provider.compute(**kw)}


def test_the_summary_counts_sampled_checked_and_confirmed_in_scope():
    w = f.world()
    smp = f.sample(w.street)
    items = [f.item(smp, worker=w.worker_a, visit_row=f.visit(w.household_a, w.worker_a, when=f.at(smp.month)),
                    inspector_row=w.inspectors[0]) for _ in range(4)]
    f.finding(items[0], state=FindingState.CONFIRMED)
    f.finding(items[1], state=FindingState.NO_PROBLEM)
    # another district's sample is not counted for this street's staff
    other = tree()
    f.sample(other["street"])
    expected = {"inspections.sampled": 4, "inspections.checked": 2, "inspections.problems_confirmed": 1,
                "inspections.share_checked": 50.0}
    assert _figures(user=w.sstaff, node=w.street, start=smp.month, end=None) == expected
    assert _figures(user=w.admin, node=w.district) == expected
    assert _figures(user=w.admin, node=w.grid_b)["inspections.sampled"] == 0
    assert _figures(user=w.resident)["inspections.sampled"] == 0


def test_the_component_declares_its_score_events_and_monthly_job():
    c = components.of("inspections")
    assert c.extensions["assessment.score_events"] == "gongzhi.inspections.scoring:score_events"
    assert "inspections.monthly-samples" in [job.name for job in registered()]
    assert [fn.__module__ for fn in components.extensions("assessment.score_kinds")].count(
        "gongzhi.inspections.scoring") == 1
