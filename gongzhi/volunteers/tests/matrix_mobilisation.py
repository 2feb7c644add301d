"""Matrix objects of the volunteers' mobilisation pages and API: a whistle for grid A of each
district (every area role of district 1 sees district 1's; nobody district 2's)."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.tests.matrix import Param, World
from gongzhi.volunteers.models import Mobilisation


def objects(world: World) -> dict[str, Param]:
    def call(nodes) -> Mobilisation:
        return Mobilisation.objects.create(title="地下室进水", area=nodes["grid_a"], place="A1号楼", needed=5)

    return {"mobilisation_id": Param(inside=call(world.d1).pk, outside=call(world.d2).pk, seen_by=AREA_ROLES | {Role.RESIDENT})}
