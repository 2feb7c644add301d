"""The roster pages and API as their users see them: generating (the reasons it cannot be fair
above the form), the board, publishing, asking for a swap from one's turn and deciding it."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.care.models import Roster, RosterState, SwapRequest, SwapState

from . import factories_rosters as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return f.world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_given_the_secretary_when_generating_on_the_page_then_the_board_shows_the_turns(w):
    client = _client(w["secretary"])
    start = f.next_monday()
    answer = client.post(reverse("care:roster-generate"), {
        "branch": w["care_branch"].pk, "start_on": start.isoformat(),
        "end_on": (start + dt.timedelta(days=27)).isoformat()})
    roster = Roster.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("care:roster", kwargs={"roster_id": roster.pk})
    page = client.get(answer["Location"] + f"?month={start:%Y-%m}").content.decode()
    assert "101室" in page and "王建国" in page and "roster-grid" in page and "care/rosters.css" in page
    assert 'id="publish"' in page
    client.post(reverse("care:roster-publish", kwargs={"roster_id": roster.pk}))
    roster.refresh_from_db()
    assert roster.state == RosterState.PUBLISHED
    assert w["care_branch"].organization.name in client.get(reverse("care:rosters")).content.decode()


def test_given_a_carer_on_leave_the_whole_period_when_generating_on_the_page_then_the_reasons_are_listed(w):
    start = f.next_monday()
    f.leave(w["carer_extra"], start, start + dt.timedelta(days=60))
    answer = _client(w["secretary"]).post(reverse("care:roster-generate"), {
        "branch": w["care_branch"].pk, "start_on": start.isoformat(),
        "end_on": (start + dt.timedelta(days=27)).isoformat()})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert 'id="unfair-reasons"' in page and "赵敏" in page
    assert not Roster.objects.exists()


def test_given_a_carer_when_asking_to_swap_from_their_turn_then_the_secretary_approves_on_the_swaps_page(w):
    roster = f.published(w)
    mine, theirs = f.pair(roster, w["carer_member"], w["carer_volunteer"])
    carer = _client(w["member_user"])
    board = carer.get(reverse("care:roster", kwargs={"roster_id": roster.pk}) + f"?month={mine.date:%Y-%m}")
    assert reverse("care:turn-swap", kwargs={"turn_id": mine.pk}) in board.content.decode()
    url = reverse("care:turn-swap", kwargs={"turn_id": mine.pk})
    assert "李秀兰" in carer.get(url).content.decode()
    assert carer.post(url, {"other_turn": theirs.pk, "reason": "出差"}).status_code == 302
    swap = SwapRequest.objects.get()
    secretary = _client(w["secretary"])
    assert "出差" in secretary.get(reverse("care:roster-swaps")).content.decode()
    secretary.post(reverse("care:swap-approve", kwargs={"swap_id": swap.pk}))
    swap.refresh_from_db()
    assert swap.state == SwapState.APPROVED


def test_given_a_swap_onto_the_others_unavailable_day_when_asked_on_the_page_then_the_reason_beside_the_field(w):
    roster = f.published(w)
    mine, theirs = f.pair(roster, w["carer_member"], w["carer_volunteer"])
    w["carer_volunteer"].unavailable_weekdays = [mine.date.weekday()]
    w["carer_volunteer"].save()
    answer = _client(w["member_user"]).post(reverse("care:turn-swap", kwargs={"turn_id": mine.pk}),
                                            {"other_turn": theirs.pk})
    assert answer.status_code == 422 and "李秀兰" in answer.content.decode()


def test_given_staff_of_another_community_when_opening_the_roster_then_404(w):
    roster = f.generate(w)
    outsider = user("community_staff", nodes=[w["other_community"]])
    assert _client(outsider).get(reverse("care:roster", kwargs={"roster_id": roster.pk})).status_code == 404
    assert _client(outsider).get(f"/api/care/rosters/{roster.pk}").status_code == 404
    assert _client(w["grid_worker"]).get(reverse("care:roster", kwargs={"roster_id": roster.pk})).status_code == 200


def test_given_the_api_when_generating_then_201_with_turns_and_loads_or_400_with_the_reasons(w):
    client = _client(w["secretary"])
    start = f.next_monday()
    body = {"branch_id": w["care_branch"].pk, "start_on": start.isoformat(),
            "end_on": (start + dt.timedelta(days=27)).isoformat()}
    made = client.post("/api/care/rosters", body, content_type="application/json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert data["spread"] <= 1 and len(data["turns"]) == data["turn_count"] and len(data["loads"]) == 4
    published = client.post(f"/api/care/rosters/{data['id']}/publish", content_type="application/json")
    assert published.json()["state"] == "published"
    f.leave(w["carer_extra"], start, start + dt.timedelta(days=90))
    later = {**body, "start_on": (start + dt.timedelta(days=28)).isoformat(),
             "end_on": (start + dt.timedelta(days=55)).isoformat()}
    refused = client.post("/api/care/rosters", later, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "unfair"
    assert any("赵敏" in r for r in refused.json()["fields"]["__all__"])
    assert client.get("/api/care/rosters").json()["items"][0]["id"] == data["id"]
