"""Building the party tree through the services, and the refusals that keep it well-formed."""

import pytest

from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.party import services
from gongzhi.party.models import OrgKind, PartyOrganization

from .factories import ACTOR, organization


def _counts():
    return PartyOrganization.objects.count(), AuditEvent.objects.count()


def test_tree_is_built_from_district_committee_down_to_groups(pt):
    # given the party tree of the factories
    # then each organisation hangs under the right parent, attached to its area
    committee = pt["committee"]
    assert PartyOrganization.objects.get_parent(committee) == pt["street_committee"]
    assert PartyOrganization.objects.get_parent(pt["street_committee"]) == pt["district_committee"]
    assert PartyOrganization.objects.get_parent(pt["group_a"]) == pt["branch_a"]
    assert pt["branch_a"].is_grid_branch and pt["branch_a"].area == pt["grid_a"]
    assert [o.name for o in PartyOrganization.objects.get_children(committee)] == ["第A网格党支部", "第B网格党支部"]
    # and every creation is in the audit log with the organisation's area
    event = AuditEvent.objects.filter(action="party.organization.create", object_id=str(committee.pk)).get()
    assert event.area_path == pt["community"].path
    assert event.after["name"] == "瓜州路社区党委"


def test_a_branch_under_a_general_branch_in_a_property_company(pt):
    from gongzhi.areas.tests.factories import UnitFactory

    # given a property company registered in the community
    company = UnitFactory(kind="property_company", area=pt["community"], name="安居物业")
    general = organization(pt["committee"], kind=OrgKind.GENERAL_BRANCH, area=pt["community"], name="社区党总支")
    # when a branch is set up in that company
    branch = organization(general, kind=OrgKind.BRANCH, area=pt["community"], unit=company, name="安居物业党支部")
    # then it sits in the company, under the general branch
    assert branch.unit == company
    assert PartyOrganization.objects.get_parent(branch) == general


@pytest.mark.parametrize(
    ("kind", "parent_key", "area_key"),
    [
        (OrgKind.GROUP, "committee", "community"),  # a group belongs under a branch
        (OrgKind.BRANCH, "district_committee", "community"),
        (OrgKind.COMMUNITY_COMMITTEE, "committee", "community"),
        (OrgKind.STREET_WORKING_COMMITTEE, None, "street"),
    ],
)
def test_wrong_parent_kind_is_refused_and_nothing_is_written(pt, kind, parent_key, area_key):
    before = _counts()
    # when an organisation is placed under the wrong kind of parent
    with pytest.raises(InvalidInput) as info:
        services.organization_create(
            actor=ACTOR, parent=pt[parent_key] if parent_key else None, kind=kind, area=pt[area_key], name="新组织"
        )
    # then it is refused naming the parent field, with the allowed kinds in the message
    assert "parent" in info.value.fields
    assert "党小组" in info.value.message or kind != OrgKind.GROUP
    assert _counts() == before


def test_area_outside_the_parents_area_is_refused(pt):
    before = _counts()
    # when a branch of community 1's committee is attached to a grid of the other community
    with pytest.raises(InvalidInput) as info:
        services.organization_create(
            actor=ACTOR, parent=pt["committee"], kind=OrgKind.BRANCH, area=pt["grid_c"], name="越界支部"
        )
    assert list(info.value.fields) == ["area"]
    assert "第C网格" in info.value.message and "瓜州路社区党委" in info.value.message
    assert _counts() == before


def test_a_group_must_lie_inside_its_branchs_area(pt):
    with pytest.raises(InvalidInput) as info:
        services.organization_create(
            actor=ACTOR, parent=pt["branch_a"], kind=OrgKind.GROUP, area=pt["grid_b"], name="第二党小组"
        )
    assert "area" in info.value.fields


@pytest.mark.parametrize(
    ("kind", "parent_key", "area_key", "extra"),
    [
        (OrgKind.STREET_WORKING_COMMITTEE, "district_committee", "community", {}),  # not a street node
        (OrgKind.COMMUNITY_COMMITTEE, "street_committee", "grid_a", {}),  # not a community node
        (OrgKind.BRANCH, "committee", "community", {"is_grid_branch": True}),  # a grid branch needs a grid
    ],
)
def test_area_of_the_wrong_kind_is_refused(pt, kind, parent_key, area_key, extra):
    before = _counts()
    with pytest.raises(InvalidInput) as info:
        services.organization_create(
            actor=ACTOR, parent=pt[parent_key], kind=kind, area=pt[area_key], name="某组织", **extra
        )
    assert "area" in info.value.fields
    assert _counts() == before


def test_missing_name_is_refused_naming_the_field(pt):
    before = _counts()
    with pytest.raises(InvalidInput) as info:
        services.organization_create(actor=ACTOR, parent=pt["committee"], kind=OrgKind.BRANCH, area=pt["grid_a"], name="  ")
    assert list(info.value.fields) == ["name"]
    assert "名称" in info.value.message
    assert _counts() == before


def test_only_a_branch_can_be_a_grid_branch(pt):
    with pytest.raises(InvalidInput) as info:
        services.organization_create(
            actor=ACTOR, parent=pt["branch_a"], kind=OrgKind.GROUP, area=pt["grid_a"], name="小组", is_grid_branch=True
        )
    assert "is_grid_branch" in info.value.fields


