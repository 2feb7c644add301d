"""Members' 双报到, service log, 双报告 and 三亮一树: pages, API and services."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.cobuilding.models import (
    Delivery,
    Evaluation,
    MemberReport,
    PostKind,
    QuarterReport,
    QuarterReportState,
    ReportInState,
)
from gongzhi.cobuilding.services import members as services
from gongzhi.cobuilding.services import reports as report_services
from gongzhi.cobuilding.tests import factories
from gongzhi.cobuilding.tests import factories_members as more
from gongzhi.cobuilding.tests.factories_cards import pdf_text
from gongzhi.core.actors import SystemActor
from gongzhi.core.audit import AuditEvent
from gongzhi.core.notifications import Notification
from gongzhi.party.models import PartyMember, PartyOrganization

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    nodes = tree()
    other = tree()
    org = PartyOrganization.objects.add_root(create_kwargs={"name": "兰州某公司党支部", "kind": "branch", "area": nodes["community"]})
    employer = factories.unit(nodes["community"], name="兰州某公司")
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    other_staff = user(Role.COMMUNITY_STAFF, nodes=[other["community"]])
    return {"nodes": nodes, "other": other, "org": org, "employer": employer, "staff": staff,
            "other_staff": other_staff}


def _client(client, account):
    client.force_login(account)
    return client


def test_given_an_employer_with_a_liaison_when_a_member_reports_in_then_the_liaison_confirms(
        client, world, django_capture_on_commit_callbacks):
    liaison = factories.liaison(world["employer"])
    member = factories.in_service_member(world["org"], name="张建国", employer=world["employer"])
    page = _client(client, member.user).get(reverse("cobuilding:report-in"))
    assert "将在系统中确认您的报到" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cobuilding:report-in"), {
            "community": world["nodes"]["community"].pk, "skills": "水电维修", "duty": "负责3号楼楼道安全巡查",
            "posts": [PostKind.BUILDING_HEAD, PostKind.VOLUNTEER], "public_profile": "on"})
    assert response.status_code == 302
    report = MemberReport.objects.get(member=member)
    assert report.state == ReportInState.PENDING
    assert report.posts.count() == 2
    assert Notification.objects.filter(recipient=liaison, kind="cobuilding.confirm_registration").exists()

    inbox = _client(client, liaison).get(reverse("cobuilding:employer-inbox"))
    assert "张建国" in inbox.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cobuilding:member-confirm", args=[report.pk]))
    report.refresh_from_db()
    member.refresh_from_db()
    assert report.state == ReportInState.ACTIVE
    assert member.home_community == world["nodes"]["community"]
    assert Notification.objects.filter(recipient=member.user, kind="cobuilding.registration_confirmed").exists()


def test_given_an_employer_without_liaison_when_the_member_reports_in_then_staff_confirm(client, world):
    member = factories.in_service_member(world["org"], name="李慧", employer=world["employer"])
    page = _client(client, member.user).get(reverse("cobuilding:report-in"))
    assert "报到函" in page.content.decode()
    report = services.report_in(actor=member.user, community=world["nodes"]["community"])
    stranger = factories.liaison(factories.unit(world["nodes"]["community"], name="别的单位"))
    with pytest.raises((services.Forbidden, services.NotFound)):
        services.confirm(actor=stranger, report=report)
    services.confirm(actor=world["staff"], report=report, note="已收到单位报到函")
    report.refresh_from_db()
    assert report.state == ReportInState.ACTIVE


def test_given_an_open_registration_when_reporting_to_a_second_community_then_refused_beside_the_field(client, world):
    member = factories.in_service_member(world["org"], employer=world["employer"])
    factories.member_report(member, world["nodes"]["community"])
    response = _client(client, member.user).post(reverse("cobuilding:report-in"),
                                                  {"community": world["other"]["community"].pk})
    assert response.status_code == 400
    assert "该党员已在一个社区报到" in response.content.decode()
    assert MemberReport.objects.filter(member=member).count() == 1


def test_given_a_refusal_without_reason_then_refused_and_with_reason_then_not_confirmed(world):
    liaison = factories.liaison(world["employer"])
    member = factories.in_service_member(world["org"], employer=world["employer"])
    report = services.report_in(actor=member.user, community=world["nodes"]["community"])
    with pytest.raises(services.InvalidInput):
        services.refuse(actor=liaison, report=report)
    services.refuse(actor=liaison, report=report, note="该同志已调离本单位")
    report.refresh_from_db()
    assert report.state == ReportInState.REFUSED


def test_given_staff_register_a_member_without_liaisons_then_active_and_member_ends_it(client, world):
    member = factories.in_service_member(world["org"], name="王强", employer=world["employer"])
    response = _client(client, world["staff"]).post(reverse("cobuilding:member-register"), {
        "member": member.pk, "community": world["nodes"]["community"].pk, "duty": "调解邻里纠纷"})
    assert response.status_code == 302
    report = MemberReport.objects.get(member=member)
    assert report.state == ReportInState.ACTIVE
    _client(client, member.user).post(reverse("cobuilding:member-end", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == ReportInState.ENDED


@pytest.mark.parametrize("hours", ["0", "0.3", "25", "abc", "-1", "1.25"])
def test_given_bad_hours_when_logging_then_refused_beside_the_field(client, world, hours):
    member = factories.in_service_member(world["org"], employer=world["employer"])
    factories.member_report(member, world["nodes"]["community"])
    response = _client(client, member.user).post(reverse("cobuilding:my-service"), {
        "served_on": timezone.localdate().isoformat(), "hours": hours, "what": "打扫楼道"})
    assert response.status_code == 400
    assert "服务时长须在0.5至24小时之间" in response.content.decode()
    assert not member.reports_in.get().logs.exists()


def test_given_a_member_logs_on_the_phone_then_the_log_and_the_quarter_hours_show(client, world):
    member = factories.in_service_member(world["org"], employer=world["employer"])
    factories.member_report(member, world["nodes"]["community"])
    response = _client(client, member.user).post(reverse("cobuilding:my-service"), {
        "served_on": timezone.localdate().isoformat(), "hours": "1.5", "what": "陪独居老人去医院复查"})
    assert response.status_code == 302
    page = client.get(reverse("cobuilding:my-service")).content.decode()
    assert "陪独居老人去医院复查" in page


def test_given_members_when_staff_filter_not_served_then_only_idle_members_show(client, world):
    busy = factories.in_service_member(world["org"], name="赵勤快", employer=world["employer"])
    idle = factories.in_service_member(world["org"], name="钱闲着", employer=world["employer"])
    more.log(factories.member_report(busy, world["nodes"]["community"]), timezone.localdate())
    factories.member_report(idle, world["nodes"]["community"])
    page = _client(client, world["staff"]).get(reverse("cobuilding:members")).content.decode()
    assert "赵勤快" in page and "钱闲着" in page and "本季度未服务" in page
    filtered = client.get(reverse("cobuilding:members") + "?not_served=1").content.decode()
    assert "钱闲着" in filtered and "赵勤快" not in filtered


def test_given_another_communitys_staff_when_opening_a_member_then_404(client, world):
    member = factories.in_service_member(world["org"], employer=world["employer"])
    report = factories.member_report(member, world["nodes"]["community"])
    quarter = more.quarter_report(report)
    _client(client, world["other_staff"])
    assert client.get(reverse("cobuilding:member-detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("cobuilding:quarter-report-pdf", args=[quarter.pk])).status_code == 404
    assert client.get(f"/api/cobuilding/members/{report.pk}").status_code == 404


def _last_quarter_day() -> dt.date:
    year, quarter = report_services.previous_quarter(timezone.localdate())
    return report_services.quarter_bounds(year, quarter)[0] + dt.timedelta(days=10)


def test_given_a_quarter_log_when_drafting_twice_then_one_report_with_snapshotted_lines(world):
    member = factories.in_service_member(world["org"], employer=world["employer"])
    report = factories.member_report(member, world["nodes"]["community"])
    MemberReport.objects.filter(pk=report.pk).update(confirmed_at=timezone.now() - dt.timedelta(days=400))
    entry = more.log(report, _last_quarter_day(), hours="2.5", what="给困难户送米面油")
    actor = SystemActor(label="test")
    assert report_services.draft_quarter_reports(actor=actor) == 1
    assert report_services.draft_quarter_reports(actor=actor) == 0
    row = QuarterReport.objects.get(report=report)
    assert row.hours == Decimal("2.5") and row.services == 1
    entry.what = "改过"
    entry.save()
    row.refresh_from_db()
    assert row.lines[0]["what"] == "给困难户送米面油"


def test_given_an_employer_with_liaison_when_sent_then_in_app_and_liaison_acknowledges(
        client, world, django_capture_on_commit_callbacks):
    liaison = factories.liaison(world["employer"])
    member = factories.in_service_member(world["org"], employer=world["employer"])
    report = factories.member_report(member, world["nodes"]["community"])
    quarter = more.quarter_report(report)
    with pytest.raises(services.InvalidInput):
        report_services.send(actor=world["staff"], quarter_report=quarter)
    report_services.evaluate(actor=world["staff"], quarter_report=quarter, evaluation=Evaluation.EXCELLENT,
                             note="积极参加楼栋服务")
    with django_capture_on_commit_callbacks(execute=True):
        sent = report_services.send(actor=world["staff"], quarter_report=quarter)
    assert sent.delivery == Delivery.IN_APP
    assert Notification.objects.filter(recipient=liaison, kind="cobuilding.quarter_report").exists()
    response = _client(client, liaison).post(f"/api/cobuilding/quarter-reports/{quarter.pk}/acknowledge")
    assert response.status_code == 200
    assert response.json()["state"] == QuarterReportState.RECEIVED


def test_given_no_liaison_when_sent_then_pdf_prints_and_staff_record_receipt(client, world):
    member = factories.in_service_member(world["org"], name="孙红梅", employer=world["employer"])
    report = factories.member_report(member, world["nodes"]["community"])
    quarter = more.quarter_report(report, evaluation=Evaluation.GOOD)
    assert report_services.send(actor=world["staff"], quarter_report=quarter).delivery == Delivery.PDF
    response = _client(client, world["staff"]).get(reverse("cobuilding:quarter-report-pdf", args=[quarter.pk]))
    assert response.content[:4] == b"%PDF"
    assert len(re.findall(rb"/Type /Page[^s]", response.content)) >= 1
    text = pdf_text(response.content)
    assert "孙红梅" in text and "楼道清扫" in text and "兰州某公司" in text
    assert AuditEvent.objects.filter(action="cobuilding.quarter_report.export").exists()
    client.post(reverse("cobuilding:quarter-report-acknowledge", args=[quarter.pk]))
    quarter.refresh_from_db()
    assert quarter.state == QuarterReportState.RECEIVED


def test_given_consent_then_public_pages_show_the_member_without_phone_and_404_without(client, world):
    shown = factories.in_service_member(world["org"], name="周志强", employer=world["employer"])
    hidden = factories.in_service_member(world["org"], name="吴不公开", employer=world["employer"])
    report = factories.member_report(shown, world["nodes"]["community"])
    MemberReport.objects.filter(pk=report.pk).update(public_profile=True, duty="3号楼楼栋长")
    private = factories.member_report(hidden, world["nodes"]["community"])
    page = client.get(reverse("cobuilding:who-to-find", args=[world["nodes"]["community"].pk])).content.decode()
    assert "周志强" in page and "3号楼楼栋长" in page
    assert "吴不公开" not in page and "13900001111" not in page
    assert client.get(reverse("cobuilding:member-profile", args=[report.pk])).status_code == 200
    assert client.get(reverse("cobuilding:member-profile", args=[private.pk])).status_code == 404


def test_api_shapes_report_in_list_and_log(client, world):
    member = factories.in_service_member(world["org"], name="郑海", employer=world["employer"])
    _client(client, member.user)
    created = client.post("/api/cobuilding/members/report-in", {
        "community_id": world["nodes"]["community"].pk, "duty": "业委会候选", "posts": [{"kind": "volunteer"}]},
        content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "pending" and body["posts"][0]["kind"] == "volunteer"
    again = client.post("/api/cobuilding/members/report-in", {"community_id": world["other"]["community"].pk},
                        content_type="application/json")
    assert again.status_code in (400, 422) and "community" in again.json()["fields"]
    services.confirm(actor=world["staff"], report=body["id"])
    bad = client.post(f"/api/cobuilding/members/{body['id']}/log",
                      {"served_on": timezone.localdate().isoformat(), "hours": "30", "what": "x"},
                      content_type="application/json")
    assert bad.status_code in (400, 422) and "hours" in bad.json()["fields"]
    _client(client, world["staff"])
    listed = client.get("/api/cobuilding/members").json()
    assert listed["count"] == 1 and listed["items"][0]["served_this_quarter"] is False
    assert PartyMember.objects.get(pk=member.pk).home_community == world["nodes"]["community"]


def test_api_employer_inbox_lists_pending_registrations_and_sent_reports(client, world):
    liaison = factories.liaison(world["employer"])
    member = factories.in_service_member(world["org"], name="冯晓东", employer=world["employer"])
    pending = services.report_in(actor=member.user, community=world["nodes"]["community"])
    other = factories.in_service_member(world["org"], name="陈静", employer=world["employer"])
    active = factories.member_report(other, world["nodes"]["community"])
    quarter = more.quarter_report(active, evaluation=Evaluation.GOOD)
    report_services.send(actor=world["staff"], quarter_report=quarter)
    body = _client(client, liaison).get("/api/cobuilding/members/employer-inbox").json()
    assert [r["member_name"] for r in body["pending"]] == ["冯晓东"]
    assert body["pending"][0]["id"] == pending.pk
    assert body["reports"][0]["id"] == quarter.pk and body["reports"][0]["delivery"] == "in_app"
    assert "phone" not in str(body)
