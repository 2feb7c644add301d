"""The admin writes through the services: permission, validation and audit hold there too."""

from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.core.models import AuditEvent
from gongzhi.party import services
from gongzhi.party.models import Alliance, AllianceLevel, AllianceMember, PartyMember, PartyOrganization

from .factories import ACTOR, organization


def test_community_staff_add_a_branch_in_the_admin(client, pt, users):
    client.force_login(users["community"])
    response = client.post(
        "/admin/party/partyorganization/add/",
        {"kind": "branch", "parent": pt["committee"].pk, "name": "退休党支部", "area": pt["community"].pk,
         "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    branch = PartyOrganization.objects.get(name="退休党支部")
    assert PartyOrganization.objects.get_parent(branch) == pt["committee"]
    event = AuditEvent.objects.get(action="party.organization.create", object_id=str(branch.pk))
    assert event.actor == users["community"]


def test_admin_shows_the_refusal_next_to_the_field(client, pt, users):
    client.force_login(users["community"])
    before = PartyOrganization.objects.count()
    response = client.post(
        "/admin/party/partyorganization/add/",
        {"kind": "group", "parent": pt["committee"].pk, "name": "小组", "area": pt["community"].pk, "is_active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"]
    assert PartyOrganization.objects.count() == before


def test_admin_change_and_move_go_through_services(client, pt, users):
    general = organization(pt["committee"], kind="general_branch", area=pt["community"], name="党总支")
    client.force_login(users["community"])
    response = client.post(
        f"/admin/party/partyorganization/{pt['branch_a'].pk}/change/",
        {"parent": general.pk, "name": "第A网格党支部", "area": pt["grid_a"].pk, "is_grid_branch": "on",
         "secretary_name": "赵书记", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    branch = PartyOrganization.objects.get(pk=pt["branch_a"].pk)
    assert PartyOrganization.objects.get_parent(branch) == general
    assert branch.secretary_name == "赵书记"
    assert AuditEvent.objects.filter(action="party.organization.move", object_id=str(branch.pk)).exists()


def test_admin_cannot_delete_an_organisation_with_members(client, pt, users):
    client.force_login(users["community"])
    response = client.post(f"/admin/party/partyorganization/{pt['group_a'].pk}/delete/", {"post": "yes"})
    assert PartyOrganization.objects.filter(pk=pt["group_a"].pk).exists()
    assert response.status_code in (200, 403)


def test_admin_member_add_and_transfer(client, pt, users):
    client.force_login(users["community"])
    response = client.post(
        "/admin/party/partymember/add/",
        {"name": "新党员", "gender": "male", "status": "full", "organization": pt["group_a"].pk, "phone": "13600001234"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    m = PartyMember.objects.get(name="新党员")
    response = client.post(
        f"/admin/party/partymember/{m.pk}/change/",
        {"name": "新党员", "gender": "male", "status": "full", "organization": pt["group_b"].pk, "phone": "13600001234"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PartyMember.objects.get(pk=m.pk).organization == pt["group_b"]
    assert AuditEvent.objects.filter(action="party.member.transfer", object_id=str(m.pk)).exists()
    listing = client.get("/admin/party/partymember/").content.decode()
    assert "136****1234" in listing and "13600001234" not in listing


def test_admin_alliance_with_inline_member_units(client, pt, users):
    unit = UnitFactory(area=pt["community"], name="瓜州路幼儿园", kind="school")
    client.force_login(users["community"])
    response = client.post(
        "/admin/party/alliance/add/",
        {
            "level": "community", "name": "瓜州路社区大党委", "area": pt["community"].pk,
            "leading_organization": pt["committee"].pk, "meeting_cadence": "bimonthly", "is_active": "on",
            "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
            "members-0-unit": unit.pk, "members-0-representative_name": "何园长", "members-0-role": "member_unit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    alliance = Alliance.objects.get()
    assert AllianceMember.objects.get(alliance=alliance).representative_name == "何园长"
    assert AuditEvent.objects.filter(action="party.alliance_member.add").count() == 1


def test_admin_alliance_out_of_scope_is_404(client, pt, users):
    alliance = services.alliance_create(
        actor=ACTOR, level=AllianceLevel.COMMUNITY, name="瓜州路社区大党委", area=pt["community"],
        leading_organization=pt["committee"],
    )
    client.force_login(users["other_community"])
    assert client.get(f"/admin/party/alliance/{alliance.pk}/change/").status_code == 404
