"""The deliberation demo puts the seeds' topics at their steps, on top of the meetings demo: one just
proposed, one before the party members, one dropped with its reason, one with the supervision
committee, one at its online household vote, and one decided, published, carried out and signed off."""

import pytest

from gongzhi.areas.tests.factories import child
from gongzhi.deliberation import demo
from gongzhi.deliberation.models import StepState, Topic, TopicState
from gongzhi.disclosure.models import Item
from gongzhi.meetings import demo as meetings_demo
from gongzhi.meetings.tests.test_demo import ctx  # noqa: F401 - the meetings demo's context fixture
from gongzhi.residents.tests.factories import person
from gongzhi.votes.models import Vote, VoteState

pytestmark = pytest.mark.django_db


def test_the_demo_topics_stand_at_their_steps(ctx):  # noqa: F811
    # given households with residents in the estate's building (the residents demo's part)
    building = ctx.data["buildings"][0]
    unit = child(building, name="1单元")
    for number in (101, 102, 201):
        person(child(unit, name=f"{number}室"), name=f"住户{number}")
    meetings_demo.load(ctx)
    demo.load(ctx)
    at = {t.title: t for t in Topic.objects.all()}
    current = {title: t.steps.filter(state=StepState.CURRENT).values_list("name", flat=True).first()
               for title, t in at.items()}
    assert current["小区主干道路灯维修更换"] == "党委提议"
    assert current["增设电动车集中充电设施"] == "党员大会审议"
    assert current["门球场地面翻新"] == "监督委员会监事"
    assert current["增设非机动车棚"] == "住户表决"
    dropped = at["老旧小区停车位重新划线"]
    assert dropped.state == TopicState.DROPPED and "改造计划" in dropped.state_reason
    lift = at["3号楼电梯机房加装空调"]
    assert lift.state == TopicState.IMPLEMENTED and lift.resolution.signed_off_at is not None
    assert Item.objects.filter(reference=f"topic:{lift.pk}", published_at__isnull=False).exists()
    assert Vote.objects.filter(reference=f"topic:{at['增设非机动车棚'].pk}", state=VoteState.OPEN).exists()
