"""Matrix objects of the points ledger, store and publicity pages and API: an account, a manual
adjustment, goods and an order at the community of district 1 (inside) and of district 2 (outside);
a published month of district 1's community for the public page (district 2's is not published)."""

from gongzhi.core import scope
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.points import services as points
from gongzhi.volunteers.models import Order, Publicity
from gongzhi.volunteers.selectors import publicity as publicity_selectors
from gongzhi.volunteers.services.accounts import volunteer_account

from . import factories

ACTOR = SystemActor(label="matrix")


def _covering(world: World, node) -> frozenset:
    """The roles whose user in the world has the node in their area scope."""
    return frozenset(role for role, user in world.users.items() if scope.covers_path(user, node.path))


def _side(district: dict) -> dict:
    community = district["community"]
    v = factories.volunteer(community)
    account = volunteer_account(actor=ACTOR, volunteer=v)
    points.entry_write(actor=ACTOR, account=account, kind="award", amount=50, reason="测试", source=f"matrix:{v.pk}")
    adjustment = points.adjustment_request(actor=ACTOR, account=account, amount=5, reason="测试")
    goods = factories.goods(community, name="毛巾", price=10, stock=5)
    order = Order.objects.create(goods=goods, volunteer=v, quantity=1, points=10, pickup_code="123456")
    return {"account": account, "adjustment": adjustment, "goods": goods, "order": order, "community": community}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1), _side(world.d2)
    seen = _covering(world, world.d1["community"])
    month = publicity_selectors.recent_months(1)[0]
    lines = publicity_selectors.lines_for(area=inside["community"], month=month)
    Publicity.objects.create(area=inside["community"], month=month, lines=lines,
                             digest=publicity_selectors.digest_of(lines))
    everyone = frozenset(world.users)
    return {
        "account_id": Param(inside=inside["account"].pk, outside=outside["account"].pk, seen_by=seen),
        "adjustment_id": Param(inside=inside["adjustment"].pk, outside=outside["adjustment"].pk, seen_by=seen),
        "goods_id": Param(inside=inside["goods"].pk, outside=outside["goods"].pk, seen_by=seen),
        "order_id": Param(inside=inside["order"].pk, outside=outside["order"].pk, seen_by=seen),
        "community_code": Param(inside=inside["community"].code, outside=outside["community"].code, seen_by=everyone,
                                missing="no-such-community"),
        "publicity_month": Param.fixed(f"{month:%Y-%m}"),
    }
