"""The votes app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district a vote of a residents' council meeting of the community (in draft), and an attendance of
that meeting; district 1's are inside, district 2's outside."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.meetings.tests import factories as meeting_factories
from gongzhi.votes import services
from gongzhi.votes.models import VoteMethod
from gongzhi.votes.tests.factories import ACTOR


def _district(nodes: dict) -> dict:
    body = meeting_factories.body_with_members(nodes["community"], name="瓜州路社区居民议事会")
    meeting = meeting_factories.meeting(body)
    vote = services.vote_create(actor=ACTOR, title="增设非机动车棚", question="是否同意增设非机动车棚？",
                                method=VoteMethod.ROLL_CALL, meeting=meeting)
    return {"vote": vote, "attendance": meeting.attendances.order_by("pk").first()}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _district(world.d1), _district(world.d2)
    seen = AREA_ROLES - {Role.GRID_WORKER}
    return {
        "vote_id": Param(inside=inside["vote"].pk, outside=outside["vote"].pk, seen_by=seen),
        "action": Param.fixed("close"),
        "attendance_id": Param(inside=inside["attendance"].pk, outside=outside["attendance"].pk, seen_by=seen),
    }
