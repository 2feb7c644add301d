"""The volunteers app's objects for the role × endpoint matrix (gongzhi.core.tests.matrix), one
module per concern: each returns path parameter → Param (district 1 inside, district 2 outside)."""

from gongzhi.core.tests.matrix import Param, World

from . import matrix_activities, matrix_donations, matrix_mobilisation, matrix_people, matrix_store


def objects(world: World) -> dict[str, Param]:
    found: dict[str, Param] = {}
    for module in (matrix_people, matrix_activities, matrix_store, matrix_mobilisation, matrix_donations):
        for name, param in module.objects(world).items():
            assert name not in found, f"two volunteer matrix modules name {name}"
            found[name] = param
    return found
