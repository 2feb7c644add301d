"""Matrix objects of units' 双报到, resources and needs: district 1's unit reported in to its
community (inside, with the world's unit liaison), a resource of it and an open need of the
community; the same in district 2 (outside)."""

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.tests.matrix import Param, World

from . import factories


def _covering(world: World, node) -> frozenset:
    return frozenset(role for role, user in world.users.items() if scope.covers_path(user, node.path))


def _side(district: dict, unit) -> dict:
    community = district["community"]
    report = factories.unit_report(unit, community)
    resource = factories.resource(report, title="会议室")
    need = factories.need(community, title="四点半课堂辅导")
    return {"unit_report": report, "resource": resource, "need": need}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1, world.unit1), _side(world.d2, world.unit2)
    staff = _covering(world, world.d1["community"])
    with_unit = staff | {Role.UNIT_LIAISON}
    # the world's party member reported in to district 1's community (matrix_members): they see its open needs
    reported = with_unit | {Role.PARTY_MEMBER}
    return {
        "unit_report_id": Param(inside=inside["unit_report"].pk, outside=outside["unit_report"].pk, seen_by=with_unit),
        "resource_id": Param(inside=inside["resource"].pk, outside=outside["resource"].pk, seen_by=with_unit),
        "need_id": Param(inside=inside["need"].pk, outside=outside["need"].pk, seen_by=reported),
    }
