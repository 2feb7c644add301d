"""The scores and rules API: my month, a worker's month in scope (404 outside), the ranking, rules
kept by the district, computing by the street; the figures and the confirmed deductions."""

import datetime as dt

import pytest
from django.test import Client

from gongzhi.assessment.models import AppealState, MonthState, ScoreLine, WorkerMonth
from gongzhi.assessment.selectors.accountability import confirmed_deductions
from gongzhi.assessment.selectors.figures import dashboard_figures
from gongzhi.assessment.services import month_compute

from . import factories as f

pytestmark = pytest.mark.django_db


def client_of(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


@pytest.fixture
def w():
    w = f.scoring_world()
    month = f.this_month()
    f.visits(w["worker_a"], w["household_a"], month, [1, 2, 3])
    f.turn(w, month.replace(day=4), state="missed")
    f.visits(w["worker_b"], w["household_b"], month, [1])
    month_compute(actor=w["sstaff"], month=month, node=w["street"])
    return w


def test_a_worker_reads_their_month_with_its_lines_grouped_and_linked(w):
    answer = client_of(w["worker_a"]).get(f"/api/assessment/me?month={f.this_month():%Y-%m}")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["total"], body["earned"], body["deducted"], body["state"]) == (1, 3, 2, "open")
    assert {g["kind"]: (g["count"], g["points"]) for g in body["groups"]} == {
        "visit.door": (3, 3), "care.turn_missed": (1, -2)}
    missed = next(line for line in body["lines"] if line["kind"] == "care.turn_missed")
    assert missed["link"] == f"/care/plans/{w['plan'].pk}/"
    assert all(line["link"] for line in body["lines"])
    # one kind only
    only = client_of(w["worker_a"]).get("/api/assessment/me?kind=visit.door").json()
    assert only["count"] == 3 and {line["kind"] for line in only["lines"]} == {"visit.door"}


def test_a_worker_never_sees_another_workers_month(w):
    theirs = WorkerMonth.objects.get(worker=w["worker_b"])
    worker_a = client_of(w["worker_a"])
    assert worker_a.get(f"/api/assessment/months/{theirs.pk}").status_code == 404
    assert worker_a.get(f"/api/assessment/workers/{w['worker_b'].pk}").status_code == 404
    assert worker_a.get("/api/assessment/months").status_code == 403
    # the community's staff see both; another district's street staff neither
    assert client_of(w["cstaff"]).get(f"/api/assessment/months/{theirs.pk}").json()["total"] == 1
    assert client_of(w["sstaff_x"]).get(f"/api/assessment/months/{theirs.pk}").status_code == 404
    assert client_of(w["sstaff_x"]).get(f"/api/assessment/workers/{w['worker_b'].pk}").status_code == 404


def test_the_street_sees_its_workers_ranked(w):
    ranked = client_of(w["sstaff"]).get(f"/api/assessment/months?node_id={w['street'].pk}").json()
    # both have 1 point: they share the first rank
    assert sorted((r["worker_id"], r["rank"], r["total"]) for r in ranked) == sorted([
        (w["worker_a"].pk, 1, 1), (w["worker_b"].pk, 1, 1)])
    assert client_of(w["sstaff_x"]).get(f"/api/assessment/months?node_id={w['street'].pk}").status_code == 404


def test_the_district_adds_a_rule_and_the_street_recomputes(w):
    admin = client_of(w["admin"])
    made = admin.post("/api/assessment/rules", {"kind": "care.turn_missed", "points": -4,
                                                "valid_from": f.this_month().isoformat()},
                      content_type="application/json")
    assert made.status_code == 201, made.json()
    refused = client_of(w["sstaff"]).post("/api/assessment/rules", {"kind": "visit.door", "points": 9,
                                                                      "valid_from": f.this_month().isoformat()},
                                           content_type="application/json")
    assert refused.status_code == 403
    unknown = admin.post("/api/assessment/rules", {"kind": "nonsense", "points": 1,
                                                   "valid_from": f.this_month().isoformat()},
                         content_type="application/json")
    assert unknown.status_code == 400 and "kind" in unknown.json()["fields"]

    computed = client_of(w["sstaff"]).post("/api/assessment/compute", {"month": f"{f.this_month():%Y-%m}",
                                                                        "node_id": w["street"].pk},
                                           content_type="application/json")
    assert computed.status_code == 200 and computed.json()["workers"] == 2
    assert WorkerMonth.objects.get(worker=w["worker_a"]).total == -1
    rules = client_of(w["worker_a"]).get("/api/assessment/rules?kind=care.turn_missed").json()
    assert [r["points"] for r in rules] == [-2, -4]
    assert rules[0]["valid_until"] == (f.this_month() - dt.timedelta(days=1)).isoformat()


def test_computing_is_for_the_street_of_ones_own(w):
    payload = {"month": f"{f.this_month():%Y-%m}", "node_id": w["street"].pk}
    assert client_of(w["worker_a"]).post("/api/assessment/compute", payload,
                                         content_type="application/json").status_code == 403
    assert client_of(w["sstaff_x"]).post("/api/assessment/compute", payload,
                                         content_type="application/json").status_code == 404
    bad = client_of(w["sstaff"]).post("/api/assessment/compute", {"month": "2026-13", "node_id": w["street"].pk},
                                      content_type="application/json")
    assert bad.status_code == 400 and "month" in bad.json()["fields"]


def test_figures_count_the_workers_scored_and_the_deductions(w):
    start = f.this_month()
    figures = {row["key"]: row["value"] for row in
               dashboard_figures(user=w["sstaff"], node=w["street"], start=start, end=start + dt.timedelta(days=31))}
    assert figures["assessment.workers_scored"] == 2
    assert figures["assessment.average_score"] == 1.0
    assert figures["assessment.points_deducted"] == 2
    assert figures["assessment.appeals_pending"] == 0
    assert dashboard_figures(user=w["worker_a"], node=None, start=start, end=start + dt.timedelta(days=31)) == []


def test_confirmed_deductions_are_those_of_closed_months_or_dismissed_appeals(w):
    from gongzhi.assessment.models import Appeal

    line = ScoreLine.objects.get(worker_month__worker=w["worker_a"], points__lt=0)
    assert not confirmed_deductions().exists()
    Appeal.objects.create(line=line, worker=w["worker_a"], reason="那天我在医院", area=w["street"],
                          state=AppealState.DISMISSED, decided_by=w["sstaff"])
    assert list(confirmed_deductions()) == [line]
    WorkerMonth.objects.filter(pk=line.worker_month_id).update(state=MonthState.CLOSED)
    assert list(confirmed_deductions()) == [line]
