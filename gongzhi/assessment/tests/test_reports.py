"""The month's report: the .xlsx opens in openpyxl with a sheet per level and the lines, and holds
the figures the page shows (audited); the JSON report and a worker's month through the API; the
appeals API (someone else's line 404, a missing reason 400 beside the field)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.assessment.models import Appeal
from gongzhi.core.models import AuditEvent

from .factories_appeals import line, score_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return score_world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def _values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_xlsx_opens_and_holds_the_figures(w):
    month = f"{w['month'].month:%Y-%m}"
    answer = _client(w["street_staff"]).get(reverse("assessment:months-export") + f"?month={month}&node_id={w['street'].pk}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    assert len(book.sheetnames) == 4
    streets, communities, workers, lines = (_values(book[name]) for name in book.sheetnames)
    assert ["西站街道", 2, 1, 6, 5, 0.5, 4010.0] in [row[:7] for row in streets]
    assert any(row[0] == "瓜州路社区" and row[1] == 2 for row in communities)
    ranked = [row for row in workers[3:] if row[1] in ("王小明", "李红")]
    assert [(r[0], r[1], r[5], r[8]) for r in ranked] == [(1, "李红", 2, 2020.0), (2, "王小明", -1, 1990.0)]
    assert sum(1 for row in lines[3:] if row[0] == "王小明") == 3
    assert any(row[3] == -5 and "巡察回访" in row[5] for row in lines[3:])
    assert AuditEvent.objects.filter(action="assessment.report.export").count() == 1


def test_the_report_api_gives_the_same_ranks(w):
    month = f"{w['month'].month:%Y-%m}"
    data = _client(w["community_staff"]).get(f"/api/assessment/reports/months?month={month}").json()
    assert [(r["name"], r["rank"], r["total"], r["pay"]) for r in data["workers"]] == [
        ("李红", 1, 2, "2020.00"), ("王小明", 2, -1, "1990.00")]
    assert data["total"]["workers"] == 2
    bad = _client(w["community_staff"]).get("/api/assessment/reports/months?month=2026-99")
    assert bad.status_code == 400 and "month" in bad.json()["fields"]


def test_a_workers_month_through_the_api_with_its_lines_by_kind(w):
    month = f"{w['month'].month:%Y-%m}"
    data = _client(w["worker"]).get(f"/api/assessment/reports/workers/{w['worker'].pk}?month={month}").json()
    assert data["total"] == -1 and {g["kind"] for g in data["groups"]} == {
        "visit.door", "case.resolved_on_time", "inspection.problem"}
    assert all(line["may_appeal"] for g in data["groups"] for line in g["lines"])
    other = _client(w["other_worker"]).get(f"/api/assessment/reports/workers/{w['worker'].pk}?month={month}")
    assert other.status_code == 404


def test_the_appeals_api(w):
    deduction = line(w["month"], "inspection.problem")
    assert _client(w["other_worker"]).post(f"/api/assessment/lines/{deduction.pk}/appeal", {"reason": "不对"},
                                           content_type="application/json").status_code == 404
    empty = _client(w["worker"]).post(f"/api/assessment/lines/{deduction.pk}/appeal", {"reason": ""},
                                      content_type="application/json")
    assert empty.status_code == 400 and "reason" in empty.json()["fields"]
    made = _client(w["worker"]).post(f"/api/assessment/lines/{deduction.pk}/appeal", {"reason": "住户记错了"},
                                     content_type="application/json")
    assert made.status_code == 201
    appeal = Appeal.objects.get()
    street = _client(w["street_staff"])
    assert street.get("/api/assessment/appeals?state=pending").json()["count"] == 1
    no_reason = street.post(f"/api/assessment/appeals/{appeal.pk}/dismiss", {"reason": ""},
                            content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    upheld = street.post(f"/api/assessment/appeals/{appeal.pk}/uphold", {"reason": "核实属实"},
                         content_type="application/json")
    assert upheld.status_code == 200 and upheld.json()["state"] == "upheld"
    w["month"].refresh_from_db()
    assert w["month"].total == 4
