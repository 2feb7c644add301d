"""A party member's phone is personal data: encrypted at rest, masked in the admin, the API, the
pages and the audit log, and shown in full only through a reveal that the gate allows and the
audit log records."""

import pytest
from django.db import connection

from gongzhi.accounts.tests.factories import user
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.core.pii import blind_index
from gongzhi.party import services
from gongzhi.party.models import PartyMember

from .factories import ACTOR, member

PHONE, MASKED = "13812345678", "138****5678"  # the factories' member phone


def _raw(member_id: int) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_masked, phone_hash FROM party_partymember WHERE id = %s", [member_id])
        return cursor.fetchone()


def test_the_phone_column_holds_ciphertext_and_the_masked_copy(pt):
    # given a member added through the service, and members added in bulk
    m = pt["member_a"]
    services.members_bulk_add(actor=ACTOR, organization=pt["group_b"], members=[{"name": "甲", "phone": "13700001111"}])
    bulk = PartyMember.objects.get(name="甲")
    # then the database holds no number, but ciphertext, the masked copy and the blind index
    for row, number, masked in ((m, PHONE, MASKED), (bulk, "13700001111", "137****1111")):
        stored, stored_masked, stored_hash = _raw(row.pk)
        assert number not in stored and stored.startswith("gAAAAA")
        assert stored_masked == masked and stored_hash == blind_index("phone", number)
    # and the model reads the number back
    assert PartyMember.objects.get(pk=m.pk).phone == PHONE


def test_a_changed_phone_is_masked_again_and_audited_masked(pt):
    m = services.member_update(actor=ACTOR, member=pt["member_a"], phone="13900001111")
    assert _raw(m.pk)[1] == "139****1111"
    events = AuditEvent.objects.filter(object_id=str(m.pk), action__startswith="party.member.")
    assert events.exists()
    for event in events:
        assert "13900001111" not in str(event.before) + str(event.after) and PHONE not in str(event.before) + str(event.after)


def test_deleting_a_member_keeps_only_the_masked_phone_in_the_audit_log(pt):
    m = member(pt["group_b"], name="周删", phone="13655556666")
    services.member_delete(actor=ACTOR, member=m)
    event = AuditEvent.objects.get(action="party.member.delete", object_id=str(m.pk))
    assert event.before["phone"] == "136****6666" and "13655556666" not in str(event.before)


def test_the_admin_shows_community_staff_the_masked_phone_only(client, pt, users):
    # given community staff in the admin
    client.force_login(users["community"])
    m = pt["member_a"]
    # when they open the member's change page and the list
    page = client.get(f"/admin/party/partymember/{m.pk}/change/").content.decode()
    listing = client.get("/admin/party/partymember/").content.decode()
    # then they see the masked number (and a way to reveal it), never the number
    assert MASKED in page and PHONE not in page
    assert f"/admin/party/partymember/{m.pk}/reveal/" in page
    assert MASKED in listing and PHONE not in listing


def test_saving_the_admin_form_with_an_empty_phone_keeps_the_number_and_remove_clears_it(client, pt, users):
    client.force_login(users["community"])
    m = pt["member_a"]
    form = {"name": m.name, "status": "full", "organization": m.organization_id, "phone": ""}
    assert client.post(f"/admin/party/partymember/{m.pk}/change/", form).status_code == 302
    assert PartyMember.objects.get(pk=m.pk).phone == PHONE
    assert client.post(f"/admin/party/partymember/{m.pk}/change/", {**form, "phone_clear": "on"}).status_code == 302
    cleared = PartyMember.objects.get(pk=m.pk)
    assert cleared.phone == "" and cleared.phone_masked == ""


def test_the_api_shows_the_masked_phone_only(client, pt, users):
    client.force_login(users["community"])
    body = client.get(f"/api/party/organizations/{pt['group_a'].pk}/members").content.decode()
    assert MASKED in body and PHONE not in body


def test_a_reveal_by_community_staff_shows_the_number_and_is_audited(client, pt, users):
    # given community staff on the reveal page of a member in their community
    client.force_login(users["community"])
    m = pt["member_a"]
    url = f"/admin/party/partymember/{m.pk}/reveal/"
    confirm = client.get(url)
    assert confirm.status_code == 200 and PHONE not in confirm.content.decode()
    assert not AuditEvent.objects.filter(action="party.member.reveal").exists()
    # when they ask for the number, giving a reason
    response = client.post(url, {"reason": "联系开会 13999998888"})
    # then they see it once (not cached), and the audit log records who, why — never the number
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="party.member.reveal", object_id=str(m.pk))
    assert event.actor == users["community"] and event.after == {"fields": ["phone"]}
    assert "13999998888" not in event.note and PHONE not in event.note


def test_a_reveal_by_another_role_or_outside_the_scope_is_refused(client, pt, users):
    m = pt["member_a"]
    # a grid worker and an inspector who see the member may not reveal the number (refused) …
    for role, nodes in (("grid_worker", [pt["grid_a"]]), ("inspector", [pt["street"]])):
        with pytest.raises(Forbidden):
            services.member_reveal_phone(actor=user(role, nodes=nodes), member=m)
    # … a party member's account does not even see it …
    with pytest.raises(NotFound):
        services.member_reveal_phone(actor=user("party_member"), member=m)
    # … nor community staff of another community (the member is not found for them)
    with pytest.raises(NotFound):
        services.member_reveal_phone(actor=users["other_community"], member=m)
    # and the admin's reveal page answers 403 to a grid worker, 404 outside the scope
    client.force_login(users["grid_a"])
    assert client.post(f"/admin/party/partymember/{m.pk}/reveal/").status_code in (302, 403)
    client.force_login(users["other_community"])
    assert client.post(f"/admin/party/partymember/{m.pk}/reveal/").status_code == 404
    assert not AuditEvent.objects.filter(action="party.member.reveal").exists()
    # while street staff over the community may
    assert services.member_reveal_phone(actor=users["street"], member=m) == PHONE
