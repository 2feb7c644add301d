"""Carrying a resolution out (like Decidim's accountability): who owns it, its plan (budget in fen,
deadline), milestones with due dates, money spent (in fen, never floats), progress reports with a
percentage and photos (checked by their first bytes), done and reopened (`RESOLUTION_WORKFLOW`);
overdue milestones flagged once by the worker.

The resolution itself is created by the path engine when the vote step passes
(`steps._resolution_for`). Owners are units, departments, accounts or named organisations; the
public page shows units, departments and roles, never a private person's name.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode, Department, Unit
from gongzhi.core import audit, components, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition, lock_visible

from .. import permissions as deliberation_permissions
from ..models import (
    Milestone,
    Resolution,
    ResolutionOwner,
    ResolutionPhoto,
    ResolutionState,
    ResolutionUpdate,
    Spending,
    document_storage_name,
)
from ..workflow import RESOLUTION_WORKFLOW

User = get_user_model()

TEXT_LIMIT = 2000
PHOTOS_PER_REPORT = 9
# The most a single amount may be (一亿元), so a slip of the keyboard is caught.
MAX_FEN = 100_000_000 * 100

Owner = Any  # a User, a Unit, a Department or a plain name (str) of an organisation


def resolution_url(resolution: Resolution | int) -> str:
    pk = resolution.pk if isinstance(resolution, Resolution) else resolution
    return f"/deliberation/resolutions/{pk}/"


def _field(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def _text(value: str, field: str, limit: int = TEXT_LIMIT, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _field(field, _("This field is required."))
    if len(value) > limit:
        raise _field(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def fen_from_yuan(value: str, field: str = "amount") -> int:
    """An amount typed in yuan ("1234.5", "1,234.56", "¥800") as whole fen; refused with the field
    named when it is not a plain non-negative amount with at most two decimals."""
    text = (value or "").strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not text:
        raise _field(field, _("Give the amount in yuan."))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _field(field, _("Give the amount in yuan, e.g. 1280.50.")) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _field(field, _("Give the amount in yuan with at most two decimals, not negative."))
    return int(amount * 100)


def yuan(fen: int | None) -> str:
    """Fen as yuan for people: 128050 → "1,280.50"."""
    fen = int(fen or 0)
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def _amount(fen: Any, field: str, *, positive: bool) -> int:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise _field(field, _("Give the amount in fen as a whole number."))
    if fen < 0 or (positive and fen == 0):
        raise _field(field, _("An amount spent is more than zero.") if positive else _("Amounts are not negative."))
    if fen > MAX_FEN:
        raise _field(field, _("The amount is too large."))
    return fen


def _locked(actor: Actor, resolution: Resolution | int, action: str, *, implementing: bool = True) -> Resolution:
    pk = resolution.pk if isinstance(resolution, Resolution) else resolution
    row = lock_visible(Resolution, actor=actor, pk=pk)
    permissions.require(actor, action, row if action != "deliberation.steer" else row.topic)
    if implementing and row.state != ResolutionState.IMPLEMENTING:
        raise Conflict(_("The resolution is marked as carried out: reopen it to change it."), code="not_implementing")
    return row


# --- who tells whom -------------------------------------------------------------------------------


def owner_accounts(resolution: Resolution, owners: Sequence[ResolutionOwner] | None = None):
    """The accounts a resolution's owners reach: owners with accounts, the liaisons of owner units,
    the staff of owner departments (active accounts only)."""
    owners = list(resolution.owners.all()) if owners is None else list(owners)
    q = Q(pk__in=[o.user_id for o in owners if o.user_id])
    units = [o.unit_id for o in owners if o.unit_id]
    departments = [o.department_id for o in owners if o.department_id]
    if units:
        q |= Q(unit_id__in=units)
    if departments:
        q |= Q(department_id__in=departments)
    return User.objects.filter(q, is_active=True)


def area_staff(resolution: Resolution):
    """The staff bound at the resolution's topic's area or above it (community, street, district)."""
    path = resolution.topic.area.path
    above = [path[:i] for i in range(AreaNode.steplen, len(path) + 1, AreaNode.steplen)]
    return User.objects.filter(
        permissions.role_q(deliberation_permissions.MANAGER_ROLES), area_bindings__node__path__in=above,
        is_active=True,
    ).distinct()


def committee_members(resolution: Resolution):
    """The supervision committee members bound at the resolution's community (or above it)."""
    path = resolution.topic.area.path
    above = [path[:i] for i in range(AreaNode.steplen, len(path) + 1, AreaNode.steplen)]
    return User.objects.filter(
        permissions.role_q(deliberation_permissions.SUPERVISOR_ROLES), area_bindings__node__path__in=above,
        is_active=True,
    ).distinct()


