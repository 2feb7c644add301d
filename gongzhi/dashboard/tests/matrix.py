"""The dashboard's objects for the role × endpoint matrix (gongzhi.core.tests.matrix)."""

from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    return {}
