"""Honours over the API: a resident nominates and votes, the staff short-list, open, close and
announce; out of scope answers 404; a panel member scores once (409 the second time); the figures."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.honours.selectors.figures import dashboard_figures
from gongzhi.honours.tests import factories as f
from gongzhi.votes.models import VoteOption

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_a_selection_over_the_api_from_nomination_to_announcement(client):
    w = f.world(households=3)
    client.force_login(w.staff)
    now = timezone.now()
    made = client.post("/api/honours/selections", {
        "area_id": w.community.pk, "kind": "good_person", "year": now.year, "month": now.month,
        "nominations_open_at": (now - dt.timedelta(hours=1)).isoformat(),
        "nominations_close_at": (now + dt.timedelta(days=3)).isoformat()}, content_type=JSON)
    assert made.status_code == 201, made.content
    sid = made.json()["id"]
    # Residents find neighbours by name and nominate them
    ids = []
    for n in range(2):
        client.force_login(w.residents[n])
        nominee = f.person_of(w.residents[n + 1])
        found = client.get(f"/api/honours/selections/{sid}/nominees?q={nominee.name}").json()
        assert [p["name"] for p in found] == [nominee.name]
        answer = client.post(f"/api/honours/selections/{sid}/nominations",
                             {"person_id": found[0]["id"], "reason": "热心肠，谁家有事都帮忙"}, content_type=JSON)
        assert answer.status_code == 201, answer.content
        ids.append(answer.json()["id"])
    # The outsider does not see the selection at all
    client.force_login(w.outsider)
    assert client.get(f"/api/honours/selections/{sid}").status_code == 404
    client.force_login(w.staff)
    assert client.post(f"/api/honours/selections/{sid}/shortlist", {"nomination_ids": ids, "note": "两委讨论"},
                       content_type=JSON).status_code == 200
    opened = client.post(f"/api/honours/selections/{sid}/vote", {
        "opens_at": (now - dt.timedelta(minutes=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=1)).isoformat()}, content_type=JSON)
    assert opened.status_code == 200 and opened.json()["state"] == "voting"
    vote_id = opened.json()["vote_id"]
    option = VoteOption.objects.get(vote_id=vote_id, reference=f"nomination:{ids[1]}")
    client.force_login(w.residents[0])
    cast = client.post(f"/api/votes/{vote_id}/cast", {"option_id": option.pk}, content_type=JSON)
    assert cast.status_code == 201 and cast.json()["my_option_id"] == option.pk
    assert client.post(f"/api/votes/{vote_id}/cast", {"option_id": option.pk}, content_type=JSON).status_code == 409
    client.force_login(w.staff)
    assert client.post(f"/api/honours/selections/{sid}/close-vote").json()["state"] == "counted"
    done = client.post(f"/api/honours/selections/{sid}/announce", {}, content_type=JSON).json()
    assert done["state"] == "announced" and done["winners"] == [option.label]
    assert client.get(f"/api/votes/{vote_id}/verify").json()["holds"] is True
    # The figures count the selection, the nominations, the ballot and the honour
    figures = {x["key"]: x["value"] for x in dashboard_figures(user=w.staff, node=w.community,
                                                                start=timezone.localdate() - dt.timedelta(days=1),
                                                                end=timezone.localdate() + dt.timedelta(days=1))}
    assert figures == {"honours.selections_held": 1, "honours.nominations": 2, "honours.votes_cast": 1,
                       "honours.honours_given": 1}


def test_a_panel_member_scores_once_over_the_api(client):
    w = f.world(households=2)
    row, members = f.award_round(w, panel=1)
    client.force_login(w.street_staff)
    nominated = client.post(f"/api/honours/awards/{row.pk}/nominations", {
        "community_id": w.community.pk, "entry": "红色物业议事厅", "description": "每月议事"}, content_type=JSON)
    assert nominated.status_code == 201, nominated.content
    assert client.post(f"/api/honours/awards/{row.pk}/start-scoring").status_code == 200
    client.force_login(members[0])
    detail = client.get(f"/api/honours/awards/{row.pk}").json()
    nid = detail["to_score"][0]
    points = [{"criterion_id": c["id"], "points": c["max_points"] - 5} for c in detail["criteria"]]
    first = client.post(f"/api/honours/award-nominations/{nid}/scores", {"points": points}, content_type=JSON)
    assert first.status_code == 201 and first.json()["total"] == 85
    again = client.post(f"/api/honours/award-nominations/{nid}/scores", {"points": points}, content_type=JSON)
    assert again.status_code == 409
    client.force_login(w.other_staff)
    assert client.get(f"/api/honours/awards/{row.pk}").status_code == 404
    client.force_login(w.street_staff)
    decided = client.post(f"/api/honours/awards/{row.pk}/decide").json()
    assert decided["state"] == "decided" and decided["nominations"][0]["is_winner"] is True
