"""The community's service phone on its contact cards: the staff set it from the cards page (masked
there, in full on the printed card), a new number makes every card of the community out of date,
bad numbers are refused, and another community's staff cannot set it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.cobuilding.models import CommunityPhone
from gongzhi.cobuilding.tests.factories_cards import grid_worker, pdf_text
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def here():
    nodes = tree()
    nodes["worker"] = grid_worker(nodes["grid_a"])
    nodes["staff"] = user("community_staff", nodes=[nodes["community"]])
    return nodes


def _set(client, who, community, phone, area=None):
    client.force_login(who)
    return client.post(reverse("cobuilding:community-phone"),
                       {"community": community.pk, "phone": phone, "area": (area or community).pk})


def test_given_staff_set_the_service_phone_then_the_page_masks_it_and_the_card_prints_it(client, here):
    response = _set(client, here["staff"], here["community"], "0931-2345678", area=here["grid_a"])
    assert response.status_code == 302
    page = client.get(reverse("cobuilding:cards"), {"area": here["grid_a"].pk}).content.decode()
    assert "0931-2345678" not in page and "5678" in page
    assert "0931-2345678" in pdf_text(client.get(reverse("cobuilding:cards-pdf"), {"area": here["grid_a"].pk}).content)
    assert AuditEvent.objects.filter(action="cobuilding.community_phone.set").exists()
    assert CommunityPhone.objects.get().phone_masked != "0931-2345678"


def test_given_printed_cards_when_the_service_phone_changes_then_they_are_out_of_date(client, here):
    client.force_login(here["staff"])
    client.get(reverse("cobuilding:cards-pdf"), {"area": here["grid_a"].pk})
    before = client.get(reverse("cobuilding:cards"), {"area": here["grid_a"].pk})
    assert not before.context["overview"].outdated
    _set(client, here["staff"], here["community"], "0931-2345678", area=here["grid_a"])
    after = client.get(reverse("cobuilding:cards"), {"area": here["grid_a"].pk})
    assert after.context["overview"].outdated


def test_given_letters_for_a_number_then_it_is_refused_and_nothing_is_saved(client, here):
    response = _set(client, here["staff"], here["community"], "call me")
    assert response.status_code == 302
    assert not CommunityPhone.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "“+”" in page


def test_given_staff_of_another_community_then_they_cannot_set_it(client, here):
    other = child(here["street"], name="建西东路社区")
    outsider = user("community_staff", nodes=[other])
    assert _set(client, outsider, here["community"], "0931-2345678").status_code == 404
    worker = here["worker"]
    assert _set(client, worker, here["community"], "0931-2345678").status_code == 403
    assert not CommunityPhone.objects.exists()
