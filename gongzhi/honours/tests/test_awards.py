"""Awards scored by a panel: nominations of communities and units, each member scores each
nomination once on the criteria, never their own; the result is the (trimmed) mean ranking, the
winners go on the honour roll."""

from decimal import Decimal

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import UnitFactory, child
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.honours.models import AwardNomination, Honour, RoundState, ScoreSheet
from gongzhi.honours.services import awards
from gongzhi.honours.tests import factories as f

pytestmark = pytest.mark.django_db


def _points(row, *values):
    return dict(zip([c.pk for c in row.criteria.order_by("order")], values, strict=True))


def _two_nominations(w, row):
    second = child(w.nodes["street"], name="兰工坪社区")
    staff2 = user(Role.COMMUNITY_STAFF, nodes=[second])
    a = awards.award_nominate(actor=w.staff, award_round=row, community=w.community, entry="“红色物业”议事厅",
                              description="社区党委牵头，物业、业委会每月坐下来议事。")
    b = awards.award_nominate(actor=staff2, award_round=row, community=second, entry="楼栋党小组“微网格”",
                              description="每栋楼一个党小组，党员包户联系。")
    return a, b


def test_the_panel_scores_and_the_best_mean_wins_onto_the_honour_roll():
    # Given a street round with three criteria, a panel of three and two communities put forward
    w = f.world(households=2)
    row, members = f.award_round(w, panel=3, winners=1)
    a, b = _two_nominations(w, row)
    awards.round_start_scoring(actor=w.street_staff, award_round=row)
    # When every member scores both
    for member, (pa, pb) in zip(members, [((25, 35, 25), (20, 30, 20)), ((28, 38, 26), (22, 31, 24)),
                                          ((20, 30, 20), (29, 39, 29))], strict=True):
        awards.score_submit(actor=member, nomination=a, points=_points(row, *pa))
        awards.score_submit(actor=member, nomination=b, points=_points(row, *pb))
    row = awards.round_decide(actor=w.street_staff, award_round=row)
    # Then a's mean (85+92+70)/3 = 82.33 beats b's (70+77+97)/3 = 81.33; a wins and is on the roll
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.score, a.rank, a.is_winner) == (Decimal("82.33"), 1, True)
    assert (b.score, b.rank, b.is_winner) == (Decimal("81.33"), 2, False)
    assert row.state == RoundState.DECIDED
    honour = Honour.objects.get(award_nomination=a)
    assert honour.community == w.community and "红色物业" in honour.name


def test_a_member_cannot_score_twice_nor_their_own_community():
    w = f.world(households=2)
    row, members = f.award_round(w, panel=2)
    a, b = _two_nominations(w, row)
    awards.panel_add(actor=w.street_staff, award_round=row, user=w.staff)  # the community's own staff
    awards.round_start_scoring(actor=w.street_staff, award_round=row)
    awards.score_submit(actor=members[0], nomination=a, points=_points(row, 20, 30, 20))
    with pytest.raises(Conflict):
        awards.score_submit(actor=members[0], nomination=a, points=_points(row, 30, 40, 30))
    with pytest.raises(Forbidden):
        awards.score_submit(actor=w.staff, nomination=a, points=_points(row, 30, 40, 30))
    assert ScoreSheet.objects.filter(nomination=a).count() == 1
    assert ScoreSheet.objects.get(nomination=a).total == 70


def test_points_beyond_a_criterions_maximum_are_refused_and_outsiders_do_not_score():
    w = f.world(households=2)
    row, members = f.award_round(w, panel=1)
    a, _b = _two_nominations(w, row)
    awards.round_start_scoring(actor=w.street_staff, award_round=row)
    with pytest.raises(InvalidInput):
        awards.score_submit(actor=members[0], nomination=a, points=_points(row, 31, 10, 10))
    with pytest.raises(InvalidInput):
        awards.score_submit(actor=members[0], nomination=a, points={})
    with pytest.raises(Forbidden):
        awards.score_submit(actor=w.street_staff, nomination=a, points=_points(row, 1, 1, 1))
    with pytest.raises(NotFound):
        awards.score_submit(actor=w.other_staff, nomination=a, points=_points(row, 1, 1, 1))


def test_the_round_is_decided_only_when_every_sheet_is_in():
    w = f.world(households=2)
    row, members = f.award_round(w, panel=2)
    a, b = _two_nominations(w, row)
    awards.round_start_scoring(actor=w.street_staff, award_round=row)
    awards.score_submit(actor=members[0], nomination=a, points=_points(row, 20, 30, 20))
    with pytest.raises(Conflict, match="3"):
        awards.round_decide(actor=w.street_staff, award_round=row)


def test_five_sheets_drop_the_highest_and_the_lowest():
    assert awards.trimmed_mean([90, 10, 50, 60, 70]) == Decimal("60.00")
    assert awards.trimmed_mean([90, 10, 50]) == Decimal("50.00")
    assert awards.trimmed_mean([]) is None


def test_nominations_are_closed_once_scoring_starts_and_a_unit_is_put_forward_by_its_liaison():
    w = f.world(households=2)
    row, _members = f.award_round(w, panel=1)
    unit = UnitFactory(area=w.community)
    liaison = user(Role.UNIT_LIAISON, unit=unit)
    nomination = awards.award_nominate(actor=liaison, award_round=row, unit=unit, entry="党建联建共享食堂",
                                       description="单位食堂向社区老人开放，每天供应午餐。")
    assert nomination.name == unit.name
    other_unit = UnitFactory(area=w.community)
    with pytest.raises(Forbidden):
        awards.award_nominate(actor=liaison, award_round=row, unit=other_unit, entry="x", description="y")
    awards.award_nominate(actor=w.staff, award_round=row, community=w.community, entry="x", description="y")
    awards.round_start_scoring(actor=w.street_staff, award_round=row)
    with pytest.raises(Conflict):
        awards.award_nominate(actor=w.staff, award_round=row, unit=other_unit, entry="x", description="y")
    assert AwardNomination.objects.filter(round=row).count() == 2
