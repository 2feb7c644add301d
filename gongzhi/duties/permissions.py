"""Who may do what with the duty sheets (明白纸) and the accountability records (问责记录) — read by
`gongzhi.core.permissions`; the only place roles are named in this app.

Every role at work reads the sheets of its areas; the district's administrators keep them (a new
version from a date, the rule mappings). Street and district staff review the accountability records
of their area scope (acknowledge, note, close); department staff read their department's records;
everyone reads the records that concern them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import ROLE_NODE_KINDS, Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.permissions import Rule

# The roles a sheet may be written for (everyone at work: not the residents).
SHEET_ROLES = tuple(r for r in Role if r != Role.RESIDENT)
# Who reads the sheets of their areas.
READER_ROLES = frozenset(SHEET_ROLES)
# Who keeps the sheets (the district).
KEEPER_ROLES = frozenset({Role.DISTRICT_ADMIN})
# Who reviews the accountability records of their area scope.
REVIEWER_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_ADMIN})
# Who reads their own department's records.
DEPARTMENT_READER_ROLES = frozenset({Role.DEPARTMENT_STAFF})
# The role whose sheet applies to a unit concerned: a node of a kind, a department.
UNIT_ROLE_BY_KIND = {kind: role for role, kinds in ROLE_NODE_KINDS.items()
                     if role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.STREET_STAFF) for kind in kinds}
DEPARTMENT_ROLE = Role.DEPARTMENT_STAFF


def area_of(obj: Any) -> AreaNode | None:
    if isinstance(obj, AreaNode):
        return obj
    for attribute in ("area", "sheet", "record"):
        value = getattr(obj, attribute, None)
        if isinstance(value, AreaNode):
            return value
        if value is not None and attribute != "area":
            return area_of(value)
    return None


def keeps_area(user, obj: Any) -> bool:
    """The district's sheets (no area) or an area of the user's scope."""
    area = area_of(obj)
    return area is None or scope.covers_path(user, area.path)


def reviews_area(user, obj: Any) -> bool:
    area = area_of(obj)
    return area is not None and scope.covers_path(user, area.path)


def sheet_for(*, role: str, paths: list[str]):
    """The sheet of `role` that applies at any of the places `paths`: the one of the nearest area
    above or at them, else the district's (no area)."""
    from .models import DutySheet, ancestor_paths

    above: set[str] = set()
    for p in paths:
        above.update(ancestor_paths(p))
    best = None
    for sheet in DutySheet.objects.filter(role=role, area__path__in=above).select_related("area"):
        if best is None or len(sheet.area.path) > len(best.area.path):
            best = sheet
    return best or DutySheet.objects.filter(role=role, area__isnull=True).first()


def sheet_exists(*, role: str, area) -> bool:
    from .models import DutySheet

    return DutySheet.objects.filter(role=role, area=area).exists()


def role_of(user) -> str:
    """The role whose sheet applies to a user ("" for none)."""
    return getattr(user, "role", "") or "" if getattr(user, "is_authenticated", False) else ""


def role_concerned(*, person, node, department) -> str:
    """The role whose sheet applies to what an outcome concerns: the person's, else the
    department's staff, else the staff of the node's kind."""
    if person is not None and getattr(person, "role", ""):
        return person.role
    if department is not None:
        return DEPARTMENT_ROLE
    if node is not None:
        return UNIT_ROLE_BY_KIND.get(node.kind, "")
    return ""


RULES = {
    # The duties page: one's own sheet and records.
    "duties.view_home": Rule(everyone=True),
    # Read the sheets of one's areas (and print them).
    "duties.view_sheets": Rule(roles=READER_ROLES),
    # Make a sheet, save a new version of a section, keep the rule mappings.
    "duties.keep_sheets": Rule(roles=KEEPER_ROLES, relation=keeps_area,
                               message=_("Only the district keeps the duty sheets.")),
    # Read the accountability records of one's area scope, and their figures.
    "duties.view_records": Rule(roles=REVIEWER_ROLES),
    # Read one's department's records.
    "duties.view_department_records": Rule(roles=DEPARTMENT_READER_ROLES),
    # Review a record (object: the record).
    "duties.acknowledge": Rule(roles=REVIEWER_ROLES, relation=reviews_area,
                               message=_("Only the street's and the district's staff review accountability records.")),
    "duties.note": Rule(roles=REVIEWER_ROLES, relation=reviews_area,
                        message=_("Only the street's and the district's staff review accountability records.")),
    "duties.close": Rule(roles=REVIEWER_ROLES, relation=reviews_area,
                         message=_("Only the street's and the district's staff review accountability records.")),
    # Run the accountability sync now (it also runs by itself every night).
    "duties.sync": Rule(roles=KEEPER_ROLES),
}