# --- owners ---------------------------------------------------------------------------------------


def _user_name(user) -> str:
    return (user.display_name or user.get_full_name() or user.username)[:100]


def _owner_row(actor: Actor, resolution: Resolution, owner: Owner) -> tuple[tuple, ResolutionOwner]:
    district_path = resolution.topic.area.path[: AreaNode.steplen]
    if isinstance(owner, User):
        if not (owner.is_active and User.objects.visible_to(actor).filter(pk=owner.pk).exists()):
            raise _field("owner", _("Choose owners among the people, units and departments you can see."))
        return ("user", owner.pk), ResolutionOwner(user=owner, name=_user_name(owner))
    if isinstance(owner, Unit):
        if not (owner.area.path.startswith(district_path) and (
                resolution.topic.area.path.startswith(owner.area.path) or owner.area.path.startswith(resolution.topic.area.path)
                or Unit.objects.visible_to(actor).filter(pk=owner.pk).exists())):
            raise _field("owner", _("Choose owners among the people, units and departments you can see."))
        return ("unit", owner.pk), ResolutionOwner(unit=owner, name=owner.name[:100])
    if isinstance(owner, Department):
        if not (owner.is_active and owner.district.path == district_path):
            raise _field("owner", _("Choose a department of this district."))
        return ("department", owner.pk), ResolutionOwner(department=owner, name=owner.name[:100])
    if isinstance(owner, str):
        name = _text(owner, "owner", 100)
        return ("name", name), ResolutionOwner(name=name)
    raise _field("owner", _("Choose owners among the people, units and departments you can see."))


@transaction.atomic
def owner_add(*, actor: Actor, resolution: Resolution | int, owner: Owner) -> ResolutionOwner:
    """Name who carries the resolution out (the staff of the topic's area): an account, a unit, a
    department of the district, or an organisation by name. Each once. The new owner is told."""
    row = _locked(actor, resolution, "deliberation.steer", implementing=False)
    key, made = _owner_row(actor, row, owner)
    existing = {("user", o.user_id) if o.user_id else ("unit", o.unit_id) if o.unit_id else
                ("department", o.department_id) if o.department_id else ("name", o.name) for o in row.owners.all()}
    if key in existing:
        raise _field("owner", _("“%(name)s” already carries this resolution out.") % {"name": made.name})
    made.resolution = row
    made.save()
    audit.record(actor=actor, action="deliberation.resolution.owner_add", obj=row, after={"owner": made.name})
    me = getattr(actor_user(actor), "pk", None)
    recipients = [u for u in owner_accounts(row, [made]) if u.pk != me]
    title = _("You carry out a residents' resolution: %(text)s") % {"text": row.text[:80]}
    transaction.on_commit(lambda: notify(recipients=recipients, kind="deliberation.resolution_owner", obj=row,
                                         url=resolution_url(row), title=title, body=row.topic.title))
    return made


@transaction.atomic
def owner_remove(*, actor: Actor, resolution: Resolution | int, owner_id: int) -> None:
    row = _locked(actor, resolution, "deliberation.steer", implementing=False)
    owner = row.owners.filter(pk=owner_id).first()
    if owner is None:
        raise NotFound()
    if row.rectifications.filter(owner_name=owner.name).exclude(state="closed").exists():
        raise Conflict(_("“%(name)s” still has a rectification open.") % {"name": owner.name}, code="owner_busy")
    owner.delete()
    audit.record(actor=actor, action="deliberation.resolution.owner_remove", obj=row, before={"owner": owner.name})


# --- the plan: budget, deadline, milestones, spending ---------------------------------------------


@transaction.atomic
def resolution_plan(*, actor: Actor, resolution: Resolution | int, budget_fen: int, deadline: dt.date | None) -> Resolution:
    """Set the budget (fen) and the deadline of carrying it out."""
    row = _locked(actor, resolution, "deliberation.carry_out")
    before = audit.snapshot(row, ["budget_fen", "deadline"])
    row.budget_fen = _amount(budget_fen, "budget_fen", positive=False)
    if deadline is not None and deadline < timezone.localdate() and deadline != row.deadline:
        raise _field("deadline", _("The deadline cannot lie in the past."))
    row.deadline = deadline
    return audit.save(actor=actor, obj=row, action="deliberation.resolution.plan", fields=["budget_fen", "deadline"],
                      before=before)


