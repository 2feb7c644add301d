"""Matrix objects of care: plans."""

from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    return {}
