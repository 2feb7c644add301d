"""Matrix objects of the dashboard: overview (filled by its owner)."""

from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    return {}
