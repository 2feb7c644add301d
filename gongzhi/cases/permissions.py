"""Who may do what in the case pipeline (read by `gongzhi.core.permissions`)."""

from gongzhi.accounts.roles import Role
from gongzhi.core.permissions import Rule

STAFF = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DEPARTMENT_STAFF, Role.INSPECTOR,
                   Role.DISTRICT_ADMIN})
FIGURES = frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR, Role.DISTRICT_ADMIN})

RULES = {
    "cases.view_inbox": Rule(roles=STAFF),
    "cases.view_mine": Rule(roles=frozenset({Role.RESIDENT})),
    "cases.file": Rule(roles=frozenset({Role.RESIDENT, Role.COMMUNITY_STAFF, Role.GRID_WORKER})),
    "cases.view_figures": Rule(roles=FIGURES),
}
