"""A party member's phone over the API: masked in the member's record, shown in full only through
`POST /api/party/members/{id}/reveal` — allowed by the gate (the staff who keep members, in their
scope), audited, and 404 outside the scope."""


from gongzhi.core.models import AuditEvent

PHONE, MASKED = "13812345678", "138****5678"  # the factories' member phone


def test_community_staff_reveal_a_members_phone_and_it_is_audited(client, pt, users):
    # given community staff, who read the member's phone masked
    member = pt["member_a"]
    client.force_login(users["community"])
    record = client.get(f"/api/party/members/{member.pk}").json()
    assert PHONE not in str(record)

    # when they reveal it, giving a reason
    response = client.post(f"/api/party/members/{member.pk}/reveal", {"reason": "通知组织生活会"},
                           content_type="application/json")

    # then they read it in full, and the audit log records who and why, never the number
    assert response.status_code == 200 and response.json() == {"id": member.pk, "phone": PHONE}
    event = AuditEvent.objects.get(action="party.member.reveal", object_id=str(member.pk))
    assert event.actor == users["community"] and event.after == {"fields": ["phone"]}
    assert PHONE not in event.note


def test_a_grid_worker_is_refused_and_another_community_gets_404(client, pt, users):
    member = pt["member_a"]
    # a grid worker sees the member but may not reveal the phone
    client.force_login(users["grid_a"])
    refused = client.post(f"/api/party/members/{member.pk}/reveal", {}, content_type="application/json")
    assert refused.status_code == 403 and PHONE not in refused.content.decode()
    # staff of another community: the same answer as for a member who does not exist
    client.force_login(users["other_community"])
    outside = client.post(f"/api/party/members/{member.pk}/reveal", {}, content_type="application/json")
    absent = client.post("/api/party/members/999999/reveal", {}, content_type="application/json")
    assert outside.status_code == absent.status_code == 404 and outside.json() == absent.json()
    assert not AuditEvent.objects.filter(action="party.member.reveal").exists()
