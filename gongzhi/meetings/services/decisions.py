"""Decisions (议定事项): recorded at a meeting with their owners and a deadline, reported on with
photos, done, reopened or withdrawn (`workflow.DECISION_WORKFLOW`), flagged once when overdue; and
what they do on a case — the decision on the case's timeline, the case dispatched to the owning
department, a coordination meeting called from the case.

A decision is recorded only at a meeting that is in session or held: that is where a body decides.
A planned meeting has decided nothing yet, and a cancelled one never will; a meeting held without
the platform is first recorded as held (sessions), then its decisions are entered."""

from __future__ import annotations

import datetime as dt
import mimetypes
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Department, Unit
from gongzhi.cases.models import Case
from gongzhi.cases.services import meetings_link
from gongzhi.cases.services.attachments import sniff
from gongzhi.cases.services.transitions import case_dispatch
from gongzhi.core import audit, components, permissions, pii, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition, lock_visible

from .. import permissions as meeting_permissions
from ..models import (
    AgendaItem,
    Attendance,
    BodyMember,
    Decision,
    DecisionOwner,
    DecisionPhoto,
    DecisionState,
    DecisionUpdate,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    attachment_storage_name,
)
from ..workflow import DECISION_WORKFLOW
from .meetings import Guest, meeting_create

User = get_user_model()

TEXT_LIMIT = 2000
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic")
DECIDING_STATES = (MeetingState.IN_SESSION, MeetingState.HELD)

Owner = Any  # a User, a Unit, a Department or a plain name (str)


def _required_text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value


def _user_name(user) -> str:
    return user.display_name or user.get_full_name() or user.username


def _owner_candidates_q(meeting: Meeting) -> Q:
    """People on the meeting: its invitees and the members of its body (whoever records a decision
    may name them as owners even without an area scope over them)."""
    invited = Attendance.objects.filter(meeting=meeting, user__isnull=False).values("user_id")
    q = Q(pk__in=invited)
    if meeting.body_id:
        q |= Q(pk__in=BodyMember.objects.filter(body_id=meeting.body_id, user__isnull=False,
                                                left_on__isnull=True).values("user_id"))
    return q


def _resolve_owners(actor: Actor, meeting: Meeting, owners: Iterable[Owner]) -> list[DecisionOwner]:
    """The owners as rows (not saved): accounts the actor may see or who sit on the meeting, units
    the actor may see or of the meeting's area or body, departments of the meeting's district (or
    that the actor sees), and plain
    names. At least one; each named once."""
    rows: list[DecisionOwner] = []
    seen: set[tuple[str, Any]] = set()
    body_units = set(
        BodyMember.objects.filter(body_id=meeting.body_id, unit__isnull=False, left_on__isnull=True)
        .values_list("unit_id", flat=True)
    ) if meeting.body_id else set()
    for owner in owners:
        if isinstance(owner, User):
            visible = User.objects.visible_to(actor).filter(pk=owner.pk).exists() or \
                User.objects.filter(_owner_candidates_q(meeting), pk=owner.pk).exists()
            key, row = ("user", owner.pk), DecisionOwner(user=owner, name=_user_name(owner)[:100])
        elif isinstance(owner, Unit):
            visible = (owner.pk in body_units or owner.area.path.startswith(meeting.area.path)
                       or Unit.objects.visible_to(actor).filter(pk=owner.pk).exists())
            key, row = ("unit", owner.pk), DecisionOwner(unit=owner, name=owner.name[:100])
        elif isinstance(owner, Department):
            visible = owner.is_active and (
                owner.district.path == meeting.area.path[: AreaNode.steplen]
                or Department.objects.visible_to(actor).filter(pk=owner.pk).exists()
            )
            key, row = ("department", owner.pk), DecisionOwner(department=owner, name=owner.name[:100])
        elif isinstance(owner, str):
            name = owner.strip()
            if not name:
                continue
            if len(name) > 100:
                message = _("An owner's name has at most %(n)d characters.") % {"n": 100}
                raise InvalidInput(message, fields={"owners": [message]})
            visible, key, row = True, ("name", name), DecisionOwner(name=name)
        else:
            visible = False
        if not visible:
            message = _("Choose owners among the people, units and departments you can see.")
            raise InvalidInput(message, fields={"owners": [message]})
        if key not in seen:
            seen.add(key)
            rows.append(row)
    if not rows:
        message = _("Name at least one owner: a person, a unit or a department.")
        raise InvalidInput(message, fields={"owners": [message]})
    return rows


