"""The fair share of turns (gongzhi.care.fairness): pure, no database."""

import datetime as dt
import random

import pytest

from gongzhi.care.fairness import Carer, Slot, Unfair, share, visit_days, visit_windows

MONDAY = dt.date(2027, 3, 1)


def _slots(plan_id, rota, days, name=None):
    return [Slot(plan_id=plan_id, plan_name=name or f"{plan_id}号", day=d, rota=tuple(rota)) for d in days]


def _check(result, carers):
    loads = result.loads
    assert max(loads.values()) - min(loads.values()) <= 1
    by_id = {c.id: c for c in carers}
    weekly = {}
    for slot, cid, day in zip(result.slots, result.assignment, result.days, strict=True):
        assert cid in slot.rota
        assert day in slot.days
        assert by_id[cid].free_on(day)
        key = (cid, day.isocalendar()[:2])
        weekly[key] = weekly.get(key, 0) + 1
        assert weekly[key] <= by_id[cid].max_per_week


def test_given_three_carers_and_a_daily_plan_when_shared_then_each_gets_within_one_of_the_others():
    carers = [Carer(1, "甲", max_per_week=7), Carer(2, "乙", max_per_week=7), Carer(3, "丙", max_per_week=7)]
    days = visit_days(start=MONDAY, end=MONDAY + dt.timedelta(days=30), every_days=1)
    result = share(_slots(1, [1, 2, 3], days), carers)
    _check(result, carers)
    assert sorted(result.loads.values()) == [10, 10, 11]


def test_given_unavailable_weekdays_leave_and_weekly_maximum_when_shared_then_all_are_respected():
    carers = [
        Carer(1, "甲", max_per_week=2, unavailable_weekdays=frozenset({0, 1})),
        Carer(2, "乙", max_per_week=3, leave=((MONDAY, MONDAY + dt.timedelta(days=6)),)),
        Carer(3, "丙", max_per_week=2),
        Carer(4, "丁", max_per_week=2, unavailable_weekdays=frozenset({5, 6})),
    ]
    end = MONDAY + dt.timedelta(days=27)
    slots = (_slots(1, [1, 2, 3], visit_days(start=MONDAY, end=end, every_days=3))
             + _slots(2, [2, 3, 4], visit_days(start=MONDAY, end=end, every_days=4, offset=1))
             + _slots(3, [1, 4], visit_days(start=MONDAY, end=end, every_days=7, offset=2)))
    _check(share(slots, carers), carers)


def test_given_a_carer_on_leave_for_the_whole_period_when_shared_then_the_reason_names_them_and_their_leave():
    carers = [Carer(1, "甲"), Carer(2, "王芳", leave=((MONDAY, MONDAY + dt.timedelta(days=60)),))]
    slots = _slots(1, [1, 2], visit_days(start=MONDAY, end=MONDAY + dt.timedelta(days=27), every_days=7))
    with pytest.raises(Unfair) as caught:
        share(slots, carers)
    assert any("王芳" in reason and "2027" in reason for reason in caught.value.reasons)


def test_given_a_plan_whose_only_carer_is_unavailable_that_weekday_when_shared_then_the_plan_and_day_are_named():
    carers = [Carer(1, "甲", unavailable_weekdays=frozenset({0})), Carer(2, "乙")]
    slots = _slots(1, [1], [MONDAY], name="3号楼101") + _slots(2, [2], [MONDAY])
    with pytest.raises(Unfair) as caught:
        share(slots, carers)
    assert "3号楼101" in caught.value.reasons[0]
    assert "甲" in caught.value.reasons[0]


def test_given_a_weekly_maximum_that_binds_when_shared_then_the_visit_that_cannot_be_covered_is_named():
    carers = [Carer(1, "甲", max_per_week=1), Carer(2, "乙", max_per_week=1)]
    slots = _slots(1, [1, 2], [MONDAY, MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2)], name="5号楼")
    with pytest.raises(Unfair) as caught:
        share(slots, carers)
    assert "5号楼" in caught.value.reasons[0]


def test_given_holidays_when_the_plan_skips_them_then_the_visit_moves_to_the_next_day_before_the_next_is_due():
    holiday = MONDAY + dt.timedelta(days=7)
    days = visit_days(start=MONDAY, end=MONDAY + dt.timedelta(days=20), every_days=7, skip=lambda d: d == holiday)
    assert days == [MONDAY, holiday + dt.timedelta(days=1), MONDAY + dt.timedelta(days=14)]
    assert holiday in visit_days(start=MONDAY, end=MONDAY + dt.timedelta(days=20), every_days=7)


def test_given_a_random_branch_when_it_can_be_fair_then_the_result_is_fair():
    rng = random.Random(7)
    carers = [Carer(i, f"人{i}", max_per_week=rng.choice([2, 3]), unavailable_weekdays=frozenset(rng.sample(range(7), 1)))
              for i in range(40)]
    slots = []
    for plan in range(20):
        rota = rng.sample(range(40), 6)
        slots += _slots(plan, rota, visit_days(start=MONDAY, end=MONDAY + dt.timedelta(days=90), every_days=7,
                                                offset=plan % 7))
    on_a_rota = {cid for slot in slots for cid in slot.rota}
    carers = [c for c in carers if c.id in on_a_rota]
    _check(share(slots, carers), carers)


def test_given_a_weekly_plan_whose_carer_is_away_on_the_due_day_when_shared_then_the_visit_moves_within_its_window():
    carers = [Carer(1, "甲", unavailable_weekdays=frozenset({0}))]
    slots = visit_windows(start=MONDAY, end=MONDAY + dt.timedelta(days=13), every_days=7, plan_id=1, plan_name="1号",
                          rota=(1,))
    result = share(slots, carers)
    assert result.days == [MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=8)]


def test_given_carers_with_too_few_visits_on_their_rota_when_shared_then_the_reason_names_them_and_the_fair_share():
    carers = [Carer(1, "甲", max_per_week=7), Carer(2, "乙", max_per_week=7), Carer(3, "丙"), Carer(4, "丁")]
    daily = visit_days(start=MONDAY, end=MONDAY + dt.timedelta(days=27), every_days=1)
    slots = _slots(1, [1, 2], daily, name="1号楼") + _slots(2, [3, 4], [MONDAY], name="9号楼")
    with pytest.raises(Unfair) as caught:
        share(slots, carers)
    assert any("丙" in reason and "7" in reason for reason in caught.value.reasons)
