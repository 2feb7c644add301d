"""The phones of the registries — a unit's contact, an estate's owners' committee, a department's
duty line — are personal data: encrypted at rest, masked in the admin, the API and the audit log,
and shown in full only through a reveal that the gate allows and the audit log records."""

import importlib

import pytest
from django.db import connection

from gongzhi.accounts.tests.factories import user
from gongzhi.areas import services
from gongzhi.areas.models import Estate, Unit
from gongzhi.areas.tests.factories import ACTOR, tree
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PHONE, MASKED = "13812345678", "138****5678"


def _raw(sql: str, pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


@pytest.fixture
def world():
    t = tree()
    unit = services.unit_save(actor=ACTOR, name="兰州安居物业服务有限公司", kind="property_company", area=t["community"],
                              contact_name="李经理", contact_phone=PHONE)
    estate = services.estate_save(actor=ACTOR, community=t["community"], name="瓜州路小区", property_company=unit,
                                  owners_committee="瓜州路小区业主委员会", owners_committee_contact_name="张主任",
                                  owners_committee_phone="13900001111")
    department = services.department_save(actor=ACTOR, district=t["district"], code="cg", name="城市管理局",
                                          short_name="城管", phone="0931-8123456")
    community_staff = user("community_staff", nodes=[t["community"]])
    return {**t, "unit": unit, "estate": estate, "department": department, "community_staff": community_staff}


def test_the_phone_columns_hold_ciphertext_and_masked_copies(world):
    stored, masked = _raw("SELECT contact_phone, contact_phone_masked FROM areas_unit WHERE id = %s", world["unit"].pk)
    assert PHONE not in stored and stored.startswith("gAAAAA") and masked == MASKED
    stored, masked, name = _raw(
        "SELECT owners_committee_phone, owners_committee_phone_masked, owners_committee_contact_name FROM areas_estate "
        "WHERE id = %s", world["estate"].pk)
    assert "13900001111" not in stored and masked == "139****1111" and name == "张主任"
    stored, masked = _raw("SELECT phone, phone_masked FROM areas_department WHERE id = %s", world["department"].pk)
    assert "8123456" not in stored and masked == "*******3456"
    assert Unit.objects.get(pk=world["unit"].pk).contact_phone == PHONE


def test_the_audit_log_holds_masked_numbers_only(world):
    services.unit_save(actor=ACTOR, unit=world["unit"], contact_phone="13700002222")
    services.registry_delete(actor=ACTOR, instance=world["department"])
    events = AuditEvent.objects.filter(action__startswith="areas.")
    text = " ".join(f"{e.before} {e.after} {e.note}" for e in events)
    for number in (PHONE, "13700002222", "13900001111", "8123456"):
        assert number not in text
    change = events.filter(action="areas.unit.save").order_by("-id").first()
    assert change.before == {"contact_phone_masked": MASKED} and change.after == {"contact_phone_masked": "137****2222"}


def test_the_admin_shows_community_staff_masked_numbers_only(client, world):
    client.force_login(world["community_staff"])
    for path, masked, number in (
        (f"/admin/areas/unit/{world['unit'].pk}/change/", MASKED, PHONE),
        (f"/admin/areas/estate/{world['estate'].pk}/change/", "139****1111", "13900001111"),
        ("/admin/areas/unit/", MASKED, PHONE),
    ):
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code == 200 and masked in page and number not in page, path
    page = client.get(f"/admin/areas/unit/{world['unit'].pk}/change/").content.decode()
    assert f"/admin/areas/unit/{world['unit'].pk}/reveal/" in page


def test_a_department_read_only_in_the_admin_shows_the_masked_number(client, world):
    # street staff may see the district's departments but not keep them: the page is read-only
    client.force_login(user("street_staff", nodes=[world["street"]]))
    page = client.get(f"/admin/areas/department/{world['department'].pk}/change/").content.decode()
    assert "*******3456" in page and "8123456" not in page


def test_saving_the_admin_form_with_an_empty_phone_keeps_the_number(client, world):
    client.force_login(world["community_staff"])
    unit = world["unit"]
    form = {"name": unit.name, "kind": unit.kind, "area": unit.area_id, "contact_name": "王经理", "contact_phone": "",
            "is_active": "on"}
    response = client.post(f"/admin/areas/unit/{unit.pk}/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Unit.objects.get(pk=unit.pk)
    assert saved.contact_phone == PHONE and saved.contact_name == "王经理"
    assert client.post(f"/admin/areas/unit/{unit.pk}/change/", {**form, "contact_phone_clear": "on"}).status_code == 302
    assert Unit.objects.get(pk=unit.pk).contact_phone_masked == ""


def test_the_api_shows_the_masked_contact_phone_only(client, world):
    client.force_login(world["community_staff"])
    response = client.get("/api/areas/units")
    body = response.content.decode()
    assert response.status_code == 200 and MASKED in body and PHONE not in body


def test_a_reveal_by_community_staff_is_audited(client, world):
    client.force_login(world["community_staff"])
    url = f"/admin/areas/estate/{world['estate'].pk}/reveal/"
    assert "13900001111" not in client.get(url).content.decode()
    response = client.post(url, {"reason": "业委会换届"})
    assert response.status_code == 200 and "13900001111" in response.content.decode()
    event = AuditEvent.objects.get(action="areas.estate.reveal", object_id=str(world["estate"].pk))
    assert event.actor == world["community_staff"] and event.after == {"fields": ["owners_committee_phone"]}
    assert event.note == "业委会换届"


def test_a_reveal_by_another_role_or_outside_the_scope_is_refused(client, world):
    grid_worker = user("grid_worker", nodes=[world["grid_a"]])
    with pytest.raises(Forbidden):
        services.contact_reveal(actor=user("inspector", nodes=[world["street"]]), instance=world["unit"])
    with pytest.raises(NotFound):
        services.contact_reveal(actor=grid_worker, instance=world["unit"])  # a unit of the community: outside a grid
    other = tree()
    with pytest.raises(NotFound):
        services.contact_reveal(actor=user("community_staff", nodes=[other["community"]]), instance=world["unit"])
    client.force_login(grid_worker)
    assert client.post(f"/admin/areas/unit/{world['unit'].pk}/reveal/").status_code in (302, 403, 404)
    assert not AuditEvent.objects.filter(action__endswith=".reveal").exists()
    # street staff over the community may; the department's duty line is for the district admin
    assert services.contact_reveal(actor=user("street_staff", nodes=[world["street"]]), instance=world["unit"]) == {
        "contact_phone": PHONE}
    assert services.contact_reveal(actor=user("district_admin", nodes=[world["district"]]),
                                   instance=world["department"]) == {"phone": "0931-8123456"}


@pytest.mark.parametrize(
    ("typed", "name", "phone"),
    [
        ("张三", "张三", ""),
        ("张三 13812345678", "张三", "13812345678"),
        ("张三（电话：0931-8123456）", "张三", "09318123456"),
        ("联系人李四，手机 +86 139-0000-1111", "联系人李四", "13900001111"),
        ("13812345678", "", "13812345678"),
        ("", "", ""),
    ],
)
def test_the_migration_splits_a_number_out_of_an_owners_committee_contact(typed, name, phone):
    migration = importlib.import_module("gongzhi.areas.migrations.0004_personal_phones_data")
    assert migration.split_contact(typed) == (name, phone)


def test_an_estate_without_a_phone_keeps_an_empty_masked_copy(world):
    estate = services.estate_save(actor=ACTOR, community=world["community"], name="铁建丽苑")
    assert Estate.objects.get(pk=estate.pk).owners_committee_phone_masked == ""