def test_duplicate_code_is_refused(pt):
    organization(pt["committee"], kind=OrgKind.BRANCH, area=pt["grid_a"], code="DZ-001")
    with pytest.raises(InvalidInput) as info:
        organization(pt["committee"], kind=OrgKind.BRANCH, area=pt["grid_b"], code="DZ-001")
    assert "code" in info.value.fields


def test_move_into_its_own_subtree_is_refused(pt):
    general = organization(pt["committee"], kind=OrgKind.GENERAL_BRANCH, area=pt["community"], name="党总支")
    inner = organization(general, kind=OrgKind.BRANCH, area=pt["community"], name="内部支部")
    before = (_counts(), general.path)
    # when the general branch is moved under a branch below itself
    with pytest.raises(InvalidInput) as info:
        services.organization_move(actor=ACTOR, organization=general, new_parent=inner)
    assert list(info.value.fields) == ["parent"]
    general.refresh_from_db()
    assert (_counts(), general.path) == before


def test_move_a_branch_to_a_general_branch(pt):
    general = organization(pt["committee"], kind=OrgKind.GENERAL_BRANCH, area=pt["community"], name="党总支")
    # when grid branch A (with its group) moves under the general branch
    moved = services.organization_move(actor=ACTOR, organization=pt["branch_a"], new_parent=general)
    # then it and its group now sit below the general branch
    assert PartyOrganization.objects.get_parent(moved) == general
    group = PartyOrganization.objects.get(pk=pt["group_a"].pk)
    assert group.path.startswith(general.path)
    assert AuditEvent.objects.filter(action="party.organization.move", object_id=str(moved.pk)).exists()


def test_move_to_a_parent_in_another_area_is_refused(pt):
    with pytest.raises(InvalidInput) as info:
        services.organization_move(actor=ACTOR, organization=pt["branch_a"], new_parent=pt["other_committee"])
    assert "area" in info.value.fields


def test_update_records_the_change_and_refuses_an_area_that_would_strand_children(pt):
    updated = services.organization_update(actor=ACTOR, organization=pt["branch_a"], secretary_name="赵书记")
    assert updated.secretary_name == "赵书记"
    event = AuditEvent.objects.filter(action="party.organization.update", object_id=str(updated.pk)).get()
    assert event.before == {"secretary_name": ""} and event.after == {"secretary_name": "赵书记"}
    # the committee cannot move to the other community: its branches would lie outside it
    with pytest.raises(InvalidInput) as info:
        services.organization_update(actor=ACTOR, organization=pt["committee"], area=pt["other_community"])
    assert "area" in info.value.fields


def test_delete_refuses_an_organisation_with_members_or_children(pt):
    with pytest.raises(InvalidInput) as info:
        services.organization_delete(actor=ACTOR, organization=pt["branch_a"])
    assert "children" in info.value.fields
    with pytest.raises(InvalidInput) as info:
        services.organization_delete(actor=ACTOR, organization=pt["group_a"])
    assert "members" in info.value.fields
    empty = organization(pt["branch_a"], kind=OrgKind.GROUP, area=pt["grid_a"], name="空小组")
    services.organization_delete(actor=ACTOR, organization=empty)
    assert not PartyOrganization.objects.filter(pk=empty.pk).exists()
    assert AuditEvent.objects.filter(action="party.organization.delete", object_id=str(empty.pk)).exists()


def test_bulk_create_builds_children_with_valid_paths(pt):
    created = services.organizations_bulk_create(
        actor=ACTOR,
        parent=pt["branch_b"],
        children=[
            {"kind": OrgKind.GROUP, "name": "第二党小组", "area": pt["grid_b"]},
            {"kind": OrgKind.GROUP, "name": "第三党小组", "area": pt["grid_b"]},
        ],
    )
    assert [o.name for o in created] == ["第二党小组", "第三党小组"]
    assert PartyOrganization.objects.find_problems() == ([], [], [], [], [])
    parent = PartyOrganization.objects.get(pk=pt["branch_b"].pk)
    assert parent.numchild == 3
    # and a bad child refuses the whole batch
    before = _counts()
    with pytest.raises(InvalidInput) as info:
        services.organizations_bulk_create(
            actor=ACTOR,
            parent=pt["branch_b"],
            children=[
                {"kind": OrgKind.GROUP, "name": "第四党小组", "area": pt["grid_b"]},
                {"kind": OrgKind.GROUP, "name": "", "area": pt["grid_b"]},
            ],
        )
    assert "children.1.name" in info.value.fields
    assert _counts() == before


def test_staff_manage_only_their_part_of_the_tree(pt, users):
    # community staff may add a branch in their community …
    branch = services.organization_create(
        actor=users["community"], parent=pt["committee"], kind=OrgKind.BRANCH, area=pt["community"], name="退休支部"
    )
    assert branch.pk
    # … but not in the other community, nor a community committee, and grid workers not at all
    with pytest.raises(Forbidden):
        services.organization_create(
            actor=users["community"], parent=pt["other_committee"], kind=OrgKind.BRANCH, area=pt["other_community"],
            name="越权支部",
        )
    with pytest.raises(Forbidden):
        services.organization_update(actor=users["community"], organization=pt["committee"], secretary_name="x")
    with pytest.raises(Forbidden):
        services.organization_create(
            actor=users["grid_a"], parent=pt["branch_a"], kind=OrgKind.GROUP, area=pt["grid_a"], name="小组"
        )
    # street staff may change the community committee
    services.organization_update(actor=users["street"], organization=pt["committee"], secretary_name="钱书记")
