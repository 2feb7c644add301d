"""Orders through the workflow (点单 → 派单 → 接单 → 评单): the whole flow, every refusal with the
field it names, the scope, the time limits and the overdue sweep."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from gongzhi.circle.models import MonthlyTheme, Order, OrderState
from gongzhi.circle.selectors import orders as selectors
from gongzhi.circle.services import orders as services
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification

from . import factories, factories_orders
from .factories import near, next_weekday

pytestmark = pytest.mark.django_db
SWEEP = SystemActor(label="test:sweep")


@pytest.fixture
def w(django_capture_on_commit_callbacks):
    return factories.circle_world()


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", text)]


def actions(order) -> list[str]:
    return list(AuditEvent.objects.for_object(order).order_by("pk").values_list("action", flat=True))


def test_the_whole_flow_from_order_to_rating(w, django_capture_on_commit_callbacks):
    wanted = next_weekday(10)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_create(actor=w["resident"], service="locksmith", place=w["household_a"],
                                      description="门锁坏了", wanted_at=wanted)
    assert order.state == OrderState.ORDERED
    assert order.number.startswith(f"FW{timezone.localdate():%Y%m%d}") and len(order.number) == 15
    assert (order.latitude, order.longitude) == (w["household_a"].latitude, w["household_a"].longitude)
    assert abs((order.due_at - timezone.now()) - dt.timedelta(hours=4)) < dt.timedelta(minutes=1)
    assert "circle.order_placed" in kinds(w["community_staff"]) and "circle.order_placed" in kinds(w["street_staff"])

    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_dispatch(actor=w["community_staff"], order=order, provider=w["locksmith"].pk)
    assert order.state == OrderState.DISPATCHED and order.provider == w["locksmith"]
    assert abs((order.due_at - timezone.now()) - dt.timedelta(hours=1)) < dt.timedelta(minutes=1)  # locksmith: 1 h
    assert "circle.order_dispatched" in kinds(w["provider_user"])

    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_accept(actor=w["provider_user"], order=order)
    assert order.state == OrderState.ACCEPTED and order.due_at == max(wanted, order.accepted_at + dt.timedelta(hours=3))

    lat, lng = near(150, 50)  # 50 m from household A
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_deliver(actor=w["provider_user"], order=order, latitude=lat, longitude=lng, note="换锁芯")
    assert order.state == OrderState.DELIVERED and 40 <= order.checkin_distance_m <= 60
    assert "circle.order_delivered" in kinds(w["resident"])

    order = services.order_rate(actor=w["resident"], order=order, stars="4", comment="好")
    assert (order.state, order.stars, order.rating_comment) == (OrderState.RATED, 4, "好")
    assert actions(order) == ["circle.order.create", "circle.order.dispatch", "circle.order.accept",
                              "circle.order.deliver", "circle.order.rate"]
    assert [s.action for s in selectors.order_steps(order)] == ["create", "dispatch", "accept", "deliver", "rate"]


def test_numbers_count_up_within_the_day(w):
    first = factories_orders.order(w)
    second = factories_orders.order(w)
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_a_direct_order_is_dispatched_to_the_chosen_provider_on_the_residents_behalf(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = factories_orders.order(w, direct=True, step="ordered")
    assert order.state == OrderState.DISPATCHED and order.provider == w["locksmith"]
    dispatch = AuditEvent.objects.for_object(order).get(action="circle.order.dispatch")
    assert dispatch.actor == w["resident"] and dispatch.actor_label.startswith("circle:direct-order")
    assert "circle.order_dispatched" in kinds(w["provider_user"])


def test_a_provider_out_of_reach_is_refused_with_the_distance(w):
    far = factories.provider(w["community"], name="远方开锁", north_m=2400, radius=1500, account=w["keeper"])
    with pytest.raises(InvalidInput) as refused:
        services.order_create(actor=w["resident"], service="locksmith", place=w["household_a"], description="锁",
                              wanted_at=next_weekday(10), provider=far)
    assert "provider" in refused.value.fields
    radius, distance = numbers(refused.value.message)
    assert radius == 1500 and abs(distance - 2300) <= 5
    assert not Order.objects.exists()  # nothing half-written


def test_a_time_outside_the_providers_hours_is_refused(w):
    shop = factories.provider(w["community"], name="白天开锁", north_m=200, hours=factories.WEEKDAYS_9_TO_5,
                              account=w["keeper"])
    order = factories_orders.order(w, at=next_weekday(20))
    with pytest.raises(InvalidInput) as refused:
        services.order_dispatch(actor=w["community_staff"], order=order, provider=shop)
    assert list(refused.value.fields) == ["wanted_at"]
    assert Order.objects.get(pk=order.pk).state == OrderState.ORDERED


def test_a_service_the_provider_does_not_offer_is_refused(w):
    order = factories_orders.order(w, service="plumbing")
    with pytest.raises(InvalidInput) as refused:
        services.order_dispatch(actor=w["community_staff"], order=order, provider=w["locksmith"])
    assert list(refused.value.fields) == ["provider"]


def test_a_checkin_too_far_from_the_place_is_refused_with_the_distance(w):
    order = factories_orders.order(w, step="accepted")
    lat, lng = near(1100, 50)  # 1,000 m north of household A
    with pytest.raises(InvalidInput) as refused:
        services.order_deliver(actor=w["provider_user"], order=order, latitude=lat, longitude=lng)
    assert list(refused.value.fields) == ["checkin"] and abs(numbers(refused.value.message)[0] - 1000) <= 5
    assert Order.objects.get(pk=order.pk).state == OrderState.ACCEPTED


def test_only_who_ordered_it_rates_it(w):
    order = factories_orders.order(w, step="delivered")
    with pytest.raises(Forbidden):
        services.order_rate(actor=w["provider_user"], order=order, stars=5)
    with pytest.raises(InvalidInput) as refused:
        services.order_rate(actor=w["resident"], order=order, stars=9)
    assert list(refused.value.fields) == ["stars"]


def test_a_step_the_state_does_not_allow_is_a_conflict(w):
    order = factories_orders.order(w)
    with pytest.raises(Conflict):
        services.order_rate(actor=w["resident"], order=order, stars=5)
    accepted = factories_orders.order(w, step="accepted")
    with pytest.raises(Conflict):
        services.order_cancel(actor=w["resident"], order=accepted, reason="不要了")


def test_only_the_provider_it_was_dispatched_to_answers_it(w):
    order = factories_orders.order(w, step="dispatched")
    with pytest.raises((Forbidden, NotFound)):
        services.order_accept(actor=w["keeper"], order=order)


def test_a_decline_needs_a_reason_and_puts_the_order_back_on_the_board(w, django_capture_on_commit_callbacks):
    order = factories_orders.order(w, step="dispatched")
    with pytest.raises(InvalidInput) as refused:
        services.order_decline(actor=w["provider_user"], order=order, reason=" ")
    assert list(refused.value.fields) == ["reason"]
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_decline(actor=w["provider_user"], order=order, reason="今天师傅不在")
    assert order.state == OrderState.ORDERED and order.provider is None
    assert order.declines[0]["reason"] == "今天师傅不在" and order.declines[0]["provider"] == w["locksmith"].pk
    assert "circle.order_declined" in kinds(w["community_staff"])
    assert not selectors.provider_orders(user=w["provider_user"]).exists()


def test_cancel_by_who_ordered_it_and_withdraw_by_the_centre(w):
    mine = factories_orders.order(w)
    with pytest.raises(Forbidden):
        services.order_cancel(actor=w["community_staff"], order=mine, reason="x")
    mine = services.order_cancel(actor=w["resident"], order=mine, reason="钥匙找到了")
    assert (mine.state, mine.cancel_reason, mine.due_at) == (OrderState.CANCELLED, "钥匙找到了", None)
    accepted = factories_orders.order(w, step="accepted")
    withdrawn = services.order_withdraw(actor=w["community_staff"], order=accepted, reason="重复下单")
    assert withdrawn.state == OrderState.CANCELLED


def test_a_resident_orders_only_for_their_own_home(w):
    with pytest.raises(InvalidInput) as refused:
        services.order_create(actor=w["resident"], service="locksmith", place=w["household_b"], description="锁",
                              wanted_at=next_weekday(10))
    assert list(refused.value.fields) == ["place"]
    with pytest.raises(InvalidInput):
        services.order_create(actor=w["resident"], service="lecture-policy", place=w["community"], description="宣讲",
                              wanted_at=next_weekday(10), orderer_kind="community")
    building = services.order_create(actor=w["resident"], service="drain", place=w["building_a"], description="楼道堵",
                                     wanted_at=next_weekday(10))
    assert building.place == w["building_a"]


def test_community_staff_order_for_the_community(w):
    order = services.order_create(actor=w["community_staff"], service="lecture-policy", place=w["community"],
                                  description="民法典宣讲", wanted_at=next_weekday(15), orderer_kind="community")
    assert order.orderer_kind == "community" and order.latitude == w["community"].latitude


def test_bad_input_is_named(w):
    for kwargs, field in (({"service": "nothing"}, "service"), ({"description": ""}, "description"),
                          ({"wanted_at": "tomorrow"}, "wanted_at"),
                          ({"wanted_at": timezone.now() - dt.timedelta(days=1)}, "wanted_at")):
        values = {"service": "locksmith", "place": w["household_a"], "description": "锁", "wanted_at": next_weekday(10),
                  **kwargs}
        with pytest.raises(InvalidInput) as refused:
            services.order_create(actor=w["resident"], **values)
        assert field in refused.value.fields


def test_scope_a_district_2_order_is_absent_for_district_1(w):
    other = factories_orders.other_district(w)
    with pytest.raises(NotFound):
        selectors.order_get(user=w["community_staff"], pk=other["order"].pk)
    with pytest.raises(NotFound):
        services.order_dispatch(actor=w["community_staff"], order=other["order"], provider=w["locksmith"])
    mine = factories_orders.order(w)
    assert list(selectors.my_orders(user=w["resident"])) == [mine]
    assert list(selectors.my_orders(user=other["resident"])) == [other["order"]]
    with pytest.raises(NotFound):
        selectors.order_get(user=w["resident"], pk=other["order"].pk)
    board = selectors.board(user=w["community_staff"])
    assert [o.pk for g in board["groups"] for o in g["orders"]] == [mine.pk]


def test_overdue_orders_are_flagged_once(w, django_capture_on_commit_callbacks):
    late = factories_orders.order(w, step="dispatched")
    on_time = factories_orders.order(w)
    Order.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue(actor=SWEEP) == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.overdue_at is not None and on_time.overdue_at is None
    assert "circle.order_overdue" in kinds(w["community_staff"]) and "circle.order_overdue" in kinds(w["provider_user"])
    assert actions(late).count("circle.order.overdue") == 1
    assert services.flag_overdue(actor=SWEEP) == 0
    assert selectors.board(user=w["community_staff"])["overdue"] == 1
    accepted = services.order_accept(actor=w["provider_user"], order=late)
    assert accepted.overdue_at is None  # the next step clears the flag


def test_the_sweep_reads_the_candidates_in_few_queries(w, django_assert_max_num_queries):
    for _ in range(5):
        order = factories_orders.order(w)
        Order.objects.filter(pk=order.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    with django_assert_max_num_queries(5 + 5 + 3):  # one audit row per order
        assert services.flag_overdue(actor=SWEEP) == 5


def test_candidates_nearest_first_with_why_the_others_do_not_fit(w):
    near_one = factories.provider(w["community"], name="近处开锁", north_m=150, account=w["keeper"])
    factories.provider(w["community"], name="远方开锁", north_m=3000, radius=1000, account=w["keeper"])
    order = factories_orders.order(w)
    found = selectors.candidates(user=w["community_staff"], order=order)
    assert [c.provider.name for c in found if c.suitable] == [near_one.name, "老王开锁"]
    unsuitable = [c for c in found if not c.suitable]
    assert unsuitable[0].provider.name == "远方开锁" and unsuitable[0].field == "provider"


def test_the_months_theme_comes_first_on_the_menu(w):
    theme = MonthlyTheme.objects.create(area=w["street"], month=timezone.localdate().replace(day=1), title="法治宣传月")
    theme.services.add(factories.service("lecture-law"))
    menu = selectors.menu(place=w["household_a"])
    assert menu.theme == theme and menu.services[0].code == "lecture-law" and menu.services[0].themed
    assert not menu.services[1].themed
