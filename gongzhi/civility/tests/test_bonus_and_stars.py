"""The yearly bonus by the formula kept as data, frozen once the community approves it; the stars
proposed from the points and set by the committee."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongzhi.civility.models import BonusState, HouseholdStar, StarState
from gongzhi.civility.services.bonus import bonus_amount, bonus_approve, bonus_compute, bonus_export
from gongzhi.civility.services.checks import checks_record
from gongzhi.civility.services.stars import stars_propose, stars_review
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput

from . import factories

LAST_YEAR = timezone.localdate().year - 1


def _points(world, household, days: int, standard) -> None:
    for n in range(days):
        checks_record(actor=world["grid_worker"], household=household, results={standard.pk: True},
                      on=dt.date(LAST_YEAR, 3, 1) + dt.timedelta(days=n))


@pytest.mark.parametrize(("points", "amount"), [(0, "0.00"), (10, "0.00"), (11, "1.50"), (30, "30.00"), (99, "50.00")])
def test_the_formula_pays_per_point_above_the_floor_up_to_the_cap(db, points, amount):
    # floor 10 points, 1.50 yuan a point above it, at most 50 yuan
    formula = factories.formula(None, floor=10, per_point="1.50", cap="50.00")
    assert bonus_amount(points, formula) == Decimal(amount)


def test_the_community_bonus_is_computed_from_the_year_and_frozen_once_approved(world):
    standard = factories.only_standards(world["community"], ("垃圾分类", 5, 5))[0]
    factories.formula(world["community"], floor=10, per_point="1.50", cap="50.00")
    _points(world, world["household_a"], 4, standard)  # 20 points → 15 yuan
    _points(world, world["household_a2"], 1, standard)  # 5 points → nothing
    # when the community's staff compute last year's bonus
    run = bonus_compute(actor=world["community_staff"], community=world["community"], year=LAST_YEAR)
    # then each household of the community has its line, and the total adds up
    lines = {line.household_id: (line.points, line.amount) for line in run.lines.all()}
    assert lines[world["household_a"].pk] == (20, Decimal("15.00"))
    assert lines[world["household_a2"].pk] == (5, Decimal("0.00"))
    assert run.total == Decimal("15.00") and run.households == len(lines)
    # the computer is not the one who approves … any community staff member may; after that it is frozen
    run = bonus_approve(actor=world["second_staff"], run=run)
    assert run.state == BonusState.APPROVED
    _points(world, world["household_a2"], 5, factories.standard(area=world["community"], met=10))
    with pytest.raises(Conflict):
        bonus_compute(actor=world["community_staff"], community=world["community"], year=LAST_YEAR)
    run.refresh_from_db()
    assert run.total == Decimal("15.00")
    # the export is a workbook, and it is audited
    content = bonus_export(actor=world["inspector"], run=run)
    assert content[:2] == b"PK"
    assert AuditEvent.objects.filter(action="civility.bonus.export").exists()


def test_only_the_community_approves_its_bonus(world):
    factories.formula(world["community"])
    run = bonus_compute(actor=world["street_staff"], community=world["community"], year=LAST_YEAR)
    with pytest.raises(Forbidden):
        bonus_approve(actor=world["street_staff"], run=run)


def test_a_future_year_is_refused_beside_the_year(world):
    with pytest.raises(InvalidInput) as refused:
        bonus_compute(actor=world["community_staff"], community=world["community"], year=LAST_YEAR + 2)
    assert "year" in refused.value.fields


def test_stars_are_proposed_from_the_points_and_set_by_the_committee(world):
    standard = factories.only_standards(world["community"], ("垃圾分类", 5, 5))[0]
    factories.thresholds(world["community"], (1, 5), (2, 15), (3, 30))
    _points(world, world["household_a"], 4, standard)  # 20 points → 2 stars
    stars_propose(actor=world["community_staff"], community=world["community"], year=LAST_YEAR)
    star = HouseholdStar.objects.get(household=world["household_a"], year=LAST_YEAR)
    assert (star.points, star.proposed, star.state) == (20, 2, StarState.PROPOSED)
    # a different final needs the reason
    with pytest.raises(InvalidInput) as refused:
        stars_review(actor=world["community_staff"], star=star, final=3)
    assert "reason" in refused.value.fields
    star = stars_review(actor=world["community_staff"], star=star, final=3, reason="常年义务打扫楼道，评审会一致同意加一星")
    assert (star.final, star.state) == (3, StarState.REVIEWED)
    # proposing again leaves the reviewed household as the committee set it
    stars_propose(actor=world["community_staff"], community=world["community"], year=LAST_YEAR)
    star.refresh_from_db()
    assert star.final == 3
