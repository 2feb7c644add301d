"""Who may do what with the area tree and its registries (read by `gongzhi.core.permissions`)."""

from gongzhi.accounts.roles import Role
from gongzhi.core.permissions import Rule

RULES = {
    # The area tree page: staff bound to an area.
    "areas.view_tree": Rule(
        roles=frozenset({Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.INSPECTOR, Role.SUPERVISION,
                         Role.DISTRICT_ADMIN})
    ),
}
