"""The service circle demo on a small world: the points of seeds 000, 001 and 003 with rooms and a
hall's guide, seed 004's providers, a month of orders through every step, bookings and appointments
with their no-shows, the month's theme, and appliance repair as the coverage gap."""

import pytest
from django.db.models import Count

from gongzhi.accounts.tests.factories import user
from gongzhi.circle import demo
from gongzhi.circle.models import (
    Appointment,
    AppointmentState,
    BookingState,
    MonthlyTheme,
    Order,
    OrderState,
    Provider,
    RoomBooking,
    Service,
    ServicePoint,
)
from gongzhi.circle.selectors.nearest import coverage
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

from . import factories as f

pytestmark = pytest.mark.django_db


def test_the_circle_demo():
    # given the main community on the map with the demo's staff and a resident living in household A
    w = f.circle_world()
    user("community_staff", username="shequ", nodes=[w["community"]])
    resident = user("resident", username="jumin")
    Person.objects.filter(pk=person(w["household_a"], name="赵淑芬").pk).update(user=resident)
    ServicePoint.objects.all().delete()
    Provider.objects.all().delete()
    ctx = DemoContext(seed=5, actor=SystemActor(label="demo"), verbose=False)
    ctx.data.update(main_community=w["community"], district=w["district"], street=w["street"],
                    grids={w["community"].code: [w["grid_a"], w["grid_b"]]})
    # when the circle demo loads
    demo.load(ctx)
    # then the points, their rooms and the hall's guide are there, and the providers with their services
    assert ServicePoint.objects.count() == len(demo.POINTS) and Provider.objects.count() == len(demo.PROVIDERS)
    assert ServicePoint.objects.filter(kind="captain_home").exists() and ServicePoint.objects.filter(
        kind="red_station").exists()
    # a month of orders through every step, one of them waiting past its limit
    states = dict(Order.objects.values_list("state").annotate(n=Count("pk")))
    assert states[OrderState.RATED] >= 8 and {OrderState.ORDERED, OrderState.DISPATCHED, OrderState.ACCEPTED,
                                               OrderState.DELIVERED, OrderState.CANCELLED} <= set(states)
    assert Order.objects.filter(state=OrderState.ORDERED, overdue_at__isnull=False).exists()
    assert any(o.declines for o in Order.objects.all())
    # bookings and appointments, with no-shows
    assert RoomBooking.objects.filter(state=BookingState.NO_SHOW).count() == 2
    assert Appointment.objects.filter(state=AppointmentState.SERVED).count() >= 8
    assert MonthlyTheme.objects.count() == 1
    # and appliance repair reaches none of the community's buildings within the walk
    gap = coverage(user=SystemActor(label="t"), community=w["community"], service=Service.objects.get(code="appliance"))
    assert gap.gaps and gap.covered == 0
