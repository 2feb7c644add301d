"""Monthly computation: rules applied by date and area, idempotent recompute, closed months never
recomputed, the pay formula."""

import datetime as dt
from decimal import Decimal

import pytest

from gongzhi.assessment.models import LineOrigin, MonthState, PayFormula, ScoreLine, WorkerMonth
from gongzhi.assessment.services import formula_create, month_close, month_compute, rule_create
from gongzhi.core.errors import InvalidInput

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.scoring_world()


def month_of(worker, month):
    return WorkerMonth.objects.get(worker=worker, month=month)


def test_door_visits_earn_the_default_points_and_every_line_names_its_visit(w):
    # given three door visits by worker A last month and one by the community's staff
    month = f.last_month()
    made = f.visits(w["worker_a"], w["household_a"], month, [3, 4, 5])
    f.visit(w["cstaff"], w["household_a"], f.at(month, 6))

    # when the street computes the month
    result = month_compute(actor=w["sstaff"], month=month, node=w["street"])

    # then worker A has 3 points, one line per visit pointing to it; the staff member is not scored
    wm = month_of(w["worker_a"], month)
    assert (wm.total, wm.earned, wm.deducted) == (3, 3, 0)
    assert sorted(wm.lines.values_list("source", flat=True)) == sorted(f"residents.visit:{v.pk}" for v in made)
    assert set(wm.lines.values_list("kind", flat=True)) == {"visit.door"}
    assert wm.lines.first().summary == w["household_a"].name
    assert not WorkerMonth.objects.filter(worker=w["cstaff"]).exists()
    assert result.workers == 2  # workers A and B; nobody of district 2


def test_recomputing_changes_nothing_and_drops_lines_whose_event_is_gone(w):
    month = f.last_month()
    visits = f.visits(w["worker_a"], w["household_a"], month, [3, 4])
    month_compute(actor=w["sstaff"], month=month, node=w["street"])
    first = list(ScoreLine.objects.order_by("pk").values_list("pk", "points", "source"))

    # when the month is computed again, nothing changes
    again = month_compute(actor=w["sstaff"], month=month, node=w["street"])
    assert list(ScoreLine.objects.order_by("pk").values_list("pk", "points", "source")) == first
    assert again.removed == 0

    # when a visit is deleted (recorded by mistake), its line goes at the next computation
    visits[0].delete()
    month_compute(actor=w["sstaff"], month=month, node=w["street"])
    assert month_of(w["worker_a"], month).total == 1
    assert list(ScoreLine.objects.values_list("source", flat=True)) == [f"residents.visit:{visits[1].pk}"]


def test_a_rule_for_a_grid_beats_the_rule_for_everywhere_and_applies_from_its_date(w):
    # given a rule for grid A from the 15th of this month: a door visit is worth 3 there
    month = f.this_month()
    start = month.replace(day=15)
    rule = rule_create(actor=w["admin"], kind="visit.door", points=3, valid_from=start, area=w["grid_a"])
    f.visits(w["worker_a"], w["household_a"], month, [10, 16])
    f.visits(w["worker_b"], w["household_b"], month, [10, 16])

    # when the month is computed
    month_compute(actor=w["admin"], month=month, node=w["district"])

    # then worker A's visit before the 15th earns 1, after it 3; worker B (grid B) 1 each
    a = month_of(w["worker_a"], month)
    assert sorted(a.lines.values_list("points", flat=True)) == [1, 3]
    assert a.lines.get(points=3).rule == rule
    assert month_of(w["worker_b"], month).total == 2


def test_a_new_rule_reaches_the_open_month_but_never_a_closed_one(w):
    # given last month computed and closed by the street, this month computed
    last, this = f.last_month(), f.this_month()
    f.visits(w["worker_a"], w["household_a"], last, [3, 4])
    f.visits(w["worker_a"], w["household_a"], this, [1, 2])
    closed = month_close(actor=w["sstaff"], month=last, node=w["street"])
    assert closed == 2
    month_compute(actor=w["sstaff"], month=this, node=w["street"])
    before = list(ScoreLine.objects.filter(worker_month__month=last).values_list("pk", "points", "rule_id"))

    # when the district doubles the visit's points from the start of this month
    rule_create(actor=w["admin"], kind="visit.door", points=2, valid_from=this)
    month_compute(actor=w["sstaff"], month=last, node=w["street"])
    month_compute(actor=w["sstaff"], month=this, node=w["street"])

    # then last month's lines and totals are as they were; this month's follow the new rule
    assert list(ScoreLine.objects.filter(worker_month__month=last).values_list("pk", "points", "rule_id")) == before
    old = month_of(w["worker_a"], last)
    assert (old.state, old.total) == (MonthState.CLOSED, 2)
    assert month_of(w["worker_a"], this).total == 4