def owner_staff(decision: Decision):
    """The accounts a decision reaches: owners with accounts, the liaisons of owner units and the
    staff of owner departments (active accounts only)."""
    owners = list(decision.owners.all())
    q = Q(pk__in=[o.user_id for o in owners if o.user_id])
    units = [o.unit_id for o in owners if o.unit_id]
    departments = [o.department_id for o in owners if o.department_id]
    if units:
        q |= Q(unit_id__in=units)
    if departments:
        q |= Q(department_id__in=departments)
    return User.objects.filter(q, is_active=True)


def _decision_url(decision: Decision) -> str:
    from django.urls import reverse

    return reverse("meetings:decision", kwargs={"decision_id": decision.pk})


def _case_note(meeting: Meeting, text: str, owners: list[DecisionOwner], deadline: dt.date) -> str:
    values = {"text": text, "owners": "、".join(o.name for o in owners), "deadline": deadline.isoformat(),
              "meeting": meeting.title}
    if meeting.kind == MeetingKind.COORDINATION:
        return _("Coordination meeting decided: %(text)s (owners: %(owners)s; deadline: %(deadline)s)") % values
    return _("“%(meeting)s” decided: %(text)s (owners: %(owners)s; deadline: %(deadline)s)") % values


def _case_for(actor: Actor, meeting: Meeting, agenda_item: AgendaItem | None, case: Case | None) -> Case | None:
    """The case a decision is taken on: the one given, else the agenda item's, else the meeting's.
    It must be the meeting's case or on its agenda, and the actor must see it (its timeline gets
    the decision)."""
    if case is None:
        case = agenda_item.case if agenda_item is not None and agenda_item.case_id else meeting.case
    if case is None:
        return None
    on_meeting = case.pk == meeting.case_id or AgendaItem.objects.filter(meeting=meeting, case_id=case.pk).exists()
    if not on_meeting:
        message = _("The case is neither the meeting's nor on its agenda.")
        raise InvalidInput(message, fields={"case": [message]})
    if not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        message = _("You cannot see this case, so a decision cannot be recorded on it.")
        raise InvalidInput(message, fields={"case": [message]})
    return case


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    deadline: dt.date | None,
    owners: Iterable[Owner],
    agenda_item: AgendaItem | None = None,
    case: Case | None = None,
) -> Decision:
    """A decision of `meeting` (in session or held), numbered within it, with its owners and a
    deadline not in the past. A decision on a case is written on the case's timeline. Owners with
    accounts, and the staff of owner units and departments, are told after commit."""
    meeting = lock_visible(Meeting, actor=actor, pk=meeting.pk)
    permissions.require(actor, "meetings.record_decision", meeting)
    if meeting.state not in DECIDING_STATES:
        raise Conflict(_("Decisions are recorded at a meeting that is in session or has been held."),
                       code="meeting_not_in_session")
    text = _required_text(text, "text", TEXT_LIMIT)
    if deadline is None:
        raise InvalidInput(_("Give a deadline."), fields={"deadline": [_("Give a deadline.")]})
    if isinstance(deadline, dt.datetime):
        deadline = timezone.localdate(deadline) if timezone.is_aware(deadline) else deadline.date()
    if deadline < timezone.localdate():
        message = _("The deadline cannot lie in the past.")
        raise InvalidInput(message, fields={"deadline": [message]})
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        message = _("Choose an item of this meeting's agenda.")
        raise InvalidInput(message, fields={"agenda_item": [message]})
    rows = _resolve_owners(actor, meeting, owners)
    case = _case_for(actor, meeting, agenda_item, case)
    number = (Decision.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0) + 1
    decision = Decision.objects.create(
        meeting=meeting, agenda_item=agenda_item, case=case, number=number, text=text, deadline=deadline,
        created_by=actor_user(actor),
    )
    for row in rows:
        row.decision = decision
    DecisionOwner.objects.bulk_create(rows)
    audit.record(
        actor=actor, action="meetings.decision.create", obj=decision,
        after={"meeting": meeting.pk, "number": number, "text": text, "deadline": deadline,
               "owners": [r.name for r in rows], "case": case.pk if case else None,
               "agenda_item": agenda_item.pk if agenda_item else None},
    )
    if case is not None:
        meetings_link.case_note_meeting_decision(
            actor=actor, case=case, note=_case_note(meeting, text, rows, deadline),
            params={"meeting": meeting.pk, "meeting_decision": decision.pk},
        )
    me = getattr(actor_user(actor), "pk", None)

    def tell() -> None:
        recipients = [u for u in owner_staff(decision) if u.pk != me]
        notify(recipients=recipients, kind="meetings.decision_assigned", obj=decision, url=_decision_url(decision),
               title=_("A meeting decided something for you to carry out: %(text)s") % {"text": text[:80]},
               body=_("Deadline: %(deadline)s") % {"deadline": deadline.isoformat()})

    transaction.on_commit(tell)
    return decision


