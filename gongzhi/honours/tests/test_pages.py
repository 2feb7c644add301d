"""The pages: a resident nominates from their phone (search by name, the reason; a refusal beside
the field), the staff page of a selection, the vote page's candidates, the public honour roll
without login (unknown community 404), a panel member's score sheet."""

import pytest
from django.test import Client

from gongzhi.honours.models import Nomination
from gongzhi.honours.services import awards, selections
from gongzhi.honours.tests import factories as f
from gongzhi.votes import services as votes
from gongzhi.votes.models import VoteOption

pytestmark = pytest.mark.django_db


def test_a_resident_nominates_a_neighbour_on_the_selection_page(client):
    w = f.world(households=3)
    row = f.selection(w)
    nominee = f.person_of(w.residents[1])
    client.force_login(w.residents[0])
    page = client.get(f"/honours/selections/{row.pk}/?q={nominee.name}")
    assert page.status_code == 200 and nominee.name in page.content.decode()
    refused = client.post(f"/honours/selections/{row.pk}/", {"q": nominee.name, "person": nominee.pk, "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors.get("reason")
    made = client.post(f"/honours/selections/{row.pk}/", {"q": nominee.name, "person": nominee.pk,
                                                          "reason": "每天打扫楼道"})
    assert made.status_code == 302 and Nomination.objects.get().name == nominee.name
    # Out of scope: 404
    client.force_login(w.outsider)
    assert client.get(f"/honours/selections/{row.pk}/").status_code == 404


def test_the_vote_page_shows_the_candidates_and_the_public_roll_the_winner(client):
    w = f.world(households=3)
    row, made = f.voting(w, count=2)
    client.force_login(w.residents[0])
    page = client.get(f"/votes/{row.vote_id}/").content.decode()
    assert 'id="vote-options"' in page and made[0].name in page and made[1].name in page
    answer = client.post(f"/votes/{row.vote_id}/cast/", {"option": VoteOption.objects.get(
        vote_id=row.vote_id, reference=f"nomination:{made[1].pk}").pk})
    assert answer.status_code == 302
    selections.selection_close_vote(actor=w.staff, selection=row)
    client.force_login(w.staff)
    assert client.post(f"/honours/selections/{row.pk}/announce/", {"announcement": ""}).status_code == 302
    roll = Client().get(f"/honours/public/{w.community.code}/")
    assert roll.status_code == 200 and made[1].name in roll.content.decode() and made[1].reason in roll.content.decode()
    assert Client().get("/honours/public/nowhere/").status_code == 404
    assert votes.vote_verify(row.vote)


def test_the_staff_and_the_panel_pages(client):
    w = f.world(households=2)
    row, members = f.award_round(w, panel=1)
    nomination = awards.award_nominate(actor=w.staff, award_round=row, community=w.community, entry="红色物业",
                                       description="每月议事")
    client.force_login(w.street_staff)
    assert client.get(f"/honours/awards/{row.pk}/").status_code == 200
    assert client.post(f"/honours/awards/{row.pk}/start-scoring/").status_code == 302
    client.force_login(members[0])
    sheet = client.get(f"/honours/award-nominations/{nomination.pk}/score/")
    assert sheet.status_code == 200
    criteria = list(row.criteria.order_by("order"))
    refused = client.post(f"/honours/award-nominations/{nomination.pk}/score/",
                          {f"c{c.pk}": str(c.max_points + 1) for c in criteria})
    assert refused.status_code == 200 and "0" in refused.content.decode()
    given = client.post(f"/honours/award-nominations/{nomination.pk}/score/",
                        {f"c{c.pk}": str(c.max_points) for c in criteria})
    assert given.status_code == 302
    client.force_login(w.residents[0])
    assert client.get(f"/honours/award-nominations/{nomination.pk}/score/").status_code == 404
    client.force_login(w.staff)
    assert client.get("/honours/").status_code == 200
    assert client.get("/honours/selections/new/").status_code == 200
