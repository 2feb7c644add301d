"""The store demo on a small world of its own (the people concern's demo may not be there yet):
goods with stock, redemptions over the past months, one waiting for "me", one cancelled, two manual
awards, the past months published; every balance matches its entries."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.points import services as points
from gongzhi.points.models import Adjustment
from gongzhi.volunteers.demos import store as demo
from gongzhi.volunteers.models import Goods, Order, OrderState, Publicity
from gongzhi.volunteers.services.accounts import volunteer_account

from . import factories

pytestmark = pytest.mark.django_db


def test_the_store_demo():
    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    volunteers = [factories.volunteer(t["grid_a"], user=user("resident")) for _ in range(4)]
    factories.earning_rules()
    for v in volunteers:
        account = volunteer_account(actor=factories.ACTOR, volunteer=v)
        entry = points.earn(actor=factories.ACTOR, account=account, key="hour", quantity=30, source=f"checkout:{v.pk}",
                            reason="一年的志愿服务")
        from gongzhi.points.models import Entry

        Entry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - dt.timedelta(days=360))
    ctx = DemoContext(seed=1, actor=SystemActor(label="demo"), verbose=False)
    demo.load(ctx)  # without ctx.data["volunteers"]: nothing
    assert not Goods.objects.exists()
    ctx.data["volunteers"] = {"volunteers": volunteers, "me": volunteers[0], "staff": staff}
    demo.load(ctx)
    assert Goods.objects.filter(area=t["community"]).count() == 7
    assert Order.objects.filter(state=OrderState.PICKED_UP).count() >= 10
    assert Order.objects.filter(state=OrderState.CANCELLED).count() == 1
    assert Order.objects.filter(state=OrderState.PLACED, volunteer=volunteers[0]).count() == 1
    assert sorted(Adjustment.objects.values_list("state", flat=True)) == ["approved", "pending"]
    assert Publicity.objects.filter(area=t["community"]).count() >= 10
    call_command("points_check")
