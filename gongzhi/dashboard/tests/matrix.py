"""The dashboard's objects for the role × endpoint matrix (gongzhi.core.tests.matrix)."""

from gongzhi.core.tests.matrix import Param, World
from gongzhi.dashboard.permissions import READER_ROLES


def objects(world: World) -> dict[str, Param]:
    node = Param(inside=world.d1["grid_a"].pk, outside=world.d2["grid_a"].pk, seen_by=READER_ROLES)
    return {"pk": node}