def test_a_rule_cannot_be_dated_back_into_past_months(w):
    with pytest.raises(InvalidInput) as refused:
        rule_create(actor=w["admin"], kind="visit.door", points=5, valid_from=f.last_month())
    assert "valid_from" in refused.value.fields


def test_a_deduction_rule_and_the_pay_formula_of_the_street(w):
    # given a formula for the street: 1000 + 50 a point, at least 800, at most 1200
    this = f.this_month()
    formula_create(actor=w["admin"], valid_from=this, base=Decimal("1000"), per_point=Decimal("50"),
                   floor=Decimal("800"), cap=Decimal("1200"), area=w["street"])
    # worker A: 2 visits (+2) and a missed care turn (-2) → 0; worker B: 6 visits → 6
    f.visits(w["worker_a"], w["household_a"], this, [1, 2])
    f.turn(w, this.replace(day=3), state="missed")
    f.visits(w["worker_b"], w["household_b"], this, [1, 2, 3, 4, 5, 6])

    month_compute(actor=w["sstaff"], month=this, node=w["street"])

    a, b = month_of(w["worker_a"], this), month_of(w["worker_b"], this)
    assert (a.total, a.earned, a.deducted, a.pay) == (0, 2, 2, Decimal("1000.00"))
    assert (b.total, b.pay) == (6, Decimal("1200.00"))  # 1300 capped
    # and with a deduction bigger than the points, the floor holds
    f.turn(w, this.replace(day=4), state="missed")
    f.turn(w, this.replace(day=5), state="missed")
    f.turn(w, this.replace(day=6), state="missed")
    month_compute(actor=w["sstaff"], month=this, node=w["street"])
    a.refresh_from_db()
    assert (a.total, a.pay) == (-6, Decimal("800.00"))


def test_the_default_formula_is_seeded(w):
    formula = PayFormula.objects.get(area=None)
    assert formula.pay_for(10) == Decimal("2100.00")
    assert formula.pay_for(-1000) == Decimal("0.00")
    assert formula.pay_for(10_000) == Decimal("5000.00")


def test_lines_of_corrections_survive_recomputation(w):
    month = f.this_month()
    f.visits(w["worker_a"], w["household_a"], month, [1])
    month_compute(actor=w["sstaff"], month=month, node=w["street"])
    wm = month_of(w["worker_a"], month)
    ScoreLine.objects.create(worker_month=wm, kind="correction", points=4, source="assessment.correction:1",
                             summary="补录", occurred_at=f.at(month, 2), origin=LineOrigin.CORRECTION,
                             reason="漏记两次走访", approved_by=w["sstaff2"])
    month_compute(actor=w["sstaff"], month=month, node=w["street"])
    wm.refresh_from_db()
    assert wm.total == 5
    assert wm.lines.filter(origin=LineOrigin.CORRECTION).count() == 1


def test_staff_compute_only_their_own_area_and_not_future_months(w):
    from gongzhi.core.errors import Forbidden, NotFound

    with pytest.raises(NotFound):
        month_compute(actor=w["sstaff_x"], month=f.this_month(), node=w["street"])
    with pytest.raises(Forbidden):
        month_compute(actor=w["cstaff"], month=f.this_month(), node=w["community"])
    with pytest.raises(InvalidInput) as refused:
        month_compute(actor=w["sstaff"], month=f.this_month() + dt.timedelta(days=40), node=w["street"])
    assert "month" in refused.value.fields


def test_the_command_computes_a_month(w, capsys):
    from django.core.management import call_command

    f.visits(w["worker_a"], w["household_a"], f.last_month(), [3])
    call_command("assessment_compute", month=f"{f.last_month():%Y-%m}")
    assert "3 workers" in capsys.readouterr().out
    assert month_of(w["worker_a"], f.last_month()).total == 1
