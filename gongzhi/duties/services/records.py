"""Accountability records (问责记录): the sync that makes them from the outcomes elsewhere, and the
review by the street's and the district's staff (acknowledge, note, close).

`accountability_sync` is idempotent by source: each supervision outcome or deduction becomes at
most one record, whenever and however often the sync runs. An outcome becomes a record only when
the sheet that applies to the person (or unit) concerned maps its kind to an accountability rule:
which outcomes lead to accountability is the district's choice, kept as data. The rule is the one
of that number in the version in force when the outcome happened."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode, Department
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.components import setting
from gongzhi.core.errors import InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition

from ..models import AccountabilityRecord, RecordNote, RecordState, RuleMapping, Section, SheetItem
from ..permissions import role_concerned
from ..selectors import sources
from ..selectors.sheets import sheet_for, version_on
from ..workflow import RECORD_WORKFLOW

NOTE_MAX = 1000


def _concerned(outcome: sources.Outcome, cache: dict):
    """(person, node, department, role, paths, area) of an outcome; area None: nowhere to file it."""
    person = node = department = None
    if outcome.person_id:
        person = cache.setdefault(("u", outcome.person_id),
                                  get_user_model().objects.filter(pk=outcome.person_id).first())
    if outcome.node_id:
        node = cache.setdefault(("n", outcome.node_id), AreaNode.objects.filter(pk=outcome.node_id).first())
    if outcome.department_id:
        department = cache.setdefault(("d", outcome.department_id), Department.objects.select_related("district")
                                      .filter(pk=outcome.department_id).first())
    role = role_concerned(person=person, node=node, department=department)
    area = node
    if area is None and department is not None:
        area = department.district
    if area is None and person is not None:
        binding = person.area_bindings.select_related("node").order_by("node__path").first()
        area = binding.node if binding else None
    paths = [area.path] if area is not None else []
    return person, node, department, role, paths, area


def _rule_for(sheet, kind: str, day: dt.date) -> SheetItem | None:
    mapping = (RuleMapping.objects.filter(sheet=sheet, source_kind=kind).first()
               or (RuleMapping.objects.filter(sheet=sheet, source_kind=sources.DEDUCTION).first()
                   if kind.startswith(sources.DEDUCTION_PREFIX) else None))
    if mapping is None:
        return None
    version = version_on(sheet, day)
    if version is None:
        return None
    return version.items.filter(section=Section.ACCOUNTABILITY, number=mapping.rule_number).first()


def accountability_sync(*, actor: Actor, now: dt.datetime | None = None) -> dict:
    """Make the records of the outcomes of the last DUTIES_SYNC_LOOKBACK_DAYS that have none yet.
    Returns {"made", "skipped", "seen"}."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=int(setting("DUTIES_SYNC_LOOKBACK_DAYS")))
    outcomes = sources.supervision_outcomes(since=since, now=now,
                                            grace_days=int(setting("DUTIES_SUPERVISION_GRACE_DAYS")))
    outcomes += sources.deduction_outcomes(since=since)
    known = set(AccountabilityRecord.objects.filter(source__in=[o.source for o in outcomes])
                .values_list("source", flat=True))
    made = skipped = 0
    cache: dict = {}
    for outcome in outcomes:
        if outcome.source in known:
            continue
        person, node, department, role, paths, area = _concerned(outcome, cache)
        sheet = sheet_for(role=role, paths=paths) if role and area is not None else None
        rule = _rule_for(sheet, outcome.kind, timezone.localtime(outcome.occurred_at).date()) if sheet else None
        if rule is None:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                record = AccountabilityRecord.objects.create(
                    source=outcome.source, source_kind=outcome.kind, source_url=outcome.url[:200], sheet=sheet,
                    rule=rule, person=person, node=node, department=department, area=area,
                    summary=outcome.summary[:300], occurred_at=outcome.occurred_at)
                audit.record(actor=actor, action="duties.record.create", obj=record,
                             after={"source": outcome.source, "rule": rule.pk, "person": getattr(person, "pk", None)})
        except IntegrityError:  # another sync made it meanwhile
            continue
        made += 1
        if person is not None:
            transaction.on_commit(lambda r=record, p=person: notify(
                recipients=[p], kind="duties.record_opened", title=_("An accountability record concerns you"),
                body=r.summary, url=f"/duties/records/{r.pk}/", obj=r))
    return {"made": made, "skipped": skipped, "seen": len(outcomes)}


def _note_text(value, *, required: bool) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(_("Write the note."), fields={"note": [_("Write the note.")]})
    if len(text) > NOTE_MAX:
        message = _("At most %(n)s characters.") % {"n": NOTE_MAX}
        raise InvalidInput(message, fields={"note": [message]})
    return text


def _review(action: str, *, actor: Actor, record, note, required: bool) -> AccountabilityRecord:
    text = _note_text(note, required=required)

    def update(row):
        if action == "close":
            row.closed_at = timezone.now()
            row.closed_by = actor if getattr(actor, "pk", None) else None
            return ["closed_at", "closed_by"]
        return []

    def record_note(row, transition, previous):
        RecordNote.objects.create(record=row, action=action, text=text,
                                  author=actor if getattr(actor, "pk", None) else None)

    return apply_transition(RECORD_WORKFLOW, actor=actor, obj=getattr(record, "pk", record), action=action,
                            update=update, record=record_note, note=text[:200])


def record_acknowledge(*, actor: Actor, record, note: str = "") -> AccountabilityRecord:
    """The reviewer has seen it and takes it up (a note optional)."""
    return _review("acknowledge", actor=actor, record=record, note=note, required=False)


def record_note(*, actor: Actor, record, note: str) -> AccountabilityRecord:
    """A reviewer's note (what was found, what the person said); the state stays."""
    return _review("note", actor=actor, record=record, note=note, required=True)


def record_close(*, actor: Actor, record, note: str) -> AccountabilityRecord:
    """Closed with the outcome of the review (required: what was decided)."""
    return _review("close", actor=actor, record=record, note=note, required=True)


__all__ = ["RecordState", "accountability_sync", "record_acknowledge", "record_close", "record_note"]
