"""The spot checks' objects for the role × endpoint matrix (gongzhi.core.tests.matrix): in each
district an inspector registered in the street, a sample of last month with one record assigned to
that inspector and a problem found on it, waiting for the street. Seen by the roles that read spot
checks within whose scope the street lies (and the registered inspector)."""

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.core.tests.matrix import Param, World

from ..models import Finding, Inspector, Sample, SampleItem
from . import factories


def _side(world: World, nodes: dict, account) -> dict:
    worker = user(Role.GRID_WORKER, nodes=[nodes["grid_a"]])
    inspector = factories.inspector(nodes["street"], account)
    smp = factories.sample(nodes["street"])
    row = factories.visit(nodes["household_a"], worker, when=factories.at(smp.month), photo=False)
    itm = factories.item(smp, worker=worker, visit_row=row, inspector_row=inspector)
    found = factories.finding(itm)
    return {"inspector": inspector, "sample": smp, "item": itm, "finding": found}


def _seen(world: World, model, pk) -> frozenset:
    return frozenset(role for role, u in world.users.items() if model.objects.visible_to(u).filter(pk=pk).exists())


def objects(world: World) -> dict[str, Param]:
    inside = _side(world, world.d1, world.users[Role.INSPECTOR])
    outside = _side(world, world.d2, user(Role.INSPECTOR, nodes=[world.d2["street"]]))
    return {
        "inspector_id": Param(inside=inside["inspector"].pk, outside=outside["inspector"].pk,
                              seen_by=_seen(world, Inspector, inside["inspector"].pk)),
        "sample_id": Param(inside=inside["sample"].pk, outside=outside["sample"].pk,
                           seen_by=_seen(world, Sample, inside["sample"].pk)),
        "item_id": Param(inside=inside["item"].pk, outside=outside["item"].pk,
                         seen_by=_seen(world, SampleItem, inside["item"].pk)),
        "finding_id": Param(inside=inside["finding"].pk, outside=outside["finding"].pk,
                            seen_by=_seen(world, Finding, inside["finding"].pk)),
    }
