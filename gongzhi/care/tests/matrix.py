"""The care app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix), one module per
concern: each returns path parameter → Param (district 1 inside, district 2 outside)."""

from gongzhi.core.tests.matrix import Param, World

from . import matrix_plans, matrix_rosters, matrix_visits


def objects(world: World) -> dict[str, Param]:
    found: dict[str, Param] = {}
    for module in (matrix_plans, matrix_rosters, matrix_visits):
        for name, param in module.objects(world).items():
            assert name not in found, f"two care matrix modules name {name}"
            found[name] = param
    return found
