"""Reading the duty sheets (明白纸): which sheet applies to a role at a place, which version is in
force on a day, its sections as lists, and the home page's panel."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from .. import permissions
from ..models import SECTION_ORDER, DutySheet, RuleMapping, Section, SheetItem, SheetVersion


def sheets_list(*, user) -> QuerySet:
    return DutySheet.objects.visible_to(user).select_related("area").order_by("role", "area__path", "pk")


def sheet_get(*, user, pk) -> DutySheet:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    row = sheets_list(user=user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def version_on(sheet: DutySheet, day: dt.date | None = None) -> SheetVersion | None:
    """The version in force on `day` (today by default): the latest from that day or before."""
    day = day or timezone.localdate()
    return sheet.versions.filter(valid_from__lte=day).order_by("-valid_from").first()


def versions(sheet: DutySheet) -> list[SheetVersion]:
    return list(sheet.versions.order_by("-valid_from"))


def sections(version: SheetVersion | None) -> dict[str, list[SheetItem]]:
    """{section: [items in order]} (every section present, maybe empty)."""
    found: dict[str, list[SheetItem]] = {s.value: [] for s in SECTION_ORDER}
    if version is not None:
        for item in version.items.order_by("section", "number"):
            found.setdefault(item.section, []).append(item)
    return found


def section_blocks(version: SheetVersion | None) -> list[dict]:
    """[{"key", "label", "items"}] in the sheet's order, for pages, the print page and the PDF."""
    found = sections(version)
    return [{"key": s.value, "label": s.label, "items": found[s.value]} for s in SECTION_ORDER]


def sheet_for(*, role: str, paths: list[str]) -> DutySheet | None:
    """The sheet of `role` that applies at any of the places `paths` (the nearest area's, else the
    district's)."""
    return permissions.sheet_for(role=role, paths=paths)


def user_paths(user) -> list[str]:
    paths = list(user.area_bindings.values_list("node__path", flat=True))
    department = getattr(user, "department", None)
    if not paths and department is not None and department.district_id:
        paths = [department.district.path]
    return paths


def sheet_of_user(user) -> DutySheet | None:
    role = permissions.role_of(user)
    if not role:
        return None
    return sheet_for(role=role, paths=user_paths(user))


def mappings(sheet: DutySheet) -> list[RuleMapping]:
    return list(sheet.mappings.order_by("source_kind"))


def home_panel(*, user) -> dict | None:
    """The duties panel on the home page (extension point "accounts.home.panels"): the sheet in
    force for the user's role and place, with the link to print it; None when there is none."""
    from django.utils.translation import gettext

    if not can(user, "duties.view_sheets"):
        return None
    sheet = sheet_of_user(user)
    version = version_on(sheet) if sheet is not None else None
    if version is None:
        return None
    from ..models import AccountabilityRecord, RecordState

    open_records = AccountabilityRecord.objects.filter(person=user).exclude(state=RecordState.CLOSED).count()
    return {"title": gettext("My duty sheet (明白纸)"), "template": "duties/_home_panel.html",
            "context": {"sheet": sheet, "version": version, "blocks": section_blocks(version),
                        "open_records": open_records}}


__all__ = ["Section", "home_panel", "section_blocks", "sheet_for", "sheet_get", "sheets_list", "version_on"]
