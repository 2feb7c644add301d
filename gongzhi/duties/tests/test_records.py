"""Accountability records (问责记录): the sync turns supervision (督办) outcomes into records against
the rule the sheet's mapping names, once per source however often it runs; street and district
staff review them; the person concerned sees their own; others' areas are 404."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.cases.models import Case
from gongzhi.core.actors import SystemActor
from gongzhi.core.audit import AuditEvent
from gongzhi.core.errors import Conflict, Forbidden
from gongzhi.duties.models import AccountabilityRecord, RecordState, Section
from gongzhi.duties.selectors.records import dashboard_figures
from gongzhi.duties.services import records as services
from gongzhi.duties.services import sheets as sheet_services

from . import factories as f

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor(label="test")


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_a_supervised_case_still_not_handled_when_the_sync_runs_twice_then_one_record_against_the_mapped_rule(w):
    # given the grid workers' sheet whose rule 1 covers supervisions left unanswered
    sheet = f.sheet(Role.GRID_WORKER)
    f.mapping(sheet, f.UNHEEDED, 1)
    # and a case grid worker A claimed, supervised five days ago and still in progress
    case = f.supervised_case(w, days_ago=5)
    # when the sync runs, and runs again
    first = services.accountability_sync(actor=SYSTEM)
    second = services.accountability_sync(actor=SYSTEM)
    # then there is one record, against rule 1, concerning the worker and the grid, linking the case
    assert first["made"] == 1 and second["made"] == 0
    record = AccountabilityRecord.objects.get()
    assert record.person == w.worker_a and record.node == w.nodes["grid_a"] and record.state == RecordState.OPEN
    assert record.rule.section == Section.ACCOUNTABILITY and record.rule.number == 1
    assert record.rule.text == f.GRID_SHEET[Section.ACCOUNTABILITY][0]
    assert case.title in record.summary and record.source_url == f"/cases/{case.pk}/"
    assert AuditEvent.objects.filter(action="duties.record.create").count() == 1


def test_given_no_mapping_or_a_fresh_supervision_then_no_record(w):
    sheet = f.sheet(Role.GRID_WORKER)
    f.supervised_case(w, days_ago=5)
    # no mapping: the district has not said this outcome leads to accountability
    assert services.accountability_sync(actor=SYSTEM)["made"] == 0
    # a supervision of yesterday is still within its grace days
    f.mapping(sheet, f.UNHEEDED, 1)
    AccountabilityRecord.objects.all().delete()
    fresh = f.supervised_case(w, days_ago=1)
    services.accountability_sync(actor=SYSTEM)
    assert not AccountabilityRecord.objects.filter(source__contains=f":{fresh.supervisions.get().pk}:").exists()


def test_given_a_case_handled_in_the_grace_days_then_no_record(w):
    sheet = f.sheet(Role.GRID_WORKER)
    f.mapping(sheet, f.UNHEEDED, 1)
    case = f.supervised_case(w, days_ago=5)
    supervised_at = case.supervisions.get().created_at
    Case.objects.filter(pk=case.pk).update(resolved_at=supervised_at + dt.timedelta(days=1))
    assert services.accountability_sync(actor=SYSTEM)["made"] == 0


def test_given_a_new_version_of_the_rules_then_a_record_points_to_the_rule_in_force_when_it_happened(w):
    sheet = f.sheet(Role.GRID_WORKER, valid_from=timezone.localdate() - dt.timedelta(days=30))
    f.mapping(sheet, f.UNHEEDED, 1)
    f.version(sheet, {Section.ACCOUNTABILITY: ["新版：督办后两日内未办理的，约谈网格员。"]},
              valid_from=timezone.localdate())
    f.supervised_case(w, days_ago=10)  # its grace ended a week ago, under the old version
    services.accountability_sync(actor=SYSTEM)
    assert AccountabilityRecord.objects.get().rule.text == f.GRID_SHEET[Section.ACCOUNTABILITY][0]


def test_given_a_record_when_the_street_reviews_it_then_acknowledged_noted_and_closed_and_the_worker_sees_it(w):
    sheet = f.sheet(Role.GRID_WORKER)
    f.mapping(sheet, f.UNHEEDED, 1)
    f.supervised_case(w, days_ago=5)
    services.accountability_sync(actor=SYSTEM)
    record = AccountabilityRecord.objects.get()
    # the worker concerned sees it on their duties page and may not review it
    worker = _client(w.worker_a)
    assert record.summary in worker.get("/duties/").content.decode()
    assert worker.get(f"/api/duties/records/{record.pk}").status_code == 200
    assert worker.post(f"/api/duties/records/{record.pk}/close", {"note": "x"},
                       content_type="application/json").status_code == 403
    with pytest.raises(Forbidden):
        services.record_close(actor=w.worker_a, record=record, note="自己关掉")
    # another grid worker does not see it
    assert _client(w.worker_b).get(f"/duties/records/{record.pk}/").status_code == 404
    # the street's staff acknowledge, note and close it on the page
    street = _client(w.sstaff)
    assert street.post(f"/duties/records/{record.pk}/", {"action": "acknowledge"}).status_code == 302
    assert street.post(f"/duties/records/{record.pk}/", {"action": "note", "note": ""}).status_code == 422
    assert street.post(f"/duties/records/{record.pk}/", {"action": "note", "note": "已约谈，网格员说明当时在处理另一起火情。"}).status_code == 302
    closed = street.post(f"/api/duties/records/{record.pk}/close", {"note": "情况属实，按第1条处理，当月考核已扣分。"},
                         content_type="application/json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed" and len(closed.json()["notes"]) == 3
    with pytest.raises(Conflict):
        services.record_close(actor=w.sstaff, record=record, note="again")
    assert AuditEvent.objects.filter(action__startswith="duties.record.").count() == 4
    page = worker.get(f"/duties/records/{record.pk}/").content.decode()
    assert "情况属实" in page
    # and the figures count it opened and closed in the street
    today = timezone.localdate()
    figures = {x["key"]: x["value"] for x in dashboard_figures(user=w.sstaff, node=w.nodes["street"],
                                                               start=today, end=today + dt.timedelta(days=1))}
    assert figures == {"duties.records_opened": 1, "duties.records_closed": 1, "duties.records_open": 0}


def test_given_a_record_of_one_street_then_another_streets_staff_get_404(w):
    sheet = f.sheet(Role.GRID_WORKER)
    f.mapping(sheet, f.UNHEEDED, 1)
    f.supervised_case(w, days_ago=5)
    services.accountability_sync(actor=SYSTEM)
    record = AccountabilityRecord.objects.get()
    other = _client(w.other_sstaff)
    assert other.get(f"/duties/records/{record.pk}/").status_code == 404
    assert other.get(f"/api/duties/records/{record.pk}").status_code == 404
    assert other.post(f"/api/duties/records/{record.pk}/acknowledge", {}, content_type="application/json").status_code == 404
    assert other.get("/api/duties/records").json() == []


def test_given_the_sheet_page_when_the_district_maps_an_outcome_to_a_rule_beyond_the_list_then_the_error_is_beside_it(w):
    sheet = f.sheet(Role.GRID_WORKER)
    with pytest.raises(Exception) as refused:
        sheet_services.mapping_set(actor=w.admin, sheet=sheet, source_kind=f.UNHEEDED, rule_number=9)
    assert "rule_number" in refused.value.fields
    page = _client(w.admin).post(f"/duties/sheets/{sheet.pk}/", {"section": "mapping",
                                                                  "mapping-source_kind": f.UNHEEDED,
                                                                  "mapping-rule_number": "2"})
    assert page.status_code == 302
    assert sheet.mappings.get().rule_number == 2


def test_the_sync_job_and_the_api_sync(w):
    from gongzhi.duties.tasks import sync_accountability

    sheet = f.sheet(Role.GRID_WORKER)
    f.mapping(sheet, f.UNHEEDED, 1)
    f.supervised_case(w, days_ago=5)
    assert _client(w.sstaff).post("/api/duties/sync").status_code == 403
    assert _client(w.admin).post("/api/duties/sync").json()["made"] == 1
    assert sync_accountability.call()["made"] == 0


def test_given_a_confirmed_deduction_of_a_closed_month_then_a_record_against_the_deduction_rule(w):
    from gongzhi.assessment.models import MonthState, ScoreLine, WorkerMonth

    # given the sheet maps any deduction that stands to rule 2
    sheet = f.sheet(Role.GRID_WORKER)
    f.mapping(sheet, "assessment.deduction", 2)
    # and grid worker A's closed month with a deduction for a case overdue
    first = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    month = WorkerMonth.objects.create(worker=w.worker_a, month=first.replace(day=1), area=w.nodes["grid_a"],
                                       state=MonthState.CLOSED, closed_at=timezone.now())
    ScoreLine.objects.create(worker_month=month, kind="case.overdue", points=-3, source="cases.case:1:overdue",
                             summary="诉求超期未办结", occurred_at=timezone.now() - dt.timedelta(days=20))
    # when the sync runs twice
    assert services.accountability_sync(actor=SYSTEM)["made"] == 1
    assert services.accountability_sync(actor=SYSTEM)["made"] == 0
    # then the worker has one record under rule 2 with the month's link
    record = AccountabilityRecord.objects.get()
    assert record.person == w.worker_a and record.rule.number == 2 and "诉求超期未办结" in record.summary
    assert record.source_kind == "assessment.case.overdue" and record.source.startswith("assessment.line:")
