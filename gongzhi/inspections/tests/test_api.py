"""The spot-check API: draw, my records, record a check, decide, figures."""

import pytest
from django.test import Client

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree

from . import factories as f

pytestmark = pytest.mark.django_db


def _client(u) -> Client:
    c = Client()
    c.force_login(u)
    return c


def test_from_draw_to_confirmed_problem_through_the_api():
    w = f.world()
    month = f.last_month()
    f.visit(w.household_a, w.worker_a, when=f.at(month), photo=False)
    staff = _client(w.sstaff)
    r = staff.post("/api/inspections/samples", {"street_id": w.street.pk, "month": f"{month:%Y-%m}", "size": 3},
                   content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    [entry] = body["items"]
    assert entry["risks"] == ["no_photo"] and body["candidates"] == 1
    mine = [i["id"] for i in _client(w.inspector).get("/api/inspections/items/mine").json()["items"]] + \
        [i["id"] for i in _client(w.users["inspector_2"]).get("/api/inspections/items/mine").json()["items"]]
    assert mine == [entry["id"]]
    checker = w.inspector if entry["inspector_id"] == w.inspectors[0].pk else w.users["inspector_2"]
    bad = _client(checker).post(f"/api/inspections/items/{entry['id']}/finding",
                                {"method": "visit", "outcome": "problem", "problem_kind": "false_record"},
                                content_type="application/json")
    assert bad.status_code == 400 and "note" in bad.json()["fields"]
    r = _client(checker).post(f"/api/inspections/items/{entry['id']}/finding",
                              {"method": "visit", "outcome": "problem", "problem_kind": "false_record",
                               "note": "上门核实，记录的走访时间住户不在家"}, content_type="application/json")
    assert r.status_code == 201
    finding_id = r.json()["id"]
    assert [x["id"] for x in staff.get("/api/inspections/findings/pending").json()["items"]] == [finding_id]
    r = staff.post(f"/api/inspections/findings/{finding_id}/reject", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = staff.post(f"/api/inspections/findings/{finding_id}/confirm", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "confirmed"
    figures = {x["key"]: x["value"] for x in staff.get("/api/inspections/figures").json()}
    assert figures == {"inspections.sampled": 1, "inspections.checked": 1, "inspections.problems_confirmed": 1,
                       "inspections.share_checked": 100.0}


def test_another_streets_inspector_gets_404_and_bad_input_is_refused():
    w = f.world()
    smp = f.sample(w.street)
    itm = f.item(smp, worker=w.worker_a, visit_row=f.visit(w.household_a, w.worker_a, when=f.at(smp.month)),
                 inspector_row=w.inspectors[0])
    other = tree()
    stranger = user("inspector", nodes=[other["street"]])
    c = _client(stranger)
    assert c.get(f"/api/inspections/items/{itm.pk}").status_code == 404
    assert c.get(f"/api/inspections/samples/{smp.pk}").status_code == 404
    staff = _client(w.sstaff)
    r = staff.post("/api/inspections/samples", {"street_id": w.street.pk, "month": "2026-13"},
                   content_type="application/json")
    assert r.status_code in (400, 422)
    r = staff.post("/api/inspections/samples", {"street_id": other["street"].pk, "month": "2020-01"},
                   content_type="application/json")
    assert r.status_code == 404
