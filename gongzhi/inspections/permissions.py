"""Who may do what in the inspectors' spot checks (read by `gongzhi.core.permissions`).

The street's staff keep the register of the street's publicly selected inspectors (民情巡察员), draw
the monthly sample and confirm or reject the inspectors' findings; the district sees and may do all
of it in every street; an inspector sees the sample of their street and records the checks assigned
to them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

MANAGER_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_ADMIN})
READER_ROLES = MANAGER_ROLES | frozenset({Role.INSPECTOR})
INSPECTOR_ROLES = frozenset({Role.INSPECTOR})
# Whose visits and cases are sampled; who confirms the findings.
SAMPLED_ROLES = frozenset({Role.GRID_WORKER})
STREET_ROLES = frozenset({Role.STREET_STAFF})


def street_of(obj: Any) -> AreaNode | None:
    if isinstance(obj, AreaNode):
        return obj
    for attribute in ("street", "sample", "item"):
        if getattr(obj, f"{attribute}_id", None) is not None:
            return street_of(getattr(obj, attribute))
    return None


def manages_street(user, obj: Any) -> bool:
    """The street lies in the user's area scope (no object: the kind of action)."""
    if obj is None:
        return True
    street = street_of(obj)
    return street is not None and scope.covers_path(user, street.path)


def assigned_inspector(user, obj: Any) -> bool:
    """The active inspector the item (or its finding) is assigned to."""
    if obj is None:
        return True
    item = obj if hasattr(obj, "sample_id") else getattr(obj, "item", None)
    inspector = getattr(item, "inspector", None) if item is not None else None
    return inspector is not None and inspector.active and inspector.user_id == user.pk


RULES = {
    # The spot-check pages and the samples of the street (staff, the district, the street's inspectors).
    "inspections.view": Rule(roles=READER_ROLES),
    # Keep the register of inspectors (add, retire).
    "inspections.manage": Rule(roles=MANAGER_ROLES, relation=manages_street,
                               message=_("Only the street's staff keep its inspectors and samples.")),
    # Draw a street's monthly sample.
    "inspections.draw": Rule(roles=MANAGER_ROLES, relation=manages_street,
                             message=_("Only the street's staff draw its sample.")),
    # Record the check of an item (the inspector it is assigned to).
    "inspections.check": Rule(roles=INSPECTOR_ROLES, relation=assigned_inspector,
                              message=_("Only the inspector this record is assigned to checks it.")),
    # Confirm or reject a finding (the street).
    "inspections.review": Rule(roles=MANAGER_ROLES, relation=manages_street,
                               message=_("Only the street's staff confirm or reject findings.")),
}
