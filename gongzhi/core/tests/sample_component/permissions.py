"""Who may do what in the sample component: the only place, with accounts/roles.py, where roles
are named."""

from gongzhi.accounts.roles import Role
from gongzhi.core.permissions import Rule

RULES = {
    # See the page and read the greeting: community staff and grid workers.
    "sample_component.view": Rule(roles=frozenset({Role.COMMUNITY_STAFF, Role.GRID_WORKER})),
    # Greet (a write): community staff only.
    "sample_component.greet": Rule(roles=frozenset({Role.COMMUNITY_STAFF}), message="Only community staff may greet."),
}
