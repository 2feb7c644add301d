"""Matrix objects of the dashboard: a node's dashboard, its tables, its wall screen (pages take
`pk`, the API `node_id`; a table is named by a fixed `key`)."""

from gongzhi.core.tests.matrix import Param, World
from gongzhi.dashboard.permissions import READER_ROLES


def objects(world: World) -> dict[str, Param]:
    node = Param(inside=world.d1["grid_a"].pk, outside=world.d2["grid_a"].pk, seen_by=READER_ROLES)
    return {"pk": node, "node_id": node, "key": Param.fixed("now")}
