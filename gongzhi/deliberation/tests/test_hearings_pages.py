"""The hearing pages: staff call a hearing from a topic, a resident registers on the hearing page,
refusals come back beside the field with nothing written, staff record views and download the
record of views; phones are masked and revealed only with an audit."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.models import AuditEvent
from gongzhi.deliberation import hearings_selectors as selectors
from gongzhi.deliberation.models import Hearing, HearingRegistration, HearingView
from gongzhi.deliberation.tests import factories
from gongzhi.deliberation.tests.test_hearings_services import call, day_of_hearing

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def w():
    return factories.world()


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_staff_call_a_hearing_from_the_topic_and_a_bad_deadline_is_named_beside_its_field(client, w):
    topic = factories.topic(w)
    client.force_login(w.cstaff)
    page = client.get(f"/deliberation/topics/{topic.pk}/hearings/new/")
    assert page.status_code == 200
    now = timezone.now()
    form = {"starts_at": local(now + dt.timedelta(days=7)), "registration_closes_at": local(now + dt.timedelta(days=8)),
            "location": "瓜州路社区二楼会议室", "seats": "30", "speakers_limit": "5", "minutes_per_speaker": "5"}
    refused = client.post(f"/deliberation/topics/{topic.pk}/hearings/new/", form, **ZH)
    assert refused.status_code == 400
    assert "报名截止时间必须早于听证会开始时间。" in refused.content.decode()
    assert not Hearing.objects.exists()
    form["registration_closes_at"] = local(now + dt.timedelta(days=5))
    done = client.post(f"/deliberation/topics/{topic.pk}/hearings/new/", form)
    hearing = Hearing.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/deliberation/hearings/{hearing.pk}/"
    panel = client.get(f"/deliberation/topics/{topic.pk}/hearings/")
    assert "瓜州路社区二楼会议室" in panel.content.decode()


def test_a_resident_registers_to_speak_and_a_second_time_is_refused(client, w):
    hearing = call(w, factories.topic(w))
    resident = w.residents[0]
    client.force_login(resident)
    listing = client.get("/deliberation/hearings/")
    assert f"/deliberation/hearings/{hearing.pk}/" in listing.content.decode()
    act = f"/deliberation/hearings/{hearing.pk}/act/"
    client.post(act, {"action": "register", "wants_to_speak": "on", "affiliation": "3号楼住户"})
    row = HearingRegistration.objects.get(user=resident)
    assert row.wants_to_speak and row.speaking_order == 1
    page = client.get(f"/deliberation/hearings/{hearing.pk}/").content.decode()
    assert "3号楼住户" in page and 'id="cancel-mine"' in page
    # the resident sees no phone and no registrations table
    assert 'id="registrations"' not in page
    again = client.post(act, {"action": "register"}, **ZH)
    assert again.status_code == 409 and "您已报名参加本次听证会。" in again.content.decode()
    assert HearingRegistration.objects.count() == 1
    # cancel frees the seat
    client.post(act, {"action": "cancel", "registration": row.pk})
    assert selectors.seats_left(hearing) == hearing.seats


def test_registration_after_the_deadline_is_refused_with_the_reason(client, w):
    hearing = call(w, factories.topic(w))
    Hearing.objects.filter(pk=hearing.pk).update(registration_closes_at=timezone.now() - dt.timedelta(minutes=5))
    client.force_login(w.residents[0])
    refused = client.post(f"/deliberation/hearings/{hearing.pk}/act/", {"action": "register"}, **ZH)
    assert refused.status_code == 409 and "报名已于" in refused.content.decode()
    assert not HearingRegistration.objects.exists()


def test_staff_register_by_phone_see_it_masked_and_reveal_it_with_a_reason(client, w):
    hearing = call(w, factories.topic(w))
    client.force_login(w.cstaff)
    act = f"/deliberation/hearings/{hearing.pk}/act/"
    bad = client.post(act, {"action": "register_other", "name": "王秀兰", "phone": "123"}, **ZH)
    assert bad.status_code == 400 and not HearingRegistration.objects.exists()
    client.post(act, {"action": "register_other", "name": "王秀兰", "phone": "13912345678", "affiliation": "业委会"})
    row = HearingRegistration.objects.get()
    page = client.get(f"/deliberation/hearings/{hearing.pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    shown = client.post(act, {"action": "reveal", "registration": row.pk, "reason": "通知发言"}).content.decode()
    assert "13912345678" in shown
    assert AuditEvent.objects.filter(action="deliberation.hearing.reveal_phone", object_id=str(row.pk)).exists()


def test_a_view_with_no_text_is_refused_beside_the_field_and_the_record_downloads(client, w):
    hearing = call(w, factories.topic(w))
    client.force_login(w.cstaff)
    hearing = day_of_hearing(hearing)
    act = f"/deliberation/hearings/{hearing.pk}/act/"
    refused = client.post(act, {"action": "view", "speaker": "王女士", "position": "for", "text": ""}, **ZH)
    assert refused.status_code == 400 and 'id="view-text-error"' in refused.content.decode()
    assert not HearingView.objects.exists()
    client.post(act, {"action": "view", "speaker": "王女士", "position": "for", "text": "支持加装空调。"})
    pdf = client.get(f"/deliberation/hearings/{hearing.pk}/views.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    attached = client.post(act, {"action": "attach"})
    assert attached.status_code == 302 and hearing.topic.documents.filter(content_type="application/pdf").exists()


def test_residents_see_the_record_of_views_after_the_hearing_without_phones(client, w):
    hearing = call(w, factories.topic(w))
    from gongzhi.deliberation.services import hearings

    hearings.hearing_register(actor=w.cstaff, hearing=hearing, on_behalf=True, name="王秀兰", phone="13912345678",
                              wants_to_speak=True)
    hearing = day_of_hearing(hearing)
    hearings.view_record(actor=w.cstaff, hearing=hearing, text="支持加装空调。", position="for",
                         registration=HearingRegistration.objects.get().pk)
    client.force_login(w.residents[1])
    page = client.get(f"/deliberation/hearings/{hearing.pk}/").content.decode()
    assert "支持加装空调。" in page and "139****5678" not in page and "13912345678" not in page
    assert 'id="view-form"' not in page


def test_a_resident_of_another_building_gets_404_for_a_building_topics_hearing(client, w):
    hearing = call(w, factories.topic(w, key="building"))
    client.force_login(w.resident_b)
    assert client.get(f"/deliberation/hearings/{hearing.pk}/").status_code == 404
    assert client.post(f"/deliberation/hearings/{hearing.pk}/act/", {"action": "register"}).status_code == 404
