"""The API: create a period, set a plan, read the scores and the drill-down, the lock."""

import pytest
from django.utils import timezone

from .factories import cases_at, indicator, world

pytestmark = pytest.mark.django_db


def test_period_plan_scores_through_the_api(client):
    w = world()
    requests = indicator()
    cases_at(w, "building_a", 2)
    client.force_login(w.admin)
    made = client.post("/api/targets/periods", {"district_id": w.nodes["district"].pk, "kind": "year",
                                                "year": timezone.localdate().year}, content_type="application/json")
    assert made.status_code == 201, made.content
    pid = made.json()["id"]
    client.force_login(w.sstaff)
    body = {"lines": [{"indicator": requests.pk, "weight": "100", "target": "4"}]}
    url = f"/api/targets/periods/{pid}/plans/{w.nodes['community'].pk}"
    assert client.put(url, body, content_type="application/json").status_code == 200
    scores = client.get(f"/api/targets/periods/{pid}/scores").json()
    assert scores["frozen"] is False and scores["units"][0]["total"] == "50.00"
    unit = client.get(f"/api/targets/periods/{pid}/scores/{w.nodes['community'].pk}").json()
    assert unit["lines"][0]["actual"] == "2.0000" or float(unit["lines"][0]["actual"]) == 2
    client.force_login(w.admin)
    assert client.post(f"/api/targets/periods/{pid}/open").status_code == 200
    client.force_login(w.sstaff)
    refused = client.put(url, body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "locked" and "lines" in refused.json()["fields"]


def test_the_catalogue_lists_the_declared_figures(client):
    w = world()
    client.force_login(w.admin)
    keys = {(f["provider"], f["key"]) for f in client.get("/api/targets/catalogue").json()}
    assert ("cases.summary", "cases.response_rate") in keys
    assert ("cases.summary", "cases.level_closure_rate") in keys
    assert ("disclosure.on_time", "disclosure.on_time_rate") in keys
    assert ("meetings.summary", "held") in keys and ("volunteers.summary", "volunteers.hours") in keys
    assert ("care.summary", "care.coverage") in keys and ("circle.summary", "circle.satisfied_share") in keys
