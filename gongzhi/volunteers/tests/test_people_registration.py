"""Registering volunteers: by the area's staff from a resident, a party member, a unit's staff or
plainly; the same ID number once; bad input refused beside its field; self-registration by a
resident whose account is linked to the registry; scope (outside is 404); the audited reveal."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.party.models import OrgKind
from gongzhi.party.tests import factories as party
from gongzhi.residents.services import person_link_account
from gongzhi.residents.tests import factories as residents
from gongzhi.volunteers.models import Volunteer, VolunteerKind, VolunteerStatus
from gongzhi.volunteers.selectors.accounts import volunteer_account
from gongzhi.volunteers.services import people as services
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def w():
    nodes = residents.world()
    nodes["other"] = residents.tree()
    nodes["other_staff"] = residents.user(Role.COMMUNITY_STAFF, nodes=[nodes["other"]["community"]])
    nodes["other_person"] = residents.person(nodes["other"]["household_a"], name="外区居民")
    return nodes


def test_staff_register_a_resident_of_the_registry(w):
    # Given a resident of the community and a specialty
    medical = factories.skill("医疗")
    # When the community staff registers them with their consent
    v = services.volunteer_register(actor=w["community_staff"], person=w["person_a"], skills=[medical], consent=True,
                                    availability=[{"weekday": 5, "start": "08:00", "end": "12:00"}], languages="兰州话")
    # Then name, phone, ID number and household come from the registry, masked copies are kept
    assert v.kind == VolunteerKind.RESIDENT and v.name == "张三" and v.area == w["household_a"]
    assert v.id_number == w["person_a"].id_number and "*" in v.id_number_masked and "*" in v.phone_masked
    assert v.number.startswith("ZY") and len(v.number) == 12
    assert list(v.skills.all()) == [medical] and v.consent_at is not None
    # and the points account is open, the registration audited without the numbers
    assert volunteer_account(volunteer=v) is not None
    event = AuditEvent.objects.get(action="volunteers.volunteer.register")
    assert w["person_a"].id_number not in str(event.after)


def test_numbers_follow_each_other(w):
    a = services.volunteer_register(actor=w["community_staff"], person=w["person_a"], consent=True)
    b = services.volunteer_register(actor=w["community_staff"], person=w["person_b"], consent=True)
    assert int(b.number[-6:]) == int(a.number[-6:]) + 1


def test_staff_register_a_party_member(w):
    top = party.organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=w["district"], name="区委")
    street = party.organization(top, kind=OrgKind.STREET_WORKING_COMMITTEE, area=w["street"], name="街道党工委")
    org = party.community_orgs(w["community"], street, [w["grid_a"]])["branches"][0]
    member = party.member(org, name="王党员", phone="13912345678")
    v = services.volunteer_register(actor=w["community_staff"], party_member=member, id_number=residents.id_number(),
                                    consent=True)
    assert v.kind == VolunteerKind.PARTY_MEMBER and v.name == "王党员" and v.party_member == member
    assert v.area == w["grid_a"]


def test_staff_register_a_unit_staff_member(w):
    unit = UnitFactory(area=w["community"])
    v = services.volunteer_register(actor=w["community_staff"], unit=unit, name="单位职工", phone=residents.phone(),
                                    id_number=residents.id_number(), consent=True)
    assert v.kind == VolunteerKind.UNIT_STAFF and v.unit == unit and v.area == unit.area


def test_staff_register_plainly_in_a_grid(w):
    v = services.volunteer_register(actor=w["community_staff"], area=w["grid_a"], name="赵志愿", phone=residents.phone(),
                                    id_number=residents.id_number(), consent=True)
    assert v.kind == VolunteerKind.OTHER and v.area == w["grid_a"]


def test_the_same_id_number_registers_once(w):
    services.volunteer_register(actor=w["community_staff"], person=w["person_a"], consent=True)
    with pytest.raises(InvalidInput) as refused:
        services.volunteer_register(actor=w["community_staff"], area=w["grid_a"], name="冒名", phone=residents.phone(),
                                    id_number=w["person_a"].id_number, consent=True)
    assert refused.value.fields["id_number"] == [_("A volunteer with this ID number is already registered.")]
    assert Volunteer.objects.count() == 1


@pytest.mark.parametrize(("field", "values"), [
    ("id_number", {"id_number": "123"}),
    ("id_number", {"id_number": "620103195001010000"}),
    ("phone", {"phone": "12345"}),
    ("name", {"name": " "}),
    ("consent", {"consent": False}),
    ("availability", {"availability": [{"weekday": 7, "start": "08:00", "end": "09:00"}]}),
    ("availability", {"availability": [{"weekday": 1, "start": "10:00", "end": "09:00"}]}),
    ("availability", {"availability": [{"weekday": 1, "start": "8点", "end": "09:00"}]}),
    ("availability", {"availability": [{"weekday": 1, "start": "08:00", "end": "10:00"},
                                       {"weekday": 1, "start": "09:00", "end": "11:00"}]}),
    ("area", {"area": None}),
])
def test_bad_input_is_refused_beside_its_field(w, field, values):
    data = {"area": w["grid_a"], "name": "钱志愿", "phone": residents.phone(), "id_number": residents.id_number(),
            "consent": True, **values}
    with pytest.raises(InvalidInput) as refused:
        services.volunteer_register(actor=w["community_staff"], **data)
    assert field in refused.value.fields
    assert not Volunteer.objects.exists()


def test_outside_the_scope_is_refused(w):
    with pytest.raises(InvalidInput):
        services.volunteer_register(actor=w["community_staff"], person=w["other_person"], consent=True)
    with pytest.raises(Forbidden):
        services.volunteer_register(actor=w["community_staff"], area=w["other"]["grid_a"], name="外", consent=True,
                                    phone=residents.phone(), id_number=residents.id_number())


def test_a_resident_registers_themself(w):
    account = residents.user(Role.RESIDENT)
    person_link_account(actor=factories.ACTOR, person=w["person_a"], user=account)
    with pytest.raises(InvalidInput) as refused:
        services.volunteer_register_self(actor=account, consent=False)
    assert "consent" in refused.value.fields
    v = services.volunteer_register_self(actor=account, consent=True)
    assert v.user == account and v.person == w["person_a"] and v.area == w["household_a"]
    with pytest.raises(Conflict) as again:
        services.volunteer_register_self(actor=account, consent=True)
    assert again.value.message == _("You are already registered as a volunteer.")


def test_an_account_without_a_resident_record_is_told(w):
    with pytest.raises(Conflict):
        services.volunteer_register_self(actor=residents.user(Role.RESIDENT), consent=True)


def test_self_registration_page(w, client):
    account = residents.user(Role.RESIDENT)
    person_link_account(actor=factories.ACTOR, person=w["person_b"], user=account)
    client.force_login(account)
    page = client.get(reverse("volunteers:register-self"))
    assert page.status_code == 200 and "李四" in page.content.decode()
    refused = client.post(reverse("volunteers:register-self"), {"phone": ""})
    assert refused.status_code == 400 and not Volunteer.objects.exists()
    done = client.post(reverse("volunteers:register-self"), {"consent": "on", "avail_5_start": "08:00",
                                                             "avail_5_end": "11:30"})
    assert done.status_code == 302
    v = Volunteer.objects.get()
    assert v.availability == [{"weekday": 5, "start": "08:00", "end": "11:30"}]
    again = client.get(reverse("volunteers:register-self"))
    assert again.status_code == 302
    record = client.get(reverse("volunteers:my-record"))
    assert record.status_code == 200 and v.number in record.content.decode()


def test_staff_registration_page_shows_the_id_number_error_beside_the_field(w, client):
    services.volunteer_register(actor=w["community_staff"], person=w["person_a"], consent=True)
    client.force_login(w["community_staff"])
    page = client.post(reverse("volunteers:volunteer-register"), {
        "name": "冒名", "phone": residents.phone(), "id_number": w["person_a"].id_number,
        "area": w["grid_a"].pk, "consent": "on"})
    assert page.status_code == 400
    assert page.context["form"].errors["id_number"] == [_("A volunteer with this ID number is already registered.")]
    # the number refused is not echoed back
    assert w["person_a"].id_number not in page.content.decode()
    ok = client.post(reverse("volunteers:volunteer-register") + f"?person={w['person_b'].pk}",
                     {"consent": "on", "source_person": w["person_b"].pk})
    assert ok.status_code == 302


def test_scope_pages_and_api(w):
    mine = services.volunteer_register(actor=w["community_staff"], person=w["person_a"], consent=True)
    theirs = services.volunteer_register(actor=w["other_staff"], person=w["other_person"], consent=True)
    client = Client()
    client.force_login(w["community_staff"])
    assert client.get(reverse("volunteers:volunteer", args=[mine.pk])).status_code == 200
    assert client.get(reverse("volunteers:volunteer", args=[theirs.pk])).status_code == 404
    assert client.get(f"/api/volunteers/people/{mine.pk}").status_code == 200
    assert client.get(f"/api/volunteers/people/{theirs.pk}").status_code == 404
    listed = client.get("/api/volunteers/people").json()
    assert [v["id"] for v in listed["items"]] == [mine.pk]
    assert listed["items"][0]["phone_masked"] != w["person_a"].phone
    page = client.get(reverse("volunteers:volunteer-list"), {"q": "张"})
    assert page.status_code == 200 and "张三" in page.content.decode()


def test_reveal_is_audited_and_only_for_keepers(w):
    v = services.volunteer_register(actor=w["community_staff"], person=w["person_a"], consent=True)
    client = Client()
    client.force_login(w["community_staff"])
    answer = client.post(f"/api/volunteers/people/{v.pk}/reveal", {"reason": "联系参加活动"}, content_type=JSON)
    assert answer.status_code == 200 and answer.json()["id_number"] == w["person_a"].id_number
    event = AuditEvent.objects.get(action="volunteers.volunteer.reveal")
    assert event.note == "联系参加活动" and w["person_a"].id_number not in str(event.after)
    client.force_login(w["grid_worker_a"])
    assert client.post(f"/api/volunteers/people/{v.pk}/reveal", {}, content_type=JSON).status_code == 403
    page = Client()
    page.force_login(w["community_staff"])
    shown = page.post(reverse("volunteers:volunteer-reveal", args=[v.pk]), {"reason": "核对"})
    assert shown.status_code == 200 and w["person_a"].id_number in shown.content.decode()


def test_register_through_the_api_and_leave(w):
    client = Client()
    client.force_login(w["community_staff"])
    skill = factories.skill("维修")
    answer = client.post("/api/volunteers/people", {
        "person_id": w["person_a"].pk, "consent": True, "skill_ids": [skill.pk],
        "availability": [{"weekday": 0, "start": "19:00", "end": "21:00"}]}, content_type=JSON)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["skills"] == [{"id": skill.pk, "name": "维修"}] and body["balance"] == 0
    refused = client.post("/api/volunteers/people", {"area_id": w["grid_a"].pk, "name": "x", "consent": True,
                                                     "phone": "1", "id_number": residents.id_number()},
                          content_type=JSON)
    assert refused.status_code == 400 and "phone" in refused.json()["fields"]
    left = client.post(f"/api/volunteers/people/{body['id']}/leave", {"reason": "搬走"}, content_type=JSON)
    assert left.status_code == 200 and left.json()["status"] == VolunteerStatus.LEFT
    assert client.post(f"/api/volunteers/people/{body['id']}/leave", {}, content_type=JSON).status_code == 409


def test_my_card(w):
    account = residents.user(Role.RESIDENT)
    client = Client()
    client.force_login(account)
    assert client.get("/api/volunteers/me").status_code == 404
    factories.volunteer(w["household_a"], user=account, name="我自己")
    card = client.get("/api/volunteers/me").json()
    assert card["name"] == "我自己" and card["balance"] == 0


def test_update_through_the_api_and_by_the_volunteer(w):
    account = residents.user(Role.RESIDENT)
    v = factories.volunteer(w["household_a"], user=account, name="周志愿", phone=residents.phone(),
                            id_number=residents.id_number())
    client = Client()
    client.force_login(w["community_staff"])
    changed = client.patch(f"/api/volunteers/people/{v.pk}", {"name": "周改名", "languages": "英语"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["name"] == "周改名"
    assert AuditEvent.objects.filter(action="volunteers.volunteer.update").exists()
    own = Client()
    own.force_login(account)
    mine = own.patch(f"/api/volunteers/people/{v.pk}", {"availability": [{"weekday": 6, "start": "09:00", "end": "10:00"}]},
                     content_type=JSON)
    assert mine.status_code == 200 and mine.json()["availability"][0]["weekday"] == 6
    assert own.patch(f"/api/volunteers/people/{v.pk}", {"name": "自改"}, content_type=JSON).status_code == 403