# --- progress ------------------------------------------------------------------------------------


def check_photos(photos: Sequence[UploadedFile], *, max_bytes: int | None = None, most: int | None = None) -> list[str]:
    """The photos' content types from their first bytes (never the name or the browser's claim);
    each problem named on its field. Limits default to the meetings settings; other programmes'
    progress photos (a resolution's) pass their own."""
    limit = max_bytes or components.setting("MEETINGS_PHOTO_MAX_BYTES")
    most = most or components.setting("MEETINGS_PHOTOS_PER_UPDATE")
    if len(photos) > most:
        message = _("At most %(n)d photos at a time.") % {"n": most}
        raise InvalidInput(message, fields={"photos": [message]})
    kinds = []
    for index, f in enumerate(photos):
        if f.size > limit:
            message = _("“%(name)s” is larger than %(mb)d MB.") % {"name": f.name, "mb": limit // (1024 * 1024)}
            raise InvalidInput(message, fields={"photos": [message], f"photos.{index}": [message]})
        f.seek(0)
        kind = sniff(f.read(16))
        f.seek(0)
        if kind not in PHOTO_TYPES:
            message = _("“%(name)s” is not a photo (JPEG, PNG, WebP or HEIC).") % {"name": f.name}
            raise InvalidInput(message, fields={"photos": [message], f"photos.{index}": [message]})
        kinds.append(kind)
    return kinds


@transaction.atomic
def decision_report(*, actor: Actor, decision: Decision, text: str, photos: Sequence[UploadedFile] = ()) -> DecisionUpdate:
    """A progress report on an open decision, with photos (served only through the scoped view)."""
    text = _required_text(text, "text", TEXT_LIMIT)
    kinds = check_photos(photos)
    written: list[DecisionUpdate] = []

    def record(row: Decision, transition, previous: str) -> None:
        update = DecisionUpdate.objects.create(decision=row, author=actor_user(actor), text=text)
        for f, kind in zip(photos, kinds, strict=True):
            photo = DecisionPhoto(update=update, name=f.name[:200], content_type=kind, size=f.size)
            photo.file.save(attachment_storage_name(photo, f"x{mimetypes.guess_extension(kind) or ''}"), f, save=False)
            photo.save()
        written.append(update)

    apply_transition(DECISION_WORKFLOW, actor=actor, obj=decision, action="report", record=record,
                     note=text[:200])
    return written[0]


@transaction.atomic
def decision_complete(*, actor: Actor, decision: Decision, note: str = "") -> Decision:
    """The decision is done (on time when done by its deadline)."""
    note = (note or "").strip()
    if len(note) > TEXT_LIMIT:
        message = _("At most %(n)d characters.") % {"n": TEXT_LIMIT}
        raise InvalidInput(message, fields={"note": [message]})

    def update(row: Decision):
        row.done_at, row.done_note = timezone.now(), note
        return ["done_at", "done_note"]

    return apply_transition(DECISION_WORKFLOW, actor=actor, obj=decision, action="complete", update=update, note=note)


@transaction.atomic
def decision_reopen(*, actor: Actor, decision: Decision, reason: str) -> Decision:
    """Not done after all: open again (the overdue flag is cleared so a new deadline miss is flagged)."""
    reason = _required_text(reason, "reason", 300)

    def update(row: Decision):
        row.done_at, row.done_note, row.overdue_flagged_at = None, "", None
        return ["done_at", "done_note", "overdue_flagged_at"]

    return apply_transition(DECISION_WORKFLOW, actor=actor, obj=decision, action="reopen", update=update, note=reason)


@transaction.atomic
def decision_withdraw(*, actor: Actor, decision: Decision, reason: str) -> Decision:
    """The body withdraws the decision (superseded, no longer needed), with a reason."""
    reason = _required_text(reason, "reason", 300)
    return apply_transition(DECISION_WORKFLOW, actor=actor, obj=decision, action="withdraw", note=reason)


# --- overdue -------------------------------------------------------------------------------------


def officers_of(meeting: Meeting):
    """The accounts holding an office (chair, secretary) of the meeting's body, or, for a meeting
    without a body, invited as chair or secretary."""
    offices = meeting_permissions.OFFICES
    if meeting.body_id:
        q = Q(body_memberships__body_id=meeting.body_id, body_memberships__capacity__in=offices,
              body_memberships__left_on__isnull=True)
    else:
        q = Q(meeting_attendances__meeting_id=meeting.pk, meeting_attendances__capacity__in=offices)
    return User.objects.filter(q, is_active=True).distinct()


def oversight_of(node: AreaNode):
    """The staff of the level above `node` (bound at its parent node), by the declared oversight roles."""
    parent = AreaNode.objects.get_parent(node)
    if parent is None:
        return User.objects.none()
    return User.objects.filter(
        permissions.role_q(meeting_permissions.OVERSIGHT_ROLES), area_bindings__node=parent, is_active=True
    ).distinct()


def flag_overdue(*, actor: Actor, today: dt.date | None = None) -> int:
    """Open decisions past their deadline are flagged once (audited "meetings.decision.overdue"),
    and the body's officers and the staff of the level above are told once. Returns how many were
    flagged; a second run flags nothing new."""
    permissions.require(actor, "meetings.flag_overdue")
    today = today or timezone.localdate()
    due = list(
        Decision.objects.filter(state=DecisionState.OPEN, deadline__lt=today, overdue_flagged_at__isnull=True)
        .values_list("pk", flat=True)[:5000]
    )
    flagged = 0
    for pk in due:
        with transaction.atomic():
            row = (Decision.objects.select_for_update()
                   .filter(pk=pk, state=DecisionState.OPEN, deadline__lt=today, overdue_flagged_at__isnull=True)
                   .select_related("meeting__area").first())
            if row is None:
                continue
            row.overdue_flagged_at = timezone.now()
            row.save(update_fields=["overdue_flagged_at"])
            audit.record(actor=actor, action="meetings.decision.overdue", obj=row,
                         before={"overdue_flagged_at": None}, after={"overdue_flagged_at": row.overdue_flagged_at,
                                                                      "deadline": row.deadline})
            meeting = row.meeting
            recipients = [*officers_of(meeting), *oversight_of(meeting.area)]
            title = _("A decision is overdue: %(text)s") % {"text": row.text[:80]}
            body = _("Deadline %(deadline)s, decided at “%(meeting)s”.") % {
                "deadline": row.deadline.isoformat(), "meeting": meeting.title}
            url = _decision_url(row)
            transaction.on_commit(lambda r=recipients, t=title, b=body, u=url, d=row: notify(
                recipients=r, kind="meetings.decision_overdue", obj=d, url=u, title=t, body=b))
            flagged += 1
    return flagged


# --- on a case -----------------------------------------------------------------------------------


@transaction.atomic
def decision_dispatch_case(*, actor: Actor, decision: Decision, department: Department) -> Case:
    """Send the decision's case to one of its owning departments, through the case pipeline's own
    dispatch (its checks apply: the actor must hold the case, the case must be dispatchable)."""
    decision = lock_visible(Decision, actor=actor, pk=decision.pk)
    if decision.case_id is None:
        raise Conflict(_("This decision was not taken on a case."), code="no_case")
    if department is None or not decision.owners.filter(department=department).exists():
        message = _("Choose a department that owns the decision.")
        raise InvalidInput(message, fields={"department": [message]})
    if decision.state != DecisionState.OPEN:
        raise Conflict(_("Only an open decision sends its case on."), code="invalid_transition")
    note = _("Decision %(n)d of “%(meeting)s”: %(text)s") % {
        "n": decision.number, "meeting": decision.meeting.title, "text": decision.text[:300]}
    case = Case.objects.visible_to(actor).filter(pk=decision.case_id).first()
    if case is None:
        raise NotFound()
    return case_dispatch(actor=actor, case=case, department=department, note=note)


def _coordination_area(actor: Actor, case: Case) -> AreaNode:
    """Where a coordination meeting on `case` belongs: the node holding the case if the actor works
    there, else the street or community of the case's location the actor works in."""
    if case.area_id and scope.covers_path(actor, case.area.path):
        return case.area
    ancestors = AreaNode.objects.filter(
        kind__in=(AreaKind.COMMUNITY, AreaKind.STREET),
        path__in=[case.location_path[:i] for i in range(AreaNode.steplen, len(case.location_path) + 1, AreaNode.steplen)],
    ).order_by("-depth")
    for node in ancestors:
        if scope.covers_path(actor, node.path):
            return node
    return case.area


@transaction.atomic
def coordination_call(
    *,
    actor: Actor,
    case: Case,
    starts_at: dt.datetime | None,
    location: str,
    parties: Iterable[Guest],
    title: str = "",
    ends_at: dt.datetime | None = None,
) -> Meeting:
    """A coordination meeting on `case` (seed 001: developer, property company, heating company and
    residents) called by a handler at street or community level: the parties by name, organisation
    and phone (people with accounts linked), a time and a place. The caller sits as its chair."""
    permissions.require(actor, "meetings.call_coordination", case)
    parties = [p for p in parties if (p.get("name") or "").strip() or p.get("user") is not None]
    if not parties:
        message = _("Invite at least one party.")
        raise InvalidInput(message, fields={"parties": [message]})
    if starts_at is not None and starts_at < timezone.now() - dt.timedelta(hours=1):
        message = _("The meeting cannot start in the past.")
        raise InvalidInput(message, fields={"starts_at": [message]})
    if not (location or "").strip():
        message = _("Give the place.")
        raise InvalidInput(message, fields={"location": [message]})
    me = actor_user(actor)
    guests: list[Guest] = []
    if me is not None and not any(p.get("user") is not None and p["user"].pk == me.pk for p in parties):
        guests.append({"user": me, "capacity": MemberRole.CHAIR, "counts_for_quorum": False,
                       "organization": _("Convener")})
    guests.extend(parties)
    # Titles may hold numbers people typed: the meeting shows them masked.
    subject = pii.redact(case.title)[:150]
    title = (title or "").strip() or _("Coordination meeting: %(case)s") % {"case": subject}
    return meeting_create(
        actor=actor, title=title, starts_at=starts_at, case=case, area=_coordination_area(actor, case),
        kind=MeetingKind.COORDINATION, location=location, ends_at=ends_at,
        agenda=[{"title": subject, "case": case}], guests=guests,
    )
