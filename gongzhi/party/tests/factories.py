"""Test data for the party app, built through its services on top of the area factories."""

import itertools

from gongzhi.areas.models import AreaNode
from gongzhi.areas.tests.factories import child, tree
from gongzhi.core.actors import SystemActor
from gongzhi.party import services
from gongzhi.party.models import OrgKind, PartyMember, PartyOrganization

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)


def organization(
    parent: PartyOrganization | None, *, kind: str, area: AreaNode, name: str | None = None, **extra
) -> PartyOrganization:
    org = services.organization_create(
        actor=ACTOR,
        parent=parent,
        kind=kind,
        area=area,
        name=name or f"{OrgKind(kind).label}{next(_serial)}",
        **extra,
    )
    if parent is not None:
        parent.refresh_from_db()
    return org


def member(org: PartyOrganization, *, name: str | None = None, phone: str = "13812345678", **extra) -> PartyMember:
    return services.member_add(actor=ACTOR, organization=org, name=name or f"党员{next(_serial)}", phone=phone, **extra)


def community_orgs(community: AreaNode, street_committee: PartyOrganization, grids: list[AreaNode]) -> dict:
    """A community committee with one grid branch per grid and a party group in each."""
    committee = organization(street_committee, kind=OrgKind.COMMUNITY_COMMITTEE, area=community,
                             name=f"{community.name}党委")
    result = {"committee": committee, "branches": [], "groups": []}
    for grid in grids:
        branch = organization(committee, kind=OrgKind.BRANCH, area=grid, is_grid_branch=True,
                              name=f"{grid.name}党支部")
        group = organization(branch, kind=OrgKind.GROUP, area=grid, name=f"{grid.name}第一党小组")
        result["branches"].append(branch)
        result["groups"].append(group)
    return result


def party_tree() -> dict:
    """The area tree of `areas.tests.factories.tree()` plus a second community (with grid C), and
    the party tree over both: 区委 → 街道党工委 → a committee per community → grid branches → groups,
    one member (phone 13812345678) in each group."""
    nodes = tree()
    other = child(nodes["street"], name="建西东路社区")
    grid_c = child(other, name="第C网格")
    nodes.update({"other_community": other, "grid_c": grid_c})
    district_committee = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=nodes["district"], name="七里河区委")
    street_committee = organization(district_committee, kind=OrgKind.STREET_WORKING_COMMITTEE, area=nodes["street"],
                                    name="西站街道党工委")
    main = community_orgs(nodes["community"], street_committee, [nodes["grid_a"], nodes["grid_b"]])
    second = community_orgs(other, street_committee, [grid_c])
    orgs = {
        "district_committee": district_committee,
        "street_committee": street_committee,
        "committee": main["committee"],
        "branch_a": main["branches"][0],
        "branch_b": main["branches"][1],
        "group_a": main["groups"][0],
        "group_b": main["groups"][1],
        "other_committee": second["committee"],
        "branch_c": second["branches"][0],
        "group_c": second["groups"][0],
    }
    members = {
        "member_a": member(orgs["group_a"], name="张甲"),
        "member_b": member(orgs["group_b"], name="李乙"),
        "member_c": member(orgs["group_c"], name="王丙", phone="13987654321"),
    }
    return {**nodes, **orgs, **members}
