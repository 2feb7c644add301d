"""Matrix objects of co-building: members (filled by its owner)."""

from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    return {}
