"""The care figures as the community's staff read them: per grid, per branch and per person, over
a small world whose numbers are known (factories_figures), and only within one's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaKind
from gongzhi.care.selectors.figures import care_figures, dashboard_figures, period_of
from gongzhi.core.errors import Forbidden, InvalidInput

from . import factories_figures as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _last_30_days():
    return period_of()


def test_given_the_small_world_when_the_community_staff_read_the_figures_then_each_grid_counts_right(w):
    start, end = _last_30_days()
    result = care_figures(user=w["community_staff"], start=start, end=end)
    assert result.level == AreaKind.GRID
    rows = {r.name: r for r in result.rows}
    assert set(rows) == {"第A网格", "第B网格"}
    a, b = rows["第A网格"], rows["第B网格"]
    assert (a.tagged, a.covered, a.plans, a.due, a.done, a.missed) == (1, 1, 2, 3, 2, 1)
    assert (b.tagged, b.covered, b.plans, b.due, b.done, b.missed) == (1, 0, 0, 0, 0, 0)
    assert a.average_days == 5.5 and b.average_days is None
    t = result.total
    assert (t.tagged, t.covered, t.plans, t.due, t.done, t.missed, t.visits) == (2, 1, 2, 3, 2, 1, 5)
    assert t.coverage == 0.5 and t.average_days == 5.5


def test_given_the_small_world_when_reading_by_branch_and_person_then_turns_done_and_missed_add_up(w):
    start, end = _last_30_days()
    result = care_figures(user=w["community_staff"], node=w["community"], start=start, end=end)
    [branch] = result.branches
    assert (branch.name, branch.plans, branch.due, branch.done, branch.missed, branch.visits) == (
        w["grid_branch"].name, 2, 3, 2, 1, 5)
    assert branch.average_days == 5.5
    people = {r.name: (r.due, r.done, r.missed, r.visits) for r in result.carers}
    assert people == {"王建国": (2, 1, 1, 2), "李秀兰": (1, 1, 0, 3)}


def test_given_the_street_staff_when_asked_per_community_then_the_other_community_shows_empty(w):
    street_staff = user("street_staff", nodes=[w["street"]])
    start, end = _last_30_days()
    result = care_figures(user=street_staff, start=start, end=end, level=AreaKind.COMMUNITY)
    rows = {r.name: r for r in result.rows}
    assert set(rows) == {"瓜州路社区", "建西东路社区"}
    assert (rows["瓜州路社区"].tagged, rows["瓜州路社区"].due) == (2, 3)
    assert (rows["建西东路社区"].tagged, rows["建西东路社区"].due) == (0, 0)


def test_given_a_period_before_the_turns_when_reading_then_nothing_is_due(w):
    today = timezone.localdate()
    result = care_figures(user=w["community_staff"], start=today - dt.timedelta(days=60),
                          end=today - dt.timedelta(days=40))
    assert (result.total.due, result.total.visits, result.total.average_days) == (0, 0, None)
    # the households in difficulty are counted as they stood on the period's last day
    assert result.total.tagged == 2


def test_given_a_community_staff_of_district_two_when_reading_then_nothing_of_district_one_shows(w):
    other = f.factories.care_world()
    start, end = _last_30_days()
    result = care_figures(user=other["community_staff"], start=start, end=end)
    t = result.total
    assert (t.tagged, t.covered, t.due, t.done, t.missed, t.visits) == (0, 0, 0, 0, 0, 0)
    assert t.plans == 1  # their own world's plan only
    assert "第A网格" in [r.name for r in result.rows]
    assert {r.name for r in result.carers} == set()
    assert all(r.key != str(w["care_branch"].pk) for r in result.branches)


def test_given_the_branch_secretary_when_reading_the_figures_then_it_is_forbidden(w):
    start, end = _last_30_days()
    with pytest.raises(Forbidden):
        care_figures(user=w["secretary"], start=start, end=end)


def test_given_a_period_ending_before_it_starts_when_asked_then_the_end_is_refused():
    with pytest.raises(InvalidInput) as caught:
        period_of(start="2026-05-01", end="2026-04-01")
    assert "end" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        period_of(start="2026-13-01")
    assert "start" in caught.value.fields


def test_given_the_small_world_when_the_dashboard_reads_the_provider_then_it_gives_the_key_figures(w):
    today = timezone.localdate()
    rows = dashboard_figures(user=w["community_staff"], node=w["community"], start=today - dt.timedelta(days=29),
                             end=today + dt.timedelta(days=1))
    values = {row["key"]: row["value"] for row in rows}
    assert values == {"care.households_tagged": 2, "care.households_covered": 1, "care.coverage": 0.5,
                      "care.plans": 2, "care.turns_due": 3, "care.turns_done": 2, "care.turns_missed": 1,
                      "care.average_days": 5.5}
    assert dashboard_figures(user=w["secretary"], node=w["community"], start=today, end=today) == []


def test_given_more_grids_plans_and_turns_when_reading_then_the_queries_do_not_grow(w):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.areas.tests.factories import child
    from gongzhi.care.models import Turn, TurnState

    start, end = _last_30_days()
    with CaptureQueriesContext(connection) as before:
        care_figures(user=w["community_staff"], start=start, end=end)
    # given another household with a tag, a plan, turns and visits in grid B's building
    home = child(w["unit_b"], name="202室")
    f.tag(home, "disabled", name="马玉兰")
    extra = f.factories.plan(home, w["care_branch"], carers=[w["carer_group"]])
    for days_ago in (1, 4):
        Turn.objects.create(roster=w["roster"], plan=extra, carer=w["carer_group"],
                            date=timezone.localdate() - dt.timedelta(days=days_ago), state=TurnState.DONE)
        f.visit(extra, w["carer_group"], days_ago)
    with CaptureQueriesContext(connection) as after:
        result = care_figures(user=w["community_staff"], start=start, end=end)
    assert len(after.captured_queries) <= len(before.captured_queries)
    assert (result.total.tagged, result.total.due, result.total.done) == (3, 5, 4)
