"""The party app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district 区委 → 街道党工委 → community committee → grid-A branch → party group with one member, and
a community alliance; district 1's are inside, district 2's outside."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.party import services
from gongzhi.party.models import AllianceLevel, OrgKind
from gongzhi.party.tests.factories import community_orgs, member, organization

ACTOR = SystemActor(label="matrix")


def _district(nodes: dict) -> dict:
    top = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=nodes["district"])
    street = organization(top, kind=OrgKind.STREET_WORKING_COMMITTEE, area=nodes["street"])
    orgs = community_orgs(nodes["community"], street, [nodes["grid_a"]])
    alliance = services.alliance_create(actor=ACTOR, level=AllianceLevel.COMMUNITY, name="社区大党委",
                                        area=nodes["community"], leading_organization=orgs["committee"])
    return {"group": orgs["groups"][0], "member": member(orgs["groups"][0]), "alliance": alliance}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _district(world.d1), _district(world.d2)
    world.stash["party_member"] = inside["member"]
    org = Param(inside=inside["group"].pk, outside=outside["group"].pk, seen_by=AREA_ROLES)
    # The alliance belongs to the community: a grid worker's scope lies below it.
    alliance = Param(inside=inside["alliance"].pk, outside=outside["alliance"].pk,
                     seen_by=AREA_ROLES - {Role.GRID_WORKER})
    return {
        "org_id": org,
        "pk": org,
        "member_id": Param(inside=inside["member"].pk, outside=outside["member"].pk, seen_by=AREA_ROLES),
        "alliance_id": alliance,
        "alliances.pk": alliance,
    }
