"""The order pages as their users see them: the menu with the month's theme first, ordering
(errors beside the field), my orders, the order with the actions it offers, the dispatch board,
the provider's page; outside the scope is 404."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.circle.models import MonthlyTheme, Order, OrderState

from . import factories, factories_orders
from .factories import near, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return factories.circle_world()


def _client(u) -> Client:
    client = Client()
    client.force_login(u)
    return client


def test_the_menu_lists_the_months_theme_first(w):
    theme = MonthlyTheme.objects.create(area=w["community"], month=timezone.localdate().replace(day=1), title="平安月")
    theme.services.add(factories.service("lecture-law"))
    page = _client(w["resident"]).get(reverse("circle:order-new"))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="theme"' in html
    assert html.index('id="service-lecture-law"') < html.index('id="service-drain"')


def test_ordering_from_the_locksmith_straight_away(w):
    client = _client(w["resident"])
    url = f"{reverse('circle:order-new')}?service=locksmith&provider={w['locksmith'].pk}"
    page = client.get(url)
    assert page.status_code == 200 and 'id="chosen-provider"' in page.content.decode()
    assert f'value="{w["household_a"].pk}" selected' in page.content.decode()  # the own household by default
    sent = client.post(url, {"service": "locksmith", "place": w["household_a"].pk, "orderer_kind": "resident",
                             "wanted_at": next_weekday(10).strftime("%Y-%m-%dT%H:%M"), "description": "门打不开",
                             "provider": w["locksmith"].pk})
    order = Order.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse("circle:order", kwargs={"order_id": order.pk})
    assert order.state == OrderState.DISPATCHED and order.provider == w["locksmith"]
    assert order.number in client.get(reverse("circle:orders")).content.decode()


def test_an_order_outside_the_providers_hours_is_refused_beside_the_field(w):
    shop = factories.provider(w["community"], name="白天开锁", north_m=100, hours=factories.WEEKDAYS_9_TO_5,
                              account=w["keeper"])
    client = _client(w["resident"])
    sent = client.post(f"{reverse('circle:order-new')}?service=locksmith", {
        "service": "locksmith", "place": w["household_a"].pk, "orderer_kind": "resident", "provider": shop.pk,
        "wanted_at": next_weekday(21).strftime("%Y-%m-%dT%H:%M"), "description": "门打不开"})
    assert sent.status_code == 422 and "wanted_at" in sent.context["form"].errors
    assert not Order.objects.exists()


def test_the_order_page_offers_what_the_user_may_do(w):
    order = factories_orders.order(w)
    url = reverse("circle:order", kwargs={"order_id": order.pk})
    mine = _client(w["resident"]).get(url).content.decode()
    assert 'id="cancel-form"' in mine and 'id="dispatch-form"' not in mine
    staff = _client(w["community_staff"]).get(url).content.decode()
    assert 'id="dispatch-form"' in staff and 'id="withdraw-form"' in staff and 'id="cancel-form"' not in staff
    assert _client(w["provider_user"]).get(url).status_code == 404  # not dispatched to them yet


def test_the_whole_flow_on_the_pages(w):
    order = factories_orders.order(w)
    act = reverse("circle:order-act", kwargs={"order_id": order.pk})
    staff = _client(w["community_staff"])
    board = staff.get(reverse("circle:dispatch")).content.decode()
    assert f'id="order-{order.pk}"' in board and 'class="form board-dispatch"' in board
    sent = staff.post(act, {"action": "dispatch", "provider": w["locksmith"].pk, "back": "board"})
    assert sent.status_code == 302 and sent["Location"] == reverse("circle:dispatch")
    shop = _client(w["provider_user"])
    page = shop.get(reverse("circle:provider-orders")).content.decode()
    assert f'id="order-{order.pk}"' in page and "accept-button" in page
    shop.post(act, {"action": "accept", "back": "provider"})
    too_far = shop.post(act, {"action": "deliver", "latitude": "36.08", "longitude": "103.78"})
    assert too_far.status_code == 422 and "latitude" in too_far.context["deliver_form"].errors
    lat, lng = near(120, 50)
    shop.post(act, {"action": "deliver", "latitude": str(lat), "longitude": str(lng), "note": "换锁芯"})
    resident = _client(w["resident"])
    assert 'id="rate-form"' in resident.get(reverse("circle:order", kwargs={"order_id": order.pk})).content.decode()
    resident.post(act, {"action": "rate", "stars": "5", "comment": "谢谢"})
    order.refresh_from_db()
    assert (order.state, order.stars) == (OrderState.RATED, 5)


def test_a_decline_without_reason_shows_beside_the_field(w):
    order = factories_orders.order(w, step="dispatched")
    shop = _client(w["provider_user"])
    act = reverse("circle:order-act", kwargs={"order_id": order.pk})
    refused = shop.post(act, {"action": "decline", "decline-reason": ""})
    assert refused.status_code == 422 and "reason" in refused.context["decline_form"].errors
    done = shop.post(act, {"action": "decline", "decline-reason": "师傅不在", "back": "provider"})
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.ORDERED


def test_rating_by_someone_else_is_forbidden(w):
    order = factories_orders.order(w, step="delivered")
    act = reverse("circle:order-act", kwargs={"order_id": order.pk})
    assert _client(w["provider_user"]).post(act, {"action": "rate", "stars": "1"}).status_code == 403


def test_outside_the_scope_is_404_and_the_board_is_for_staff(w):
    other = factories_orders.other_district(w)
    staff = _client(w["community_staff"])
    assert staff.get(reverse("circle:order", kwargs={"order_id": other["order"].pk})).status_code == 404
    assert staff.post(reverse("circle:order-act", kwargs={"order_id": other["order"].pk}),
                      {"action": "withdraw", "withdraw-reason": "x"}).status_code == 404
    assert other["order"].number not in staff.get(reverse("circle:dispatch")).content.decode()
    assert _client(w["resident"]).get(reverse("circle:dispatch")).status_code == 403
    assert _client(w["resident"]).get(reverse("circle:order", kwargs={"order_id": other["order"].pk})).status_code == 404