@transaction.atomic
def milestone_add(*, actor: Actor, resolution: Resolution | int, title: str, due_on: dt.date | None) -> Milestone:
    row = _locked(actor, resolution, "deliberation.carry_out")
    title = _text(title, "title", 200)
    if due_on is None:
        raise _field("due_on", _("Give the date it is due."))
    if due_on < timezone.localdate():
        raise _field("due_on", _("The due date cannot lie in the past."))
    position = (row.milestones.aggregate(n=Max("position"))["n"] or 0) + 1
    milestone = Milestone.objects.create(resolution=row, position=position, title=title, due_on=due_on)
    audit.record(actor=actor, action="deliberation.milestone.create", obj=milestone,
                 after={"title": title, "due_on": due_on, "resolution": row.pk})
    return milestone


def _milestone(actor: Actor, milestone: Milestone | int) -> tuple[Resolution, Milestone]:
    pk = milestone.pk if isinstance(milestone, Milestone) else milestone
    found = Milestone.objects.visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    row = _locked(actor, found.resolution_id, "deliberation.carry_out")
    return row, Milestone.objects.select_for_update().get(pk=pk)


@transaction.atomic
def milestone_done(*, actor: Actor, milestone: Milestone | int, done_on: dt.date | None = None, note: str = "") -> Milestone:
    """The milestone is reached (today unless said otherwise; not in the future)."""
    row, milestone = _milestone(actor, milestone)
    if milestone.done_on is not None:
        raise Conflict(_("This milestone is already reached."), code="milestone_done")
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise _field("done_on", _("A milestone cannot be reached in the future."))
    before = audit.snapshot(milestone, ["done_on", "note"])
    milestone.done_on, milestone.note = done_on, _text(note, "note", 300, required=False)
    return audit.save(actor=actor, obj=milestone, action="deliberation.milestone.done", fields=["done_on", "note"],
                      before=before)


@transaction.atomic
def milestone_remove(*, actor: Actor, milestone: Milestone | int) -> None:
    row, milestone = _milestone(actor, milestone)
    if milestone.done_on is not None:
        raise Conflict(_("A milestone reached stays on the record."), code="milestone_done")
    audit.record(actor=actor, action="deliberation.milestone.remove", obj=row,
                 before={"title": milestone.title, "due_on": milestone.due_on})
    milestone.delete()


@transaction.atomic
def spending_record(*, actor: Actor, resolution: Resolution | int, amount_fen: int, spent_on: dt.date | None,
                    purpose: str) -> Spending:
    """Money spent on the resolution (fen); the resolution's total is kept equal to the sum."""
    row = _locked(actor, resolution, "deliberation.carry_out")
    amount_fen = _amount(amount_fen, "amount_fen", positive=True)
    purpose = _text(purpose, "purpose", 200)
    spent_on = spent_on or timezone.localdate()
    if spent_on > timezone.localdate():
        raise _field("spent_on", _("Money cannot be spent in the future."))
    spending = Spending.objects.create(resolution=row, amount_fen=amount_fen, spent_on=spent_on, purpose=purpose,
                                       recorded_by=actor_user(actor))
    before = row.spent_fen
    row.spent_fen = row.spendings.aggregate(total=Sum("amount_fen"))["total"] or 0
    row.save(update_fields=["spent_fen"])
    audit.record(actor=actor, action="deliberation.spending.create", obj=row,
                 before={"spent_fen": before},
                 after={"spent_fen": row.spent_fen, "amount_fen": amount_fen, "purpose": purpose, "spent_on": spent_on})
    return spending


# --- progress ---------------------------------------------------------------------------------------


def check_photos(photos: Sequence[UploadedFile]) -> list[str]:
    """The photos' content types from their first bytes, images only, each within
    DELIBERATION_PHOTO_MAX_BYTES (the meetings' check, with this programme's limits)."""
    from gongzhi.meetings.services.decisions import check_photos as check

    return check(photos, max_bytes=components.setting("DELIBERATION_PHOTO_MAX_BYTES"), most=PHOTOS_PER_REPORT)


