"""The care demo on a small world: two grid branches take care duties, each tagged household gets a
plan, a quarter's roster is published with its past visits, two turns are missed and flagged, one
emergency opens a case."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.care import demo
from gongzhi.care.models import CareBranch, CarePlan, CareVisit, Emergency, RosterState, Turn, TurnState
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.party.tests.factories import party_tree
from gongzhi.residents.models import PersonTag, TagKind
from gongzhi.residents.tests.factories import person
from gongzhi.volunteers.tests.factories import volunteer

pytestmark = pytest.mark.django_db


def test_the_care_demo():
    # given the main community with two grid branches, tagged households in each grid and volunteers
    t = party_tree()
    user("party_member", username="dangyuan")
    user("grid_worker", username="wangge2", nodes=[t["grid_b"]])
    user("community_staff", username="shequ", nodes=[t["community"]])
    volunteer(t["grid_a"], name="李秀兰", user=user("resident", username="jumin"))
    volunteer(t["grid_b"], name="赵玉梅")
    for household, kind in ((t["household_a"], TagKind.ELDERLY_ALONE), (t["household_b"], TagKind.DISABLED)):
        PersonTag.objects.create(person=person(household, name="孙桂英"), kind=kind)
    ctx = DemoContext(seed=3, actor=SystemActor(label="demo"), verbose=False)
    ctx.data["main_community"] = t["community"]
    # when the care demo loads
    demo.load(ctx)
    # then each branch cares for its tagged household on a published quarter's roster
    assert CareBranch.objects.count() == 2 and CarePlan.objects.count() == 2
    assert set(CarePlan.objects.values_list("household", flat=True)) == {t["household_a"].pk, t["household_b"].pk}
    assert Turn.objects.exclude(roster__state=RosterState.PUBLISHED).count() == 0
    assert Turn.objects.filter(state=TurnState.MISSED, flagged_carer_at__isnull=False).count() == 2
    assert CareVisit.objects.count() >= Turn.objects.filter(state=TurnState.DONE).count() > 20
    emergency = Emergency.objects.get()
    assert emergency.case is not None and emergency.told
