"""The dashboard's objects for the role × endpoint matrix (gongzhi.core.tests.matrix), one module per
concern: each returns path parameter → Param (district 1 inside, district 2 outside)."""

from importlib import import_module

from gongzhi.core.tests.matrix import Param, World

MODULES = ("matrix_overview", "matrix_reports")


def objects(world: World) -> dict[str, Param]:
    found: dict[str, Param] = {}
    for name in MODULES:
        try:
            module = import_module(f"{__package__}.{name}")
        except ModuleNotFoundError:
            continue
        for key, param in module.objects(world).items():
            assert key not in found, f"two dashboard matrix modules name {key}"
            found[key] = param
    return found
