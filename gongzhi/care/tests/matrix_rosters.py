"""Matrix objects of care: rosters."""

from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    return {}
