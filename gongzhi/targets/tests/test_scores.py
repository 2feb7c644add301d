"""Scores: the same method, each unit's own targets; plans locked once the period starts; results
frozen at the close; the drill-down shows the figures."""

from decimal import Decimal

import pytest

from gongzhi.core.errors import InvalidInput
from gongzhi.targets.models import Direction, PeriodState, Result
from gongzhi.targets.selectors.scores import achievement, period_scores, unit_score
from gongzhi.targets.services import periods as period_services
from gongzhi.targets.services import plans as plan_services

from .factories import cases_at, indicator, period, plan, world

pytestmark = pytest.mark.django_db


def test_different_targets_give_different_scores_for_the_same_figures():
    # given two communities of a street with the same figures (two requests each)
    w = world()
    requests = indicator()
    cases_at(w, "building_a", 2)
    cases_at(w, "building_2", 2)
    p = period(w)
    # and their own targets: two requests for the first, four for the second
    plan(w, p, w.nodes["community"], [(requests, 100, 2)])
    plan(w, p, w.nodes["community_2"], [(requests, 100, 4)])
    # when the scores are computed
    scores = {s.unit.pk: s for s in period_scores(user=w.admin, period=p)}
    first, second = scores[w.nodes["community"].pk], scores[w.nodes["community_2"].pk]
    # then the same actual figure earns 100 against one target and 50 against the other
    assert first.lines[0].actual == second.lines[0].actual == 2
    assert first.total == Decimal("100.00") and second.total == Decimal("50.00")
    # and the first ranks above the second among the street's communities
    assert (first.rank, first.peers, second.rank) == (1, 2, 2)


def test_achievement_is_capped_and_inverted_where_lower_is_better():
    cap = Decimal("1.2")
    assert achievement(Direction.HIGHER, Decimal(3), Decimal(2), cap) == cap
    assert achievement(Direction.HIGHER, Decimal(1), Decimal(2), cap) == Decimal("0.5")
    assert achievement(Direction.LOWER, Decimal(4), Decimal(2), cap) == Decimal("0.5")
    assert achievement(Direction.LOWER, Decimal(0), Decimal(2), cap) == cap
    assert achievement(Direction.HIGHER, None, Decimal(2), cap) == 0


def test_a_missed_bottom_line_caps_the_total():
    # given a community that beats its target, and a bottom line it misses (nothing resolved on time)
    w = world()
    requests = indicator()
    on_time = indicator("on-time", figure="cases.on_time_rate", unit="rate", bottom_line=True)
    cases_at(w, "building_a", 3)
    p = period(w)
    period_services.set_bottom_line(actor=w.admin, period=p, indicator=on_time, target="0.8")
    plan(w, p, w.nodes["community"], [(requests, 100, 2)])
    # when scored
    s = unit_score(user=w.admin, period=p, unit_id=w.nodes["community"].pk)
    # then the points before the cap are 120, the total is capped at 60
    assert s.raw_total == Decimal("120.00") and s.total == Decimal("60.00") and s.bottom_missed == 1


def test_weights_must_add_up_to_100_beside_the_lines():
    w = world()
    requests = indicator()
    p = period(w)
    with pytest.raises(InvalidInput) as exc:
        plan(w, p, w.nodes["community"], [(requests, 90, 2)])
    assert "lines" in exc.value.fields and "100" in exc.value.fields["lines"][0]


def test_a_locked_plan_refuses_changes():
    # given a period with a plan, started by the district
    w = world()
    requests = indicator()
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 2)])
    p = period_services.open_period(actor=w.admin, period=p)
    # when the street changes the plan
    with pytest.raises(InvalidInput) as exc:
        plan(w, p, w.nodes["community"], [(requests, 100, 1)])
    # then it is refused with the reason beside the lines, and the plan is as it was
    assert exc.value.code == "locked" and "锁定" in exc.value.fields["lines"][0]
    assert p.plans.get().lines.get().target == Decimal(2)


def test_a_closed_period_is_not_recomputed():
    # given a period closed with two requests in the community
    w = world()
    requests = indicator()
    cases_at(w, "building_a", 2)
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 4)])
    p = period_services.open_period(actor=w.admin, period=p)
    p = period_services.close_period(actor=w.admin, period=p)
    assert p.state == PeriodState.CLOSED
    frozen = unit_score(user=w.admin, period=p, unit_id=w.nodes["community"].pk)
    assert frozen.frozen and frozen.total == Decimal("50.00")
    # when more requests come in afterwards
    cases_at(w, "building_a", 2)
    # then the score stays what it was at the close
    again = unit_score(user=w.admin, period=p, unit_id=w.nodes["community"].pk)
    assert again.total == Decimal("50.00") and again.lines[0].actual == 2
    assert Result.objects.filter(period=p).count() == 1


def test_the_drill_down_shows_the_figure_target_weight_points_and_records():
    w = world()
    requests = indicator()
    cases_at(w, "building_a", 3)
    p = period(w)
    plan(w, p, w.nodes["community"], [(requests, 100, 4)])
    line = unit_score(user=w.cstaff, period=p, unit_id=w.nodes["community"].pk).lines[0]
    assert (line.actual, line.target, line.weight, line.points) == (3, 4, 100, Decimal("75.00"))
    assert line.url.startswith("/cases/figures/?") and f"node={w.nodes['community'].pk}" in line.url


def test_copy_from_the_last_period():
    w = world()
    requests = indicator()
    last = period(w, kind="quarter", year=2025, quarter=4)
    plan(w, last, w.nodes["community"], [(requests, 100, 7)])
    this = period(w, kind="quarter", year=2026, quarter=1)
    made = plan_services.copy_plan(actor=w.sstaff, period=this, unit=w.nodes["community"])
    assert made.lines.get().target == Decimal(7)


def test_the_street_may_not_set_its_own_plan():
    from gongzhi.core.errors import Forbidden

    w = world()
    requests = indicator()
    p = period(w)
    with pytest.raises(Forbidden):
        plan_services.set_plan(actor=w.sstaff, period=p, unit=w.nodes["street"],
                               lines=[{"indicator": requests.pk, "weight": 100, "target": 1}])
