"""Items: compose, schedule, publish, correct as a new version; and the door other apps publish by.

A published item is never edited in place: `item_correct` writes version N+1 (published at once,
with its reason) and marks version N superseded — still public, shown as replaced. Every
publication runs the personal-data check (`gongzhi.disclosure.personal_data`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.workflow import apply_transition, lock_visible

from .. import personal_data, timing
from ..models import Item, ItemAttachment, ItemKind, ItemState, Schedule, Timing
from ..workflow import ITEM_WORKFLOW
from .files import attach, check_files

ITEM_FIELDS = ["community", "kind", "timing", "title", "body", "state", "trigger_at", "period_start", "period_end",
               "due_at", "owner", "reference"]
TITLE_LIMIT = 200
BODY_LIMIT = 50_000


def _community(actor: Actor, community: AreaNode | int, action: str) -> AreaNode:
    node = community if isinstance(community, AreaNode) else AreaNode.objects.filter(pk=community).first()
    if node is None or not AreaNode.objects.visible_to(actor).filter(pk=node.pk).exists():
        raise NotFound(_("Community not found."))
    if node.kind != AreaKind.COMMUNITY:
        message = _("Choose a community.")
        raise InvalidInput(message, fields={"community": [message]})
    permissions.require(actor, action, node)
    return node


def _check_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise InvalidInput(_("This field is required."), fields={"title": [_("This field is required.")]})
    if len(title) > TITLE_LIMIT:
        message = _("At most %(n)d characters.") % {"n": TITLE_LIMIT}
        raise InvalidInput(message, fields={"title": [message]})
    if len(body) > BODY_LIMIT:
        message = _("At most %(n)d characters.") % {"n": BODY_LIMIT}
        raise InvalidInput(message, fields={"body": [message]})
    return title, body


def _check_choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        message = _("Choose a valid option.")
        raise InvalidInput(message, fields={field: [message]})
    return value


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


@transaction.atomic
def item_create(*, actor: Actor, community: AreaNode | int, kind: str, timing_type: str, title: str, body: str = "",
                trigger_at: dt.datetime | None = None, period_start: dt.date | None = None,
                period_end: dt.date | None = None, owner=None, reference: str = "",
                attachments: Sequence[UploadedFile] = ()) -> Item:
    """Compose a draft item. Its due time follows from its timing type and trigger (`trigger_at`,
    default now; for regular business the end of the period)."""
    node = _community(actor, community, "disclosure.compose")
    _check_choice(kind, ItemKind, "kind")
    _check_choice(timing_type, Timing, "timing")
    title, body = _check_text(title, body)
    if timing_type == Timing.REGULAR:
        if not (period_start and period_end):
            message = _("Regular business names its period.")
            raise InvalidInput(message, fields={"period_end": [message]})
        if period_end < period_start:
            message = _("The period ends after it starts.")
            raise InvalidInput(message, fields={"period_end": [message]})
        trigger_at = trigger_at or timing.period_trigger(period_end)
    trigger_at = trigger_at or timezone.now()
    kinds = check_files(attachments) if attachments else []
    item = Item(community=node, kind=kind, timing=timing_type, title=title, body=body, state=ItemState.DRAFT,
                trigger_at=trigger_at, period_start=period_start, period_end=period_end,
                due_at=timing.compute_due(community=node, timing=timing_type, trigger_at=trigger_at),
                owner=owner or actor_user(actor), reference=reference[:100], created_by=actor_user(actor))
    audit.save(actor=actor, obj=item, action="disclosure.item.create", fields=ITEM_FIELDS,
               clean_exclude=["series", "supersedes"])
    if kinds:
        attach(ItemAttachment, files=attachments, kinds=kinds, item=item)
    return item


@transaction.atomic
def item_edit(*, actor: Actor, item: Item | int, title: str, body: str, owner=None,
              attachments: Sequence[UploadedFile] = ()) -> Item:
    """Change a planned slot or a draft (writing a planned slot's content makes it a draft)."""
    row = lock_visible(Item, actor=actor, pk=item.pk if isinstance(item, Item) else item)
    action = "compose" if row.state == ItemState.PLANNED else "edit"
    title, body = _check_text(title, body)
    kinds = check_files(attachments) if attachments else []

    def update(obj: Item):
        obj.title, obj.body = title, body
        changed = ["title", "body", "updated_at"]
        if owner is not None:
            obj.owner = owner
            changed.append("owner")
        return changed

    row = apply_transition(ITEM_WORKFLOW, actor=actor, obj=row, action=action, update=update, locked=True)
    if kinds:
        attach(ItemAttachment, files=attachments, kinds=kinds, item=row)
    return row


def _publish_fields(obj: Item, now: dt.datetime) -> list[str]:
    obj.published_at = now
    obj.is_late = now > obj.due_at
    return ["published_at", "is_late", "updated_at"]


def check_item_publishable(item: Item, *, allowed_names: Iterable[str] = ()) -> None:
    personal_data.check_publishable({"title": item.title, "body": item.body}, community=item.community,
                                    allowed_names=allowed_names)


@transaction.atomic
def item_publish(*, actor: Actor, item: Item | int, allowed_names: Iterable[str] = (),
                 now: dt.datetime | None = None) -> Item:
    """Publish a draft: refused while it holds anything personal; late when after its due time.
    `allowed_names`: names the publisher confirms are not a private person (recorded in the note)."""
    row = lock_visible(Item, actor=actor, pk=item.pk if isinstance(item, Item) else item)
    allowed = [n for n in allowed_names if n]
    moment = _now(now)
    return apply_transition(
        ITEM_WORKFLOW, actor=actor, obj=row, action="publish", locked=True,
        guard=lambda obj: check_item_publishable(obj, allowed_names=allowed),
        update=lambda obj: _publish_fields(obj, moment),
        note=_("Confirmed not personal: %(names)s") % {"names": "、".join(allowed)} if allowed else "",
    )


@transaction.atomic
def item_correct(*, actor: Actor, item: Item | int, title: str, body: str, reason: str,
                 attachments: Sequence[UploadedFile] = (), keep_attachments: bool = True,
                 allowed_names: Iterable[str] = (), now: dt.datetime | None = None) -> Item:
    """Correct a published item: a new version, published at once, with the reason; the old one is
    superseded (still public). Returns the new version."""
    old = lock_visible(Item, actor=actor, pk=item.pk if isinstance(item, Item) else item)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the notice is corrected.")
        raise InvalidInput(message, fields={"reason": [message]})
    if len(reason) > 300:
        message = _("At most %(n)d characters.") % {"n": 300}
        raise InvalidInput(message, fields={"reason": [message]})
    title, body = _check_text(title, body)
    allowed = [n for n in allowed_names if n]
    personal_data.check_publishable({"title": title, "body": body, "reason": reason}, community=old.community,
                                    allowed_names=allowed)
    kinds = check_files(attachments) if attachments else []
    moment = _now(now)
    old = apply_transition(ITEM_WORKFLOW, actor=actor, obj=old, action="correct", locked=True, note=reason)
    new = Item(community=old.community, kind=old.kind, timing=old.timing, title=title, body=body,
               state=ItemState.PUBLISHED, trigger_at=old.trigger_at, period_start=old.period_start,
               period_end=old.period_end, due_at=old.due_at, published_at=moment, is_late=old.is_late,
               series_id=old.series_id or old.pk, version=old.version + 1, supersedes=old,
               correction_reason=reason, reference="", owner=old.owner, created_by=actor_user(actor))
    audit.save(actor=actor, obj=new, action="disclosure.item.correct_version",
               fields=ITEM_FIELDS + ["version", "correction_reason"], note=reason)
    if keep_attachments:
        for a in old.attachments.all():
            ItemAttachment.objects.create(item=new, file=a.file.name, name=a.name, content_type=a.content_type,
                                          size=a.size)
    if kinds:
        attach(ItemAttachment, files=attachments, kinds=kinds, item=new)
    return new


def item_history(item: Item) -> list[Item]:
    """Every version of the item's series, oldest first."""
    root = item.series_id or item.pk
    return list((Item.objects.filter(pk=root) | Item.objects.filter(series_id=root)).order_by("version"))


def current_version(item: Item) -> Item:
    root = item.series_id or item.pk
    return (Item.objects.filter(pk=root) | Item.objects.filter(series_id=root)).order_by("-version").first()


# --- the schedule of regular business -----------------------------------------------------------


@transaction.atomic
def schedule_create(*, actor: Actor, community: AreaNode | int, kind: str, title: str, cadence: str,
                    starts_on: dt.date | None = None, owner=None) -> Schedule:
    """Regular business a community publishes every month, quarter, half year or year."""
    from ..models import ScheduleCadence

    node = _community(actor, community, "disclosure.compose")
    _check_choice(kind, ItemKind, "kind")
    _check_choice(cadence, ScheduleCadence, "cadence")
    title, _body = _check_text(title, "")
    schedule = Schedule(community=node, kind=kind, title=title, cadence=cadence, owner=owner,
                        starts_on=starts_on or timezone.localdate())
    audit.save(actor=actor, obj=schedule, action="disclosure.schedule.create",
               fields=["community", "kind", "title", "cadence", "owner", "starts_on"])
    return schedule


def _slot_title(schedule: Schedule, start: dt.date, end: dt.date) -> str:
    from ..models import ScheduleCadence

    if schedule.cadence == ScheduleCadence.MONTHLY:
        label = f"{start.year}年{start.month}月"
    elif schedule.cadence == ScheduleCadence.QUARTERLY:
        label = f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    elif schedule.cadence == ScheduleCadence.HALF_YEARLY:
        label = f"{start.year}年{'上' if start.month <= 6 else '下'}半年"
    else:
        label = f"{start.year}年"
    return f"{label}{schedule.title}"[:TITLE_LIMIT]


@transaction.atomic
def schedule_plan(*, actor: Actor, today: dt.date | None = None, community: AreaNode | None = None) -> int:
    """Create the planned items of every active schedule, from its start up to the regular rule's
    `periods_ahead` periods after today (idempotent: a slot's reference is "schedule:<id>:<from>").
    Returns how many were created."""
    permissions.require(actor, "disclosure.plan")
    today = today or timezone.localdate()
    schedules = Schedule.objects.filter(is_active=True).select_related("community")
    if community is not None:
        schedules = schedules.filter(community=community)
    created = 0
    rules_cache: dict[str, dict] = {}
    for schedule in schedules:
        district_path = schedule.community.path[: AreaNode.steplen]
        rules = rules_cache.setdefault(district_path, timing.rules_for(schedule.community))
        rule = rules[Timing.REGULAR]
        step = timing.STEP_MONTHS[schedule.cadence]
        until = today
        for _n in range(max(rule.periods_ahead, 0)):
            until = timing.period_of(schedule.cadence, until)[1] + dt.timedelta(days=1)
        until = min(until, today + dt.timedelta(days=31 * step * max(rule.periods_ahead, 1)))
        existing = set(Item.objects.filter(community=schedule.community, reference__startswith=f"schedule:{schedule.pk}:")
                       .values_list("reference", flat=True))
        new = []
        for start, end in timing.periods(schedule.cadence, schedule.starts_on, until):
            reference = f"schedule:{schedule.pk}:{start.isoformat()}"
            if reference in existing:
                continue
            trigger = timing.period_trigger(end)
            new.append(Item(community=schedule.community, kind=schedule.kind, timing=Timing.REGULAR,
                            title=_slot_title(schedule, start, end), state=ItemState.PLANNED, trigger_at=trigger,
                            period_start=start, period_end=end, due_at=timing.due_at(rule, trigger),
                            owner=schedule.owner, reference=reference))
        if new:
            Item.objects.bulk_create(new)
            created += len(new)
            audit.record(actor=actor, action="disclosure.schedule.plan", obj=schedule,
                         after={"planned": [i.reference for i in new]})
    return created


# --- the door for other apps ----------------------------------------------------------------------


@transaction.atomic
def publish_from_programme(*, actor: Actor, community: AreaNode | int, title: str, body: str,
                           timing: str = Timing.MAJOR, reference: str, kind: str = ItemKind.AFFAIRS,
                           trigger_at: dt.datetime | None = None, attachments: Sequence[UploadedFile] = (),
                           allowed_names: Iterable[str] = ()) -> Item:
    """Publish what another programme decided (a deliberation's resolution and its vote figures) as a
    事务 item of `community`, at once. For the deliberation app:

        from gongzhi.disclosure.services.items import publish_from_programme
        item = publish_from_programme(actor=actor, community=topic.community, title="…", body="…",
                                      timing="major", reference=f"topic:{topic.pk}")

    - `actor` must be allowed "disclosure.publish" on the community (its staff; or a SystemActor).
    - `timing`: one of `Timing` ("major" — due one working day after `trigger_at`, the decision
      time, default now — is the usual one for a resolution).
    - Idempotent per (`community`, `reference`): called again with the same reference it returns
      the current published version of that item and changes nothing (a changed result is a
      correction: call `item_correct`).
    - Refused (InvalidInput on "title"/"body") when the text holds an ID number, a mobile number or
      the name of a private resident; Forbidden / NotFound like every service.
    - `attachments`: uploaded files, documents and images only (checked by their first bytes).
    Returns the published `Item`.
    """
    reference = (reference or "").strip()
    if not reference:
        message = _("This field is required.")
        raise InvalidInput(message, fields={"reference": [message]})
    node = _community(actor, community, "disclosure.publish")
    existing = Item.objects.filter(community=node, reference=reference, version=1).first()
    if existing is not None:
        current = current_version(existing)
        if current.state in (ItemState.PUBLISHED, ItemState.SUPERSEDED):
            return current
        return item_publish(actor=actor, item=current, allowed_names=allowed_names)
    try:
        with transaction.atomic():
            item = item_create(actor=actor, community=node, kind=kind, timing_type=timing, title=title, body=body,
                               trigger_at=trigger_at, reference=reference, attachments=attachments)
    except IntegrityError as exc:  # a concurrent call with the same reference won
        raise Conflict(_("This result is being published already."), code="conflict") from exc
    return item_publish(actor=actor, item=item, allowed_names=allowed_names)


@transaction.atomic
def item_attach(*, actor: Actor, item: Item | int, files: Sequence[UploadedFile]) -> list[ItemAttachment]:
    """Attach documents or images to a planned slot or a draft (a published item changes only by a
    correction)."""
    row = lock_visible(Item, actor=actor, pk=item.pk if isinstance(item, Item) else item)
    permissions.require(actor, "disclosure.compose", row)
    if row.state not in (ItemState.PLANNED, ItemState.DRAFT):
        raise Conflict(_("A published notice changes only by a correction."), code="invalid_transition")
    if not files:
        message = _("Choose a file.")
        raise InvalidInput(message, fields={"attachments": [message]})
    rows = attach(ItemAttachment, files=files, kinds=check_files(files), item=row)
    audit.record(actor=actor, action="disclosure.item.attach", obj=row, after={"attachments": [a.name for a in rows]})
    return rows
