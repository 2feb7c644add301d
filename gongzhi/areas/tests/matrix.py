"""The area tree's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): grid A of
district 1, which every area role bound in district 1 sees, and grid A of district 2."""

from gongzhi.accounts.roles import AREA_ROLES
from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    node = Param(inside=world.d1["grid_a"].pk, outside=world.d2["grid_a"].pk, seen_by=AREA_ROLES)
    return {"node_id": node, "pk": node}
