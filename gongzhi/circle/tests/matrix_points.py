"""Matrix objects of the directory: points, providers and offerings. The directory is public (every
signed-in user sees the active rows), so district 1's objects are active and district 2's are
closed (inactive): only the staff of district 2, nobody of the world, would see them. Who sees
what is asked of the models' own `visible_to`, not repeated here.

Keys: "points.point_id" (the point's page, its forms and the API; the bookings pages of a point use
it too), "providers.provider_id", "offerings.offering_id"."""

from gongzhi.circle.models import Offering, Provider, ServicePoint
from gongzhi.core.tests.matrix import Param, World

from . import factories


def _side(nodes: dict, *, inside: bool) -> dict:
    tag = "一" if inside else "二"
    station = factories.point(nodes["community"], name=f"矩阵服务站{tag}", active=inside,
                              services=("lecture-policy",))
    provider = factories.provider(nodes["community"], name=f"矩阵开锁{tag}", active=inside)
    return {"point": station, "provider": provider, "offering": provider.offerings.get()}


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1, inside=True), _side(world.d2, inside=False)

    def param(key: str, model) -> Param:
        pk = inside[key].pk
        seen = frozenset(role for role, u in world.users.items() if model.objects.visible_to(u).filter(pk=pk).exists())
        return Param(inside=pk, outside=outside[key].pk, seen_by=seen)

    return {
        "points.point_id": param("point", ServicePoint),
        "providers.provider_id": param("provider", Provider),
        "offerings.offering_id": param("offering", Offering),
    }
