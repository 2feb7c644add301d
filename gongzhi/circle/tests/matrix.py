"""The service circle's objects for the role × endpoint matrix (gongzhi.core.tests.matrix), one
module per concern: each returns path parameter → Param (district 1 inside, district 2 outside)."""

from gongzhi.core.tests.matrix import Param, World

from . import matrix_guide, matrix_orders, matrix_points


def objects(world: World) -> dict[str, Param]:
    found: dict[str, Param] = {}
    for module in (matrix_points, matrix_orders, matrix_guide):
        for name, param in module.objects(world).items():
            assert name not in found, f"two circle matrix modules name {name}"
            found[name] = param
    return found
