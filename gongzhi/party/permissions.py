"""Who may do what with the party organisation tree, its members and the alliances (read by
`gongzhi.core.permissions`).

Each role keeps the tree from one kind of organisation down (a district administrator street
working committees and below, community staff general branches and below), and the alliances of
some levels, always within its area scope. The object of "party.manage_organization" and
"party.manage_alliance" is a `Placement`: the kind of organisation (or the alliance's level) and the
area node it is attached to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

from .models import LEVEL_ORDER, AllianceLevel, OrgKind

# The highest kind of organisation each role may create, move or change (always within its scope).
MANAGES_FROM = {
    Role.DISTRICT_ADMIN: OrgKind.STREET_WORKING_COMMITTEE,
    Role.STREET_STAFF: OrgKind.COMMUNITY_COMMITTEE,
    Role.COMMUNITY_STAFF: OrgKind.GENERAL_BRANCH,
}
# Who may manage an alliance of each level (within its scope).
ALLIANCE_MANAGERS = {
    AllianceLevel.DISTRICT: frozenset({Role.DISTRICT_ADMIN}),
    AllianceLevel.STREET: frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF}),
    AllianceLevel.COMMUNITY: frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF}),
}
MANAGER_ROLES = frozenset(MANAGES_FROM)


@dataclass(frozen=True)
class Placement:
    """An organisation of `kind` (or an alliance of level `kind`) attached to the area node `area`
    (None: not attached anywhere yet)."""

    kind: str
    area: Any


def placement_of(obj) -> Placement:
    """The placement of an organisation or an alliance as it stands."""
    kind = getattr(obj, "kind", None) or getattr(obj, "level", "")
    return Placement(kind, obj.area if obj.area_id else None)


# --- relations ---------------------------------------------------------------------------------


def _covers(user, area) -> bool:
    return area is not None and scope.covers_path(user, area.path)


def manages_organization(user, placement: Placement) -> bool:
    """The user's role keeps organisations of this kind, attached inside their area scope."""
    highest = MANAGES_FROM.get(getattr(user, "role", None))
    if highest is None or placement.kind not in LEVEL_ORDER:
        return False
    if LEVEL_ORDER.index(placement.kind) < LEVEL_ORDER.index(highest):
        return False
    return _covers(user, placement.area)


def organization_in_scope(user, organization) -> bool:
    """The organisation (whose members are concerned) is attached inside the user's area scope."""
    return _covers(user, organization.area)


def member_in_scope(user, member) -> bool:
    """The member's organisation, or the community they registered with (双报到), lies in the
    user's area scope."""
    if _covers(user, member.organization.area):
        return True
    return bool(member.home_community_id) and _covers(user, member.home_community)


def manages_alliance(user, placement: Placement) -> bool:
    """The user's role keeps alliances of this level, in an area inside their scope."""
    if getattr(user, "role", None) not in ALLIANCE_MANAGERS.get(placement.kind, ()):
        return False
    return _covers(user, placement.area)


RULES = {
    # The party organisation tree page: everyone signed in sees the organisations in their scope
    # and, as a member, their own.
    "party.view_tree": Rule(everyone=True),
    # Create, change, move or delete an organisation (object: a Placement).
    "party.manage_organization": Rule(
        roles=MANAGER_ROLES,
        relation=manages_organization,
        message=_("You may not change this part of the party organisation tree."),
    ),
    # Add, change, transfer and remove the members of an organisation (object: the organisation).
    "party.manage_members": Rule(
        roles=MANAGER_ROLES,
        relation=organization_in_scope,
        message=_("You may not manage the members of this party organisation."),
    ),
    # Reveal a member's full phone number (audited; everyone else sees the masked number): the staff
    # who keep members, for members in their scope, or whoever is granted the permission
    # explicitly (object: the member).
    "party.reveal_phone": Rule(
        roles=MANAGER_ROLES,
        granted_by="party.reveal_phone",
        relation=member_in_scope,
        message=_("You may not see full phone numbers."),
    ),
    # Create, change and delete an alliance and its member units (object: a Placement).
    "party.manage_alliance": Rule(
        roles=frozenset().union(*ALLIANCE_MANAGERS.values()),
        relation=manages_alliance,
        message=_("You may not manage this alliance."),
    ),
}
