"""The area tree's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): grid A of
district 1, which every area role bound in district 1 sees, and grid A of district 2."""

from gongzhi.accounts.roles import AREA_ROLES
from gongzhi.areas.models import Estate
from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    node = Param(inside=world.d1["grid_a"].pk, outside=world.d2["grid_a"].pk, seen_by=AREA_ROLES)
    # the registries whose contact numbers are revealed (POST …/reveal): a unit and an estate per district
    unit = Param(inside=world.unit1.pk, outside=world.unit2.pk, seen_by=AREA_ROLES)
    estates = [Estate.objects.create(community=d["community"], name="幸福里小区", owners_committee_phone="13912345678")
               for d in (world.d1, world.d2)]
    estate = Param(inside=estates[0].pk, outside=estates[1].pk, seen_by=AREA_ROLES)
    return {"node_id": node, "pk": node, "unit_id": unit, "estate_id": estate}
