"""The monthly reports' objects for the role × endpoint matrix: a report of the community of each
district (district 1's inside, district 2's outside) and the format of a download."""

from gongzhi.accounts.roles import AREA_ROLES, Role
from gongzhi.core.actors import SystemActor
from gongzhi.core.tests.matrix import Param, World
from gongzhi.dashboard.periods import this_month
from gongzhi.dashboard.services import reports

SYSTEM = SystemActor(label="matrix")


def objects(world: World) -> dict[str, Param]:
    inside = reports.make_report(actor=SYSTEM, node=world.d1["community"], month=this_month())
    outside = reports.make_report(actor=SYSTEM, node=world.d2["community"], month=this_month())
    # A community's report is read by its area's staff (not the grid workers below it).
    seen = (AREA_ROLES - {Role.GRID_WORKER}) & {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR,
                                                 Role.DISTRICT_ADMIN}
    return {
        "report_id": Param(inside=inside.pk, outside=outside.pk, seen_by=frozenset(seen)),
        "fmt": Param.fixed("pdf"),
    }
