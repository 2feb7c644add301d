"""Who may read the leaders' view (read by `gongzhi.core.permissions`).

The dashboard, its map, its tables and exports, and the wall screen are for the staff who read the
case figures of their area (grid workers, community and street staff, inspectors, the district):
each node of their scope, nothing outside it. The monthly reports of a street or community are read
by the same people and made on demand by its staff; the worker makes them each month.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

READER_ROLES = frozenset(
    {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR, Role.DISTRICT_ADMIN}
)
# Who is told a street's or community's monthly report is ready (by the kind of the area).
TOLD_REPORT_READY = {"street": (Role.STREET_STAFF,), "community": (Role.COMMUNITY_STAFF,)}
# Who may have a street's or community's monthly report made again on demand.
REPORT_MAKER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})


def _path(obj: Any) -> str:
    if isinstance(obj, AreaNode):
        return obj.path
    node = getattr(obj, "node", None)
    if isinstance(node, AreaNode):
        return node.path
    return scope.area_path_of(obj) or ""


def in_scope(user, obj: Any) -> bool:
    path = _path(obj)
    return bool(path) and scope.covers_path(user, path)


RULES = {
    # The dashboard of a node, its tables, map and exports (object: the area node).
    "dashboard.view": Rule(roles=READER_ROLES, relation=in_scope),
    # The command-centre wall screen of a node (object: the area node).
    "dashboard.wall": Rule(roles=READER_ROLES, relation=in_scope),
    # The monthly reports of the scope: list and download (object: the report or its node).
    "dashboard.view_reports": Rule(roles=READER_ROLES, relation=in_scope),
    # Make a street's or community's report again now (object: the node).
    "dashboard.make_report": Rule(roles=REPORT_MAKER_ROLES, relation=in_scope,
                                  message=_("Only the area's staff have its monthly report made.")),
    # The worker makes every street's and community's report on the first working day of the month.
    "dashboard.make_reports": Rule(system_only=True),
}
