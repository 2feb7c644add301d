"""The accounts app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix). Its pages
and API name no object by id today; an endpoint that does declares its parameter here."""

from gongzhi.core.tests.matrix import Param, World


def objects(world: World) -> dict[str, Param]:
    return {}
