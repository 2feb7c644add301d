"""The mobilisation and donations demos on top of a small people demo's handles."""

from __future__ import annotations

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.volunteers.demos import donations, mobilisation
from gongzhi.volunteers.models import Campaign, Donation, Mobilisation, MobilisationState, ResponseState
from gongzhi.volunteers.selectors.donations import campaign_totals
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db


def _ctx(**data) -> DemoContext:
    ctx = DemoContext(seed=1, actor=SystemActor(label="demo"))
    ctx.verbose = False
    ctx.data.update(data)
    return ctx


def test_without_the_people_demo_nothing_is_loaded():
    ctx = _ctx()
    mobilisation.load(ctx)
    donations.load(ctx)
    assert not Mobilisation.objects.exists() and not Campaign.objects.exists()


def test_a_past_whistle_with_arrivals_a_recent_one_at_grid_level_and_a_year_of_donations():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    people = [factories.volunteer(nodes[f"household_{k}"], user=user(Role.RESIDENT)) for k in "aaab"]
    team = factories.team(nodes["community"], name="书画队", members=tuple(people[:2]))
    ctx = _ctx(volunteers={"volunteers": people, "me": people[0], "staff": staff, "teams": [team]})
    mobilisation.load(ctx)
    donations.load(ctx)
    past = Mobilisation.objects.get(state=MobilisationState.CLOSED)
    assert past.area.kind == "building" and past.responses.filter(state=ResponseState.ARRIVED).exists()
    recent = Mobilisation.objects.get(state=MobilisationState.OPEN)
    assert recent.area.kind == "grid" and recent.reached == 3
    daily = Campaign.objects.get(name="每天一元")
    totals = campaign_totals(campaign=daily)
    assert totals.received_fen > 0 and totals.pledged_fen >= totals.received_fen
    assert Donation.objects.filter(campaign__name="慈心一日捐").exists()