def _progress(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _field("progress", _("Progress is a whole number from 0 to 100."))
    return value


@transaction.atomic
def progress_report(*, actor: Actor, resolution: Resolution | int, text: str, progress: int,
                    photos: Sequence[UploadedFile] = ()) -> ResolutionUpdate:
    """A progress report: what was done, the progress it reached (%), photos. Served only through
    the scoped views, and on the public page once the resolution is published."""
    text = _text(text, "text")
    progress = _progress(progress)
    kinds = check_photos(photos)
    written: list[ResolutionUpdate] = []

    def update(row: Resolution) -> list[str]:
        row.progress = progress
        return ["progress"]

    def record(row: Resolution, transition, previous: str) -> None:
        report = ResolutionUpdate.objects.create(resolution=row, author=actor_user(actor), text=text, progress=progress)
        for f, kind in zip(photos, kinds, strict=True):
            photo = ResolutionPhoto(update=report, name=f.name[:200], content_type=kind, size=f.size)
            photo.file.save(document_storage_name(photo, f"x{mimetypes.guess_extension(kind) or ''}"), f, save=False)
            photo.save()
        written.append(report)

    pk = resolution.pk if isinstance(resolution, Resolution) else resolution
    apply_transition(RESOLUTION_WORKFLOW, actor=actor, obj=pk, action="report", update=update, record=record,
                     note=text[:200])
    return written[0]


@transaction.atomic
def resolution_complete(*, actor: Actor, resolution: Resolution | int, note: str = "") -> Resolution:
    """Carried out: every milestone reached; progress becomes 100%. The supervision committee is
    told, to check it and sign it off."""
    note = _text(note, "note", required=False)

    def update(row: Resolution) -> list[str]:
        left = row.milestones.filter(done_on__isnull=True).count()
        if left:
            raise Conflict(_("%(n)d milestone(s) not reached yet.") % {"n": left}, code="milestones_open")
        row.progress = 100
        return ["progress"]

    def tell(row: Resolution) -> None:
        notify(recipients=committee_members(row), kind="deliberation.resolution_done", obj=row, url=resolution_url(row),
               title=_("A resolution is carried out, to check and sign off: %(text)s") % {"text": row.text[:80]},
               body=row.topic.title)

    pk = resolution.pk if isinstance(resolution, Resolution) else resolution
    return apply_transition(RESOLUTION_WORKFLOW, actor=actor, obj=pk, action="complete", update=update, note=note,
                            notify=tell)


# --- overdue --------------------------------------------------------------------------------------


def milestones_flag_overdue(*, actor: Actor, today: dt.date | None = None) -> int:
    """Milestones past their due date and not reached are flagged once (audited
    "deliberation.milestone.overdue"); the owners and the area's staff are told once. Returns how
    many were flagged; a second run flags nothing new."""
    permissions.require(actor, "deliberation.sweep")
    today = today or timezone.localdate()
    due = list(Milestone.objects.filter(
        done_on__isnull=True, due_on__lt=today, overdue_flagged_at__isnull=True,
        resolution__state=ResolutionState.IMPLEMENTING,
    ).values_list("pk", flat=True)[:5000])
    flagged = 0
    for pk in due:
        with transaction.atomic():
            row = (Milestone.objects.select_for_update()
                   .filter(pk=pk, done_on__isnull=True, overdue_flagged_at__isnull=True)
                   .select_related("resolution__topic__area").first())
            if row is None:
                continue
            row.overdue_flagged_at = timezone.now()
            row.save(update_fields=["overdue_flagged_at"])
            audit.record(actor=actor, action="deliberation.milestone.overdue", obj=row,
                         before={"overdue_flagged_at": None},
                         after={"overdue_flagged_at": row.overdue_flagged_at, "due_on": row.due_on})
            resolution = row.resolution
            recipients = [*owner_accounts(resolution), *area_staff(resolution)]
            title = _("A milestone is overdue: %(title)s") % {"title": row.title[:80]}
            body = _("Due %(due)s, for the resolution “%(text)s”.") % {"due": row.due_on.isoformat(),
                                                                      "text": resolution.text[:80]}
            url = resolution_url(resolution)
            transaction.on_commit(lambda r=recipients, t=title, b=body, u=url, o=row: notify(
                recipients=r, kind="deliberation.milestone_overdue", obj=o, url=u, title=t, body=b))
            flagged += 1
    return flagged
