"""The registries' contact phones over the API: masked in lists, shown in full only through
`POST /api/areas/units/{id}/reveal` and `/estates/{id}/reveal` — allowed by the gate, audited,
and outside the caller's scope indistinguishable from a record that does not exist (404)."""

import pytest

from gongzhi.accounts.tests.factories import user
from gongzhi.areas import services
from gongzhi.areas.tests.factories import ACTOR, tree
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def world():
    here, there = tree(), tree()
    unit = services.unit_save(actor=ACTOR, name="兰州安居物业服务有限公司", kind="property_company",
                              area=here["community"], contact_name="李经理", contact_phone=PHONE)
    estate = services.estate_save(actor=ACTOR, community=here["community"], name="瓜州路小区", property_company=unit,
                                  owners_committee="瓜州路小区业主委员会", owners_committee_contact_name="张主任",
                                  owners_committee_phone="13900001111")
    elsewhere = services.estate_save(actor=ACTOR, community=there["community"], name="西津小区",
                                     owners_committee_phone="13900002222")
    return {"unit": unit, "estate": estate, "elsewhere": elsewhere,
            "staff": user("community_staff", nodes=[here["community"]]),
            "inspector": user("inspector", nodes=[here["street"]]),
            "stranger": user("community_staff", nodes=[there["community"]])}


def test_community_staff_reveal_a_unit_contact_and_an_owners_committee_and_each_is_audited(client, world):
    # given community staff, who see the unit's phone masked in the list
    client.force_login(world["staff"])
    listed = client.get("/api/areas/units").json()["items"]
    assert PHONE not in str(listed) and listed[0]["contact_phone_masked"] == "138****5678"

    # when they reveal the unit's contact and the estate's owners' committee, giving a reason
    unit = client.post(f"/api/areas/units/{world['unit'].pk}/reveal", {"reason": "通知停水"},
                       content_type="application/json")
    estate = client.post(f"/api/areas/estates/{world['estate'].pk}/reveal", {"reason": "业委会换届"},
                         content_type="application/json")

    # then they read the full numbers, and the audit log records who and why, never the number
    assert unit.status_code == 200 and unit.json() == {"id": world["unit"].pk, "contact_phone": PHONE}
    assert estate.json() == {"id": world["estate"].pk, "owners_committee_phone": "13900001111"}
    for action, obj, fields in (("areas.unit.reveal", world["unit"], ["contact_phone"]),
                                ("areas.estate.reveal", world["estate"], ["owners_committee_phone"])):
        event = AuditEvent.objects.get(action=action, object_id=str(obj.pk))
        assert event.actor == world["staff"] and event.after == {"fields": fields}
        assert PHONE not in str(event.after) + event.note


def test_a_role_the_gate_refuses_gets_403_and_outside_the_scope_is_404(client, world):
    # an inspector sees the estate but may not reveal its phone
    client.force_login(world["inspector"])
    refused = client.post(f"/api/areas/estates/{world['estate'].pk}/reveal", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert "13900001111" not in refused.content.decode()

    # staff of another community get what an id that names nothing gets
    client.force_login(world["stranger"])
    outside = client.post(f"/api/areas/estates/{world['estate'].pk}/reveal", {}, content_type="application/json")
    absent = client.post("/api/areas/estates/999999/reveal", {}, content_type="application/json")
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    assert not AuditEvent.objects.filter(action__endswith=".reveal").exists()
