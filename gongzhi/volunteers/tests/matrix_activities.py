"""Matrix objects of the volunteers' activities pages and API: in each district a published activity
of grid A with one volunteer signed up; district 1's are inside (every area role's scope covers grid
A), district 2's outside."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.volunteers.tests import factories


def _district(nodes: dict):
    activity = factories.activity(nodes["grid_a"], title="网格环境整治")
    signup = factories.signup(activity, factories.volunteer(nodes["household_a"]))
    return activity, signup


def objects(world: World) -> dict[str, Param]:
    (a1, s1), (a2, s2) = _district(world.d1), _district(world.d2)
    return {
        "activity_id": Param(inside=a1.pk, outside=a2.pk, seen_by=AREA_ROLES | {Role.RESIDENT}),
        "signup_id": Param(inside=s1.pk, outside=s2.pk, seen_by=AREA_ROLES),
        "activity_action": Param.fixed("publish"),
        "signup_action": Param.fixed("check-in"),
    }
