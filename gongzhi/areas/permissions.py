"""Who may do what with the area tree and its registries (read by `gongzhi.core.permissions`).

`areas` sits below `accounts` (users are bound to area nodes, departments and units; the area tree
knows nothing of users), so, like `core.permissions`, this module names roles by their values
(`gongzhi.accounts.roles.Role`); a test checks that each of them is a role that exists.

Managing the tree depends on the kind of node: each role may create, change, move and delete nodes
from one kind down (a district administrator streets and below, a grid worker buildings and below),
always under a node in its area scope. The object of "areas.manage_node" is therefore a
`Placement`: the kind of node and the node it hangs under (for a node without a parent, itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.core import scope
from gongzhi.core.permissions import Rule

from .models import LEVEL_ORDER, AreaKind, AreaNode

GRID_WORKER, COMMUNITY_STAFF, STREET_STAFF = "grid_worker", "community_staff", "street_staff"
INSPECTOR, SUPERVISION, DISTRICT_ADMIN = "inspector", "supervision", "district_admin"

# The highest kind of node each role may create, move or change (always within its scope).
MANAGES_FROM = {
    DISTRICT_ADMIN: AreaKind.STREET,
    STREET_STAFF: AreaKind.COMMUNITY,
    COMMUNITY_STAFF: AreaKind.GRID,
    GRID_WORKER: AreaKind.BUILDING,
}


def roles_managing(kind: str) -> frozenset[str]:
    """The roles that may manage nodes of `kind` (somewhere in their scope)."""
    return frozenset(role for role, highest in MANAGES_FROM.items() if LEVEL_ORDER.index(kind) >= LEVEL_ORDER.index(highest))


@dataclass(frozen=True)
class Placement:
    """A node of `kind` under `under` (its parent; for a root, the node itself; None: nowhere)."""

    kind: str
    under: AreaNode | None


# --- relations ---------------------------------------------------------------------------------


def in_area_scope(user, obj: Any) -> bool:
    """The object (an area node, or a record that declares `area_scope_field`) lies in the user's
    area scope; a record not yet attached to a node lies nowhere."""
    path = obj.path if isinstance(obj, AreaNode) else scope.area_path_of(obj)
    return bool(path) and scope.covers_path(user, path)


def manages_placement(user, placement: Placement) -> bool:
    """The user's role manages nodes of this kind, and the node it hangs under is in their scope."""
    highest = MANAGES_FROM.get(getattr(user, "role", None))
    if highest is None or placement.kind not in LEVEL_ORDER:
        return False
    if LEVEL_ORDER.index(placement.kind) < LEVEL_ORDER.index(highest):
        return False
    return placement.under is not None and scope.covers_path(user, placement.under.path)


_TREE_MESSAGE = _("You may not change this part of the area tree.")

RULES = {
    # The area tree page: staff bound to an area.
    "areas.view_tree": Rule(
        roles=frozenset({GRID_WORKER, COMMUNITY_STAFF, STREET_STAFF, INSPECTOR, SUPERVISION, DISTRICT_ADMIN})
    ),
    # Create, change, move or delete a node of the tree (object: a Placement).
    "areas.manage_node": Rule(roles=frozenset(MANAGES_FROM), relation=manages_placement, message=_TREE_MESSAGE),
    # The registries: estates and resident units are kept by those who manage grids, the district's
    # departments by those who manage streets (object: the record, in the user's scope).
    "areas.manage_estate": Rule(roles=roles_managing(AreaKind.GRID), relation=in_area_scope, message=_TREE_MESSAGE),
    "areas.manage_unit": Rule(roles=roles_managing(AreaKind.GRID), relation=in_area_scope, message=_TREE_MESSAGE),
    "areas.manage_department": Rule(
        roles=roles_managing(AreaKind.STREET), relation=in_area_scope, message=_TREE_MESSAGE
    ),
    # Reveal the full phone of a unit's contact, an estate's owners' committee or a department's
    # duty line (audited; everyone else sees the masked number): those who keep the registries, in
    # their scope, or whoever is granted the permission explicitly (object: the record).
    "areas.reveal_contact": Rule(
        roles=roles_managing(AreaKind.GRID),
        granted_by="areas.reveal_contact",
        relation=in_area_scope,
        message=_("You may not see full phone numbers."),
    ),
}
