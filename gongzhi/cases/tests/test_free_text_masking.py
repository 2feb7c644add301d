"""Numbers typed into free text (issue 12 item 3): a phone or ID number written into a case's title,
description or a note is stored as typed (evidence) but shown masked on the case page, in the inbox,
in the API, in the admin and in notifications; the requester reads their own words as typed."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD
from gongzhi.cases import services
from gongzhi.cases.tests.factories import dispatched
from gongzhi.core import notifications
from gongzhi.core.models import Notification

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ID_NUMBER = "110101199003071234"


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def case(w):
    case = dispatched(w, title=f"请回电 {PHONE}", description=f"我的身份证 {ID_NUMBER}，电话 {PHONE}。")
    services.case_add_note(actor=w.cstaff, case=case, note=f"已联系，备用电话 {PHONE}")
    case.refresh_from_db()
    return case


def _no_numbers(text: str) -> None:
    assert PHONE not in text and ID_NUMBER not in text


def test_the_stored_text_stays_as_typed(case):
    assert PHONE in case.title and ID_NUMBER in case.description


def test_staff_read_the_numbers_masked_on_the_page_and_in_the_inbox(client, w, case):
    login(client, w.cstaff)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "139****5678" in page
    _no_numbers(page)
    login(client, w.worker_a)
    inbox = client.get("/cases/", {"box": "to_claim"}).content.decode()
    assert "139****5678" in inbox
    _no_numbers(inbox)


def test_staff_read_the_numbers_masked_in_the_api_list_and_detail(client, w, case):
    login(client, w.cstaff)
    detail = client.get(f"/api/cases/{case.pk}")
    assert detail.status_code == 200
    _no_numbers(detail.content.decode())
    assert detail.json()["title"] == "请回电 139****5678"
    login(client, w.worker_a)
    listed = client.get("/api/cases/", {"box": "to_claim"})
    assert [c["title"] for c in listed.json()["items"]] == ["请回电 139****5678"]
    _no_numbers(listed.content.decode())


def test_the_requester_reads_their_own_words_as_typed(client, w, case):
    login(client, w.resident)
    detail = client.get(f"/api/cases/{case.pk}").json()
    assert detail["title"] == f"请回电 {PHONE}" and ID_NUMBER in detail["description"]
    assert any(PHONE in (e["note"] or "") for e in detail["timeline"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert ID_NUMBER in page


def test_the_admin_change_page_and_list_show_the_numbers_masked(client, w, case):
    client.force_login(w.admin)
    change = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert change.status_code == 200
    _no_numbers(change.content.decode())
    changelist = client.get("/admin/cases/case/")
    assert changelist.status_code == 200
    _no_numbers(changelist.content.decode())
    case.refresh_from_db()
    assert PHONE in case.title  # the read-only admin never saves the masked copy


def test_notifications_never_carry_the_numbers(w, case):
    rows = notifications.notify(recipients=[w.cstaff], title=case.title, body=case.description, obj=case)
    assert rows
    row = Notification.objects.get(pk=rows[0].pk)
    _no_numbers(row.title + row.body)
    assert "139****5678" in row.title


def test_a_handler_reveals_the_text_and_the_reveal_is_audited(client, w, case):
    from gongzhi.core.models import AuditEvent

    login(client, w.cstaff)
    assert "cases:act" not in (page := client.get(f"/cases/{case.pk}/").content.decode())
    assert f"/cases/{case.pk}/act/reveal_text/" in page
    revealed = client.post(f"/cases/{case.pk}/act/reveal_text/", {"reason": "回访"})
    assert revealed.status_code == 200
    body = revealed.content.decode()
    assert ID_NUMBER in body and PHONE in body
    event = AuditEvent.objects.get(action="cases.case.reveal_text", object_id=str(case.pk))
    assert event.actor_id == w.cstaff.pk and event.note == "回访"
    assert ID_NUMBER not in str(event.after)
    # the page masks it again afterwards
    _no_numbers(client.get(f"/cases/{case.pk}/").content.decode())


def test_a_resident_or_an_inspector_may_not_reveal(client, w, case):
    from gongzhi.core.models import AuditEvent

    for someone in (w.inspector, w.worker_b):
        login(client, someone)
        answer = client.post(f"/cases/{case.pk}/act/reveal_text/", {"reason": "x"}, follow=True)
        _no_numbers(answer.content.decode())
    assert not AuditEvent.objects.filter(action="cases.case.reveal_text").exists()
