"""Keeping the duty sheets (明白纸): the district makes a sheet for a role (for the whole district or
one area), saves a section (key tasks, red lines, accountability rules) as a version from a date,
and maps outcome kinds to accountability rules. A version already in force is never changed: a
change to it is a new version from a later date, the old kept. Every write is audited; bad input
is an `InvalidInput` naming the field."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require

from ..models import DutySheet, RuleMapping, Section, SheetItem, SheetVersion
from ..permissions import SHEET_ROLES, sheet_exists

ITEMS_MAX = 12  # per section: the whole sheet must fit one A4 page
ITEM_CHARS_MAX = 100
TITLE_MAX = 100


def field_error(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _object_id(value):
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def visible_sheet(actor: Actor, sheet) -> DutySheet:
    row = DutySheet.objects.visible_to(actor).select_related("area").filter(pk=_object_id(sheet)).first()
    if row is None:
        raise NotFound()
    return row


def _items(value) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    items = []
    for raw in value or []:
        text = " ".join(str(raw).split())
        # "1. …", "1、…", "（1）…" typed by habit: the number is the item's place, not its text.
        for sep in (". ", "、", ".", "）", ")"):
            head, found, rest = text.partition(sep)
            if found and head.strip("（(").isdigit() and rest:
                text = rest.strip()
                break
        if text:
            items.append(text)
    if len(items) > ITEMS_MAX:
        raise field_error("items", _("At most %(n)s items: the sheet must fit on one A4 page.") % {"n": ITEMS_MAX})
    long = [i + 1 for i, t in enumerate(items) if len(t) > ITEM_CHARS_MAX]
    if long:
        raise field_error("items", _("Item %(n)s is longer than %(max)s characters: say it shorter.")
                          % {"n": long[0], "max": ITEM_CHARS_MAX})
    return items


@transaction.atomic
def sheet_create(*, actor: Actor, role: str, title: str, area=None) -> DutySheet:
    """A sheet for `role`, for the whole district (no area) or one area of the actor's scope."""
    if role not in SHEET_ROLES:
        raise field_error("role", _("Choose a role at work."))
    node = None
    if area not in (None, ""):
        node = AreaNode.objects.filter(pk=_object_id(area)).first()
        if node is None or not scope.covers_path(actor, node.path):
            raise field_error("area", _("Choose an area of your scope."))
    require(actor, "duties.keep_sheets", node)
    title = " ".join(str(title or "").split())
    if not title:
        raise field_error("title", _("Give the sheet a title."))
    if len(title) > TITLE_MAX:
        raise field_error("title", _("At most %(n)s characters.") % {"n": TITLE_MAX})
    if sheet_exists(role=role, area=node):
        raise field_error("role", _("This role already has a sheet for this area."))
    row = DutySheet.objects.create(role=role, area=node, title=title, created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="duties.sheet.create", obj=row,
                 after={"role": role, "area": node.pk if node else None, "title": title})
    return row


def _copy_items(source: SheetVersion | None, target: SheetVersion, skip: str) -> None:
    if source is None:
        return
    SheetItem.objects.bulk_create([
        SheetItem(version=target, section=i.section, number=i.number, text=i.text)
        for i in source.items.exclude(section=skip)])


@transaction.atomic
def section_save(*, actor: Actor, sheet, section: str, items, valid_from: dt.date | None = None,
                 note: str = "") -> SheetVersion:
    """Save one section's items (in order) as the sheet's content from `valid_from` (today by
    default). A version from that date not yet in force (or made today and not yet used by a
    record) is amended; otherwise a new version is made, copying the other sections from the one
    in force on that date."""
    row = visible_sheet(actor, sheet)
    require(actor, "duties.keep_sheets", row)
    if section not in Section.values:
        raise field_error("section", _("Choose a section."))
    if valid_from is None or valid_from == "":
        valid_from = timezone.localdate()
    if not isinstance(valid_from, dt.date):
        try:
            valid_from = dt.date.fromisoformat(str(valid_from))
        except ValueError:
            raise field_error("valid_from", _("Enter a date (YYYY-MM-DD).")) from None
    today = timezone.localdate()
    if valid_from < today:
        raise field_error("valid_from", _("A change applies from today or a later day, never to the past."))
    texts = _items(items)
    note = " ".join(str(note or "").split())[:200]
    DutySheet.objects.select_for_update().filter(pk=row.pk).order_by("pk").first()
    version = row.versions.filter(valid_from=valid_from).first()
    before = None
    if version is not None:
        in_use = version.items.filter(records__isnull=False).exists()
        if in_use or (version.valid_from <= today and timezone.localtime(version.created_at).date() < today):
            raise field_error("valid_from", _("The version from this day is already in force: choose a later day."))
        before = list(version.items.filter(section=section).values_list("text", flat=True))
        version.items.filter(section=section).delete()
        if note:
            version.note = note
            version.save(update_fields=["note"])
    else:
        previous = row.versions.filter(valid_from__lt=valid_from).order_by("-valid_from").first()
        version = SheetVersion.objects.create(sheet=row, valid_from=valid_from, note=note,
                                              created_by=actor if getattr(actor, "pk", None) else None)
        _copy_items(previous, version, skip=section)
        if previous is not None:
            before = list(previous.items.filter(section=section).values_list("text", flat=True))
    SheetItem.objects.bulk_create([SheetItem(version=version, section=section, number=n, text=t)
                                   for n, t in enumerate(texts, start=1)])
    audit.record(actor=actor, action="duties.sheet.save_section", obj=row,
                 before={"section": section, "items": before} if before is not None else None,
                 after={"section": section, "items": texts, "valid_from": valid_from.isoformat(),
                        "version": version.pk})
    return version


@transaction.atomic
def mapping_set(*, actor: Actor, sheet, source_kind: str, rule_number: int | None) -> RuleMapping | None:
    """Record outcomes of `source_kind` against the sheet's accountability rule number `rule_number`
    (None: no longer record them)."""
    from ..selectors.sheets import version_on
    from ..selectors.sources import source_kinds

    row = visible_sheet(actor, sheet)
    require(actor, "duties.keep_sheets", row)
    if source_kind not in dict(source_kinds()):
        raise field_error("source_kind", _("Choose an outcome."))
    existing = RuleMapping.objects.filter(sheet=row, source_kind=source_kind).first()
    before = {"rule_number": existing.rule_number} if existing else None
    if rule_number in (None, ""):
        if existing:
            existing.delete()
            audit.record(actor=actor, action="duties.mapping.remove", obj=row, before=before,
                         after={"source_kind": source_kind})
        return None
    try:
        number = int(rule_number)
    except (TypeError, ValueError):
        raise field_error("rule_number", _("Choose a rule of the sheet.")) from None
    version = version_on(row) or row.versions.order_by("valid_from").first()
    count = version.items.filter(section=Section.ACCOUNTABILITY).count() if version else 0
    if number < 1 or number > count:
        raise field_error("rule_number", _("The sheet has accountability rules 1 to %(n)s.") % {"n": count}
                          if count else _("Write the sheet's accountability rules first."))
    if existing:
        existing.rule_number = number
        existing.save(update_fields=["rule_number"])
        mapping = existing
    else:
        mapping = RuleMapping.objects.create(sheet=row, source_kind=source_kind, rule_number=number)
    audit.record(actor=actor, action="duties.mapping.set", obj=row, before=before,
                 after={"source_kind": source_kind, "rule_number": number})
    return mapping
