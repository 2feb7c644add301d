"""From a case: a handler at street or community level calls a coordination meeting with the parties;
its decisions land on the case's timeline and may send the case to the owning department; the case
page shows the meetings panel to those who see them, with the button to those who may call one."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.models import CaseEvent, State
from gongzhi.cases.tests.factories import submit, world
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.models import Attendance, MeetingKind
from gongzhi.meetings.services import decisions
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

HEATING = {"title": "小区暖气不热", "description": "入冬以来3号楼暖气一直不热，室温只有十四度，老人孩子受不了。"}


def parties(w):
    return [
        {"name": "赵经理", "organization": "兰州热力公司", "phone": "13912345678"},
        {"name": "钱经理", "organization": "瓜州物业公司", "phone": "0931-8123456"},
        {"name": "", "organization": "", "user": w.resident},  # the resident who asked, with an account
    ]


def call(w, case, actor=None, **extra):
    values = {"starts_at": timezone.now() + dt.timedelta(days=2), "location": "瓜州路社区二楼会议室",
              "parties": parties(w)}
    values.update(extra)
    return decisions.coordination_call(actor=actor or w.cstaff, case=case, **values)


def test_community_staff_call_a_coordination_meeting_with_the_parties():
    w = world()
    case = submit(w, **HEATING)
    meeting = call(w, case)
    assert meeting.kind == MeetingKind.COORDINATION and meeting.case_id == case.pk
    assert meeting.area == w.community
    rows = {a.name: a for a in meeting.attendances.all()}
    assert rows["赵经理"].is_outside_party and rows["赵经理"].phone_masked == "139****5678"
    assert rows[str(w.cstaff)].capacity == "chair"
    assert rows[str(w.resident)].user_id == w.resident.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM meetings_attendance WHERE id = %s", [rows["赵经理"].pk])
        assert "13912345678" not in cursor.fetchone()[0]
    assert AuditEvent.objects.filter(action="meetings.meeting.create", object_id=str(meeting.pk)).exists()


def test_only_handlers_at_street_or_community_level_in_the_area_call_one():
    w = world()
    case = submit(w, **HEATING)
    for actor in (w.resident, w.worker_a, w.cg):
        with pytest.raises(Forbidden):
            call(w, case, actor=actor)
    other = world()
    with pytest.raises(Forbidden):
        call(w, case, actor=other.cstaff)
    assert call(w, case, actor=w.sstaff).area == case.area  # where the case is held, which the street covers


@pytest.mark.parametrize(("change", "field"), [
    ({"parties": []}, "parties"),
    ({"location": " "}, "location"),
    ({"starts_at": None}, "starts_at"),
    ({"parties": [{"name": "孙师傅", "phone": "12345"}]}, "phone"),
])
def test_bad_input_is_refused_on_its_field(change, field):
    w = world()
    case = submit(w, **HEATING)
    with pytest.raises(InvalidInput) as bad:
        call(w, case, **change)
    assert field in bad.value.fields
    assert not case.meetings.exists()


def test_its_decisions_land_on_the_case_timeline_for_the_requester_too():
    w = world()
    case = submit(w, **HEATING)
    meeting = factories.held(call(w, case))
    decision = decisions.decision_record(actor=w.cstaff, meeting=meeting, text="热力公司三日内排查3号楼供暖管网",
                                         deadline=timezone.localdate() + dt.timedelta(days=3),
                                         owners=["兰州热力公司", w.departments["zj"]])
    assert decision.case_id == case.pk
    note = CaseEvent.objects.get(case=case, action="note", params__meeting_decision=decision.pk)
    assert not note.internal
    assert "热力公司三日内排查3号楼供暖管网" in note.note and "兰州热力公司" in note.note and "住建局" in note.note
    assert "协调会议定" in note.note


def test_a_decision_owned_by_a_department_sends_the_case_to_it():
    w = world()
    case = submit(w, **HEATING)
    from gongzhi.cases.services import case_accept

    case_accept(actor=w.cstaff, case=case)
    meeting = factories.held(call(w, case))
    decision = decisions.decision_record(actor=w.cstaff, meeting=meeting, text="住建局督促开发商整改管网",
                                         deadline=timezone.localdate() + dt.timedelta(days=10),
                                         owners=[w.departments["zj"]])
    from gongzhi.meetings import selectors

    assert selectors.dispatch_offers(user=w.cstaff, decision=decision) == [w.departments["zj"]]
    assert selectors.dispatch_offers(user=w.resident, decision=decision) == []
    with pytest.raises(InvalidInput):
        decisions.decision_dispatch_case(actor=w.cstaff, decision=decision, department=w.departments["cg"])
    moved = decisions.decision_dispatch_case(actor=w.cstaff, decision=decision, department=w.departments["zj"])
    assert moved.state == State.DISPATCHED and moved.department == w.departments["zj"]
    assert CaseEvent.objects.filter(case=case, action="dispatch", note__contains="住建局督促开发商整改管网").exists()


def test_the_case_page_shows_the_panel_to_staff_and_the_button_only_to_coordinators(client):
    w = world()
    case = submit(w, **HEATING)
    url = reverse("cases:detail", kwargs={"pk": case.pk})
    call_url = reverse("meetings:coordination-call", kwargs={"case_id": case.pk})
    client.force_login(w.cstaff)
    page = client.get(url).content.decode()
    assert 'id="meetings-panel"' in page and call_url in page
    client.force_login(w.resident)  # the requester: nothing of meetings they were not invited to
    page = client.get(url).content.decode()
    assert 'id="meetings-panel"' not in page
    meeting = factories.held(call(w, case))
    decisions.decision_record(actor=w.cstaff, meeting=meeting, text="物业公司本周内更换3号楼暖气阀门",
                              deadline=timezone.localdate() + dt.timedelta(days=5), owners=["瓜州物业公司"])
    client.force_login(w.inspector)  # sees the case and the meeting (street), may not call one
    page = client.get(url).content.decode()
    assert 'id="meetings-panel"' in page and "物业公司本周内更换3号楼暖气阀门" in page and call_url not in page
    record_url = reverse("meetings:decision-create", kwargs={"meeting_id": meeting.pk})
    assert record_url not in page
    client.force_login(w.cstaff)  # the convener records the meeting's decisions from the panel
    assert record_url in client.get(url).content.decode()
    client.force_login(w.resident)  # now invited: sees the meeting on the case
    page = client.get(url).content.decode()
    assert 'id="meetings-panel"' in page and meeting.title in page and call_url not in page


def test_calling_from_the_case_page_keeps_the_input_on_error_and_outsiders_get_404(client):
    w = world()
    case = submit(w, **HEATING)
    url = reverse("meetings:coordination-call", kwargs={"case_id": case.pk})
    client.force_login(world().cstaff)
    assert client.get(url).status_code == 404
    client.force_login(w.resident)
    assert client.get(url).status_code == 403
    client.force_login(w.cstaff)
    assert client.get(url).status_code == 200
    starts = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"starts_at": starts, "location": "社区会议室", "party_name_0": "赵经理",
                            "party_org_0": "兰州热力公司", "party_phone_0": "123"})
    html = bad.content.decode()
    assert bad.status_code == 400 and 'class="error"' in html and "兰州热力公司" in html
    assert not case.meetings.exists()
    good = client.post(url, {"starts_at": starts, "location": "社区会议室", "party_name_0": "赵经理",
                             "party_org_0": "兰州热力公司", "party_phone_0": "13912345678",
                             "party_user_1": str(w.worker_a.pk)})
    assert good.status_code == 302
    meeting = case.meetings.get()
    assert set(Attendance.objects.filter(meeting=meeting).values_list("name", flat=True)) == {
        "赵经理", str(w.cstaff), str(w.worker_a)}


def test_the_api_calls_one_and_answers_404_outside(client):
    w = world()
    case = submit(w, **HEATING)
    url = f"/api/meetings/cases/{case.pk}/coordination"
    body = {"starts_at": (timezone.now() + dt.timedelta(days=1)).isoformat(), "location": "社区会议室",
            "parties": [{"name": "赵经理", "organization": "兰州热力公司", "phone": "13912345678"}]}
    client.force_login(world().cstaff)
    assert client.post(url, body, content_type="application/json").status_code == 404
    client.force_login(w.cstaff)
    answer = client.post(url, body, content_type="application/json")
    assert answer.status_code == 201 and answer.json()["case_id"] == case.pk


def test_a_body_that_studies_a_case_on_its_agenda_puts_its_decision_on_the_case():
    w = world()
    case = submit(w, **HEATING)
    body = factories.body_with_members(w.community, name="瓜州路社区大党委")
    meeting = factories.held(factories.meeting(body, title="十二月大党委会议",
                                               agenda=[{"title": "3号楼供暖问题", "case": case}]))
    item = meeting.agenda.get()
    decision = decisions.decision_record(actor=w.cstaff, meeting=meeting, text="请热力公司本周内完成管网排查",
                                         deadline=timezone.localdate() + dt.timedelta(days=7), owners=["兰州热力公司"],
                                         agenda_item=item)
    assert decision.case_id == case.pk
    note = CaseEvent.objects.get(case=case, params__meeting_decision=decision.pk)
    assert "十二月大党委会议" in note.note and "请热力公司本周内完成管网排查" in note.note
    other = submit(w, title="楼道灯不亮", description="2单元楼道灯坏了一周")
    with pytest.raises(InvalidInput) as bad:  # a case the meeting did not take up
        decisions.decision_record(actor=w.cstaff, meeting=meeting, text="修灯", owners=["物业"], case=other,
                                  deadline=timezone.localdate() + dt.timedelta(days=7))
    assert "case" in bad.value.fields
