"""Who may read and change the points ledger (read by `gongzhi.core.permissions`).

The ledger of an area is kept by its community, street and district staff. A manual award or
deduction needs two people: one requests, another approves (the service refuses the requester).
A holder reads their own account through the programme's pages (volunteers: "my points").
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# Staff who keep the ledger of their area scope.
LEDGER_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who may read it too (the inspectors follow the figures of their areas).
READER_ROLES = LEDGER_ROLES | frozenset({Role.INSPECTOR})


def _path(obj: Any) -> str:
    """The area path of an area node, an account, or a row of an account (entry, adjustment)."""
    if getattr(obj, "account_id", None) is not None:
        obj = obj.account
    if getattr(obj, "area_id", None) is not None:
        obj = obj.area
    return getattr(obj, "path", "") or ""


def keeps_ledger(user, obj: Any) -> bool:
    """Staff whose area scope covers the account (an account, an entry, an adjustment or an area)."""
    path = _path(obj)
    return bool(path) and scope.covers_path(user, path)


RULES = {
    # The ledger and accounts of an area (object: an account or an area node).
    "points.view_ledger": Rule(roles=READER_ROLES, relation=keeps_ledger,
                               message=_("Only the area's staff read its points ledger.")),
    # Ask for a manual award or deduction (object: the account).
    "points.adjust": Rule(roles=LEDGER_ROLES, relation=keeps_ledger,
                          message=_("Only the area's staff award or deduct points by hand.")),
    # Approve or reject someone else's request (object: the adjustment).
    "points.approve": Rule(roles=LEDGER_ROLES, relation=keeps_ledger,
                           message=_("Only the area's staff approve manual points.")),
    # The earning rules (admin).
    "points.manage_rules": Rule(roles=frozenset({Role.DISTRICT_ADMIN}),
                                message=_("Only the district's administrators change how points are earned.")),
    # Check every balance against its entries (the command).
    "points.check": Rule(system_only=True),
}
