"""Decisions (议定事项): recorded at a meeting in session or held, numbered, with owners who are told;
progress with photos; done, reopened, withdrawn through the workflow; overdue flagged once to the
body and the level above."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import DepartmentFactory, UnitFactory, tree
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.meetings.models import Decision, DecisionState
from gongzhi.meetings.services import decisions
from gongzhi.meetings.tests import factories

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = timezone.localdate


@pytest.fixture
def place():
    """A community with its staff, the street's staff above it, and a residents' council whose chair
    and secretary have accounts; one of its meetings has been held."""
    nodes = tree()
    chair = user(Role.PARTY_MEMBER)
    secretary = user(Role.RESIDENT)
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    street = user(Role.STREET_STAFF, nodes=[nodes["street"]])
    body = factories.body_with_members(nodes["community"], chair=chair, secretary=secretary)
    meeting = factories.held(factories.meeting(body))
    return {"nodes": nodes, "chair": chair, "secretary": secretary, "staff": staff, "street": street, "body": body,
            "meeting": meeting}


def deadline(days=7):
    return TODAY() + dt.timedelta(days=days)


def test_decisions_are_numbered_within_the_meeting_audited_and_their_owners_told(place, django_capture_on_commit_callbacks):
    liaison_unit = UnitFactory(area=place["nodes"]["community"], name="兰州热力公司西站分公司")
    liaison = user(Role.UNIT_LIAISON, unit=liaison_unit)
    owner = user(Role.GRID_WORKER, nodes=[place["nodes"]["grid_a"]])
    with django_capture_on_commit_callbacks(execute=True):
        first = decisions.decision_record(actor=place["staff"], meeting=place["meeting"], text="三天内清理3号楼楼道堆物",
                                          deadline=deadline(3), owners=[owner, "物业公司"])
        second = decisions.decision_record(actor=place["chair"], meeting=place["meeting"], text="热力公司下周排查管网",
                                           deadline=deadline(10), owners=[liaison_unit])
    assert (first.number, second.number) == (1, 2)
    assert [o.name for o in first.owners.all()] == [str(owner), "物业公司"]
    assert AuditEvent.objects.filter(action="meetings.decision.create", object_id=str(first.pk)).exists()
    told = Notification.objects.filter(kind="meetings.decision_assigned")
    assert set(told.values_list("recipient_id", flat=True)) == {owner.pk, liaison.pk}


def test_a_decision_needs_a_meeting_in_session_or_held(place):
    planned = factories.meeting(place["body"])
    with pytest.raises(Conflict) as refused:
        decisions.decision_record(actor=place["staff"], meeting=planned, text="先议一议", deadline=deadline(), owners=["居委会"])
    assert refused.value.code == "meeting_not_in_session"
    assert not Decision.objects.filter(meeting=planned).exists()


@pytest.mark.parametrize(
    ("text", "due", "owners", "field"),
    [
        ("", 3, ["居委会"], "text"),
        ("议" * 2001, 3, ["居委会"], "text"),
        ("修好路灯", -1, ["居委会"], "deadline"),
        ("修好路灯", None, ["居委会"], "deadline"),
        ("修好路灯", 3, [], "owners"),
        ("修好路灯", 3, ["  "], "owners"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(place, text, due, owners, field):
    with pytest.raises(InvalidInput) as bad:
        decisions.decision_record(actor=place["staff"], meeting=place["meeting"], text=text,
                                  deadline=None if due is None else deadline(due), owners=owners)
    assert field in bad.value.fields
    assert not Decision.objects.exists()


def test_owners_are_only_those_the_recorder_may_see(place):
    elsewhere = tree()
    far_unit = UnitFactory(area=elsewhere["community"])
    far_person = user(Role.COMMUNITY_STAFF, nodes=[elsewhere["community"]])
    for owner in (far_unit, far_person):
        with pytest.raises(InvalidInput) as bad:
            decisions.decision_record(actor=place["staff"], meeting=place["meeting"], text="修好路灯", deadline=deadline(),
                                      owners=[owner])
        assert "owners" in bad.value.fields


def test_only_the_bodys_officers_and_the_areas_staff_record_decisions(place):
    member = user(Role.RESIDENT)
    factories.member(place["body"], user=member)
    meeting = factories.held(factories.meeting(place["body"]))  # invited: sees the meeting, may not decide
    with pytest.raises(Forbidden):
        decisions.decision_record(actor=member, meeting=meeting, text="修好路灯", deadline=deadline(),
                                  owners=["居委会"])
    outsider = user(Role.COMMUNITY_STAFF, nodes=[tree()["community"]])
    with pytest.raises(NotFound):
        decisions.decision_record(actor=outsider, meeting=place["meeting"], text="修好路灯", deadline=deadline(),
                                  owners=["居委会"])


def test_an_owner_reports_progress_with_photos_and_only_photos(place):
    owner = user(Role.GRID_WORKER, nodes=[place["nodes"]["grid_a"]])
    decision = factories.decision(place["meeting"], owners=[owner])
    with pytest.raises(InvalidInput) as bad:
        decisions.decision_report(actor=owner, decision=decision, text="已清理",
                                  photos=[SimpleUploadedFile("a.png", b"%PDF-1.4 not a photo", content_type="image/png")])
    assert "photos" in bad.value.fields
    update = decisions.decision_report(actor=owner, decision=decision, text="已清理一半，周五前完成",
                                       photos=[SimpleUploadedFile("楼道.png", PNG, content_type="image/png")])
    photo = update.photos.get()
    assert photo.content_type == "image/png" and "楼道" not in photo.file.name
    assert AuditEvent.objects.filter(action="meetings.decision.report", object_id=str(decision.pk)).exists()


def test_a_photo_too_large_is_refused(place, settings):
    settings.MEETINGS_PHOTO_MAX_BYTES = 50
    decision = factories.decision(place["meeting"])
    with pytest.raises(InvalidInput) as bad:
        decisions.decision_report(actor=place["staff"], decision=decision, text="进展",
                                  photos=[SimpleUploadedFile("big.png", PNG + b"\x00" * 100, content_type="image/png")])
    assert "photos" in bad.value.fields


def test_done_reopened_and_withdrawn_through_the_workflow(place):
    owner = user(Role.GRID_WORKER, nodes=[place["nodes"]["grid_a"]])
    decision = factories.decision(place["meeting"], owners=[owner])
    done = decisions.decision_complete(actor=owner, decision=decision, note="堆物已全部清走")
    assert done.state == DecisionState.DONE and done.done_on_time
    with pytest.raises(Forbidden):  # owners report and complete; the body reopens
        decisions.decision_reopen(actor=owner, decision=decision, reason="又堆上了")
    reopened = decisions.decision_reopen(actor=place["secretary"], decision=decision, reason="又堆上了")
    assert reopened.state == DecisionState.OPEN and reopened.done_at is None
    with pytest.raises(InvalidInput):
        decisions.decision_withdraw(actor=place["chair"], decision=decision, reason="")
    withdrawn = decisions.decision_withdraw(actor=place["chair"], decision=decision, reason="并入第3项")
    assert withdrawn.state == DecisionState.CANCELLED
    with pytest.raises(Conflict):
        decisions.decision_complete(actor=owner, decision=decision)
    actions = set(AuditEvent.objects.filter(object_id=str(decision.pk), action__startswith="meetings.decision.")
                  .values_list("action", flat=True))
    assert {"meetings.decision.complete", "meetings.decision.reopen", "meetings.decision.withdraw"} <= actions


def test_overdue_decisions_are_flagged_once_to_the_body_and_the_level_above(place, django_capture_on_commit_callbacks):
    late = factories.decision(place["meeting"], text="修复单元门禁", deadline=deadline(1))
    on_time = factories.decision(place["meeting"], text="更换路灯", deadline=deadline(30))
    done = factories.decision(place["meeting"], text="清理楼道", deadline=deadline(1))
    decisions.decision_complete(actor=place["staff"], decision=done)
    later = TODAY() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.flag_overdue(actor=factories.ACTOR, today=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert decisions.flag_overdue(actor=factories.ACTOR, today=later) == 0
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.overdue_flagged_at is not None and on_time.overdue_flagged_at is None
    told = Notification.objects.filter(kind="meetings.decision_overdue")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [place["chair"].pk, place["secretary"].pk, place["street"].pk])
    assert AuditEvent.objects.filter(action="meetings.decision.overdue").count() == 1


def test_only_the_system_sweeps_overdue_decisions(place):
    with pytest.raises(Forbidden):
        decisions.flag_overdue(actor=place["staff"])


def test_the_decision_page_shows_owners_progress_and_the_offered_actions(place, client):
    owner = user(Role.GRID_WORKER, nodes=[place["nodes"]["grid_a"]])
    decision = factories.decision(place["meeting"], text="周五前清理3号楼楼道", owners=[owner, "物业公司"])
    decisions.decision_report(actor=owner, decision=decision, text="已清走一半",
                              photos=[SimpleUploadedFile("楼道.png", PNG, content_type="image/png")])
    client.force_login(owner)
    page = client.get(reverse("meetings:decision", kwargs={"decision_id": decision.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "周五前清理3号楼楼道" in html and "物业公司" in html and "已清走一半" in html
    assert reverse("meetings:decision-complete", kwargs={"decision_id": decision.pk}) in html
    assert reverse("meetings:decision-withdraw", kwargs={"decision_id": decision.pk}) not in html  # not the owner's
    photo = decision.updates.get().photos.get()
    served = client.get(reverse("meetings:decision-photo", kwargs={"photo_id": photo.pk}))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_page_form_error_is_shown_beside_the_field_and_keeps_the_input(place, client):
    decision = factories.decision(place["meeting"])
    client.force_login(place["staff"])
    url = reverse("meetings:decision-report", kwargs={"decision_id": decision.pk})
    answer = client.post(url, {"text": "已处理", "photos": [SimpleUploadedFile("x.png", b"GIF89a", content_type="image/png")]})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert 'class="error"' in html and "已处理" in html
    assert not decision.updates.exists()


def test_an_owner_completes_from_the_page_and_outsiders_get_404(place, client):
    owner = user(Role.GRID_WORKER, nodes=[place["nodes"]["grid_a"]])
    decision = factories.decision(place["meeting"], owners=[owner])
    outsider = user(Role.COMMUNITY_STAFF, nodes=[tree()["community"]])
    client.force_login(outsider)
    for name in ("meetings:decision", "meetings:decision-complete"):
        answer = (client.get if name == "meetings:decision" else client.post)(reverse(name, kwargs={"decision_id": decision.pk}))
        assert answer.status_code == 404
    client.force_login(owner)
    answer = client.post(reverse("meetings:decision-complete", kwargs={"decision_id": decision.pk}), {"note": "已完成"})
    assert answer.status_code == 302
    decision.refresh_from_db()
    assert decision.state == DecisionState.DONE


def test_a_decision_is_recorded_from_the_form_with_owners_picked_and_typed(place, client):
    department = DepartmentFactory(district=place["nodes"]["district"], name="住建局", short_name="住建")
    client.force_login(place["chair"])
    url = reverse("meetings:decision-create", kwargs={"meeting_id": place["meeting"].pk})
    form = client.get(url)
    assert form.status_code == 200 and "住建局" in form.content.decode()
    bad = client.post(url, {"text": "协调住建局督促开发商整改", "deadline": "2020-01-01", "owner": f"department:{department.pk}"})
    assert bad.status_code == 400 and 'class="error"' in bad.content.decode() and "协调住建局督促开发商整改" in bad.content.decode()
    good = client.post(url, {"text": "协调住建局督促开发商整改", "deadline": deadline(20).isoformat(),
                             "owner": f"department:{department.pk}", "owner_names": f"开发商，{place['secretary']}"})
    assert good.status_code == 302
    made = Decision.objects.get(meeting=place["meeting"])
    assert [(o.department_id, o.name) for o in made.owners.all()] == [
        (department.pk, "住建局"), (None, "开发商"), (None, str(place["secretary"]))]
    assert made.owners.get(name=str(place["secretary"])).user_id == place["secretary"].pk  # a typed invitee is linked


def test_the_quick_entry_posts_back_to_the_chairs_screen(place, client):
    client.force_login(place["chair"])
    url = reverse("meetings:decision-create", kwargs={"meeting_id": place["meeting"].pk})
    answer = client.post(url, {"text": "下周一前修好路灯", "deadline": deadline(5).isoformat(), "owner_names": "物业公司",
                               "next": "/meetings/somewhere/"})
    assert answer.status_code == 302 and answer["Location"] == "/meetings/somewhere/"
    evil = client.post(url, {"text": "再议", "deadline": deadline(5).isoformat(), "owner_names": "物业公司",
                             "next": "//evil.example/"})
    assert evil["Location"] == url


def test_the_quick_entry_renders_for_the_chairs_screen(place, rf):
    from django.template.loader import render_to_string

    request = rf.get("/meetings/chair/")
    request.user = place["chair"]
    html = render_to_string("meetings/_quick_decision.html", {"meeting": place["meeting"]}, request=request)
    action = reverse("meetings:decision-create", kwargs={"meeting_id": place["meeting"].pk})
    assert f'action="{action}"' in html and 'name="owner_names"' in html and 'value="/meetings/chair/"' in html


def test_the_decision_page_shows_the_panels_apps_above_provide(place, client, monkeypatch):
    from gongzhi.core import components

    decision = factories.decision(place["meeting"], text="加装路灯交由共建项目办理")
    seen = []

    def provide(*, user, decision):
        seen.append((user.pk, decision.pk))
        return {"title": "共建项目", "template": "meetings/decision_case_panel.html",
                "context": {"case": None, "meetings": [], "decisions": [], "may_call": False}}

    real = components.extensions
    monkeypatch.setattr(components, "extensions",
                        lambda point: [provide] if point == "meetings.decision.panels" else real(point))
    client.force_login(place["staff"])
    page = client.get(reverse("meetings:decision", kwargs={"decision_id": decision.pk}))
    assert page.status_code == 200
    assert "共建项目" in page.content.decode()
    assert seen == [(place["staff"].pk, decision.pk)]
