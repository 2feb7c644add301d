"""The residents' supervision committee (监督委员会, role `supervision` bound to its community)
watches each resolution being carried out: it raises rectifications (限期整改) with an owner — one of
the resolution's owners — and a deadline; the owner (or the area's staff) says what was done; the
committee accepts it or sends it back (`RECTIFICATION_WORKFLOW`); late ones are flagged once by the
worker. Once carried out and with nothing left to rectify, the committee signs the resolution off
with its opinion, or reopens it; after the sign-off the area's staff mark the topic carried out."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import (
    Rectification,
    RectificationState,
    Resolution,
    ResolutionOwner,
    ResolutionState,
    Topic,
    TopicState,
)
from ..workflow import RECTIFICATION_WORKFLOW, RESOLUTION_WORKFLOW, TOPIC_WORKFLOW
from .resolutions import _text, area_staff, committee_members, owner_accounts, resolution_url

UNSETTLED = (RectificationState.OPEN, RectificationState.DONE)


def _field(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


@transaction.atomic
def rectification_raise(*, actor: Actor, resolution: Resolution | int, problem: str, owner: ResolutionOwner | int | None,
                        deadline: dt.date | None) -> Rectification:
    """The committee finds a problem: who of the resolution's owners rectifies it, by when. The
    owner's accounts and the area's staff are told."""
    row = lock_visible(Resolution, actor=actor, pk=_pk(resolution))
    permissions.require(actor, "deliberation.supervise", row)
    if row.topic.state == TopicState.IMPLEMENTED:
        raise Conflict(_("The topic is closed as carried out."), code="topic_closed")
    problem = _text(problem, "problem")
    chosen = None
    if owner is not None:
        chosen = row.owners.filter(pk=_pk(owner)).first()
    if chosen is None:
        raise _field("owner", _("Choose who rectifies it among the resolution's owners."))
    if deadline is None:
        raise _field("deadline", _("Give a deadline."))
    if deadline < timezone.localdate():
        raise _field("deadline", _("The deadline cannot lie in the past."))
    made = Rectification.objects.create(
        resolution=row, problem=problem, owner=chosen.user, owner_name=chosen.name, deadline=deadline,
        raised_by=actor_user(actor),
    )
    audit.record(actor=actor, action="deliberation.rectification.create", obj=made,
                 after={"problem": problem, "owner_name": chosen.name, "deadline": deadline, "resolution": row.pk})
    recipients = [*owner_accounts(row, [chosen]), *area_staff(row)]
    title = _("The supervision committee asks for a rectification by %(deadline)s") % {"deadline": deadline.isoformat()}
    transaction.on_commit(lambda: notify(recipients=recipients, kind="deliberation.rectification_raised", obj=made,
                                         url=resolution_url(row), title=title, body=problem[:300]))
    return made


@transaction.atomic
def rectification_respond(*, actor: Actor, rectification: Rectification | int, response: str) -> Rectification:
    """The owner (or the area's staff) says what was done; the committee is told to check it."""
    response = _text(response, "response")

    def update(row: Rectification) -> list[str]:
        row.response, row.done_at = response, timezone.now()
        return ["response", "done_at"]

    def tell(row: Rectification) -> None:
        notify(recipients=committee_members(row.resolution), kind="deliberation.rectification_answered", obj=row,
               url=resolution_url(row.resolution_id),
               title=_("A rectification is reported done, to check: %(problem)s") % {"problem": row.problem[:80]},
               body=response[:300])

    return apply_transition(RECTIFICATION_WORKFLOW, actor=actor, obj=_pk(rectification), action="respond",
                            update=update, note=response[:200], notify=tell)


@transaction.atomic
def rectification_accept(*, actor: Actor, rectification: Rectification | int, note: str = "") -> Rectification:
    note = _text(note, "note", required=False)

    def update(row: Rectification) -> list[str]:
        row.closed_at = timezone.now()
        return ["closed_at"]

    return apply_transition(RECTIFICATION_WORKFLOW, actor=actor, obj=_pk(rectification), action="accept",
                            update=update, note=note)


@transaction.atomic
def rectification_reject(*, actor: Actor, rectification: Rectification | int, reason: str,
                         deadline: dt.date | None = None) -> Rectification:
    """Not rectified yet: open again with the reason (and a new deadline, when given); the owner is
    told."""
    reason = _text(reason, "reason", 300)
    if deadline is not None and deadline < timezone.localdate():
        raise _field("deadline", _("The deadline cannot lie in the past."))

    def update(row: Rectification) -> list[str]:
        row.done_at, row.late_flagged_at = None, None
        fields = ["done_at", "late_flagged_at"]
        if deadline is not None:
            row.deadline = deadline
            fields.append("deadline")
        return fields

    def tell(row: Rectification) -> None:
        owners = row.resolution.owners.filter(name=row.owner_name)
        notify(recipients=[*owner_accounts(row.resolution, owners), *area_staff(row.resolution)],
               kind="deliberation.rectification_raised", obj=row, url=resolution_url(row.resolution_id),
               title=_("The supervision committee says it is not yet rectified: %(problem)s") % {"problem": row.problem[:80]},
               body=reason)

    return apply_transition(RECTIFICATION_WORKFLOW, actor=actor, obj=_pk(rectification), action="reject",
                            update=update, note=reason, notify=tell)


@transaction.atomic
def resolution_sign_off(*, actor: Actor, resolution: Resolution | int, opinion: str) -> Resolution:
    """The committee signs a carried-out resolution off with its opinion; nothing may be left to
    rectify. The area's staff are told, to mark the topic carried out."""
    opinion = _text(opinion, "opinion")

    def guard(row: Resolution) -> None:
        if row.signed_off_at is not None:
            raise Conflict(_("The resolution is already signed off."), code="signed_off")
        left = row.rectifications.filter(state__in=UNSETTLED).count()
        if left and row.state == ResolutionState.DONE:
            raise Conflict(_("%(n)d rectification(s) not accepted yet.") % {"n": left}, code="rectifications_open")

    def update(row: Resolution) -> list[str]:
        row.signed_off_at, row.signed_off_by, row.sign_off_note = timezone.now(), actor_user(actor), opinion
        return ["signed_off_at", "signed_off_by", "sign_off_note"]

    def tell(row: Resolution) -> None:
        notify(recipients=area_staff(row), kind="deliberation.resolution_signed_off", obj=row, url=resolution_url(row),
               title=_("The supervision committee signed a resolution off: %(text)s") % {"text": row.text[:80]},
               body=opinion[:300])

    return apply_transition(RESOLUTION_WORKFLOW, actor=actor, obj=_pk(resolution), action="sign_off", guard=guard,
                            update=update, note=opinion[:200], notify=tell)


@transaction.atomic
def resolution_reopen(*, actor: Actor, resolution: Resolution | int, reason: str) -> Resolution:
    """Not carried out after all (the committee): back to being carried out, the sign-off cleared;
    not once the topic is closed as carried out."""
    reason = _text(reason, "reason", 300)

    def guard(row: Resolution) -> None:
        if row.topic.state == TopicState.IMPLEMENTED:
            raise Conflict(_("The topic is closed as carried out."), code="topic_closed")

    def update(row: Resolution) -> list[str]:
        row.signed_off_at, row.signed_off_by, row.sign_off_note = None, None, ""
        return ["signed_off_at", "signed_off_by", "sign_off_note"]

    def tell(row: Resolution) -> None:
        notify(recipients=[*owner_accounts(row), *area_staff(row)], kind="deliberation.resolution_reopened", obj=row,
               url=resolution_url(row), title=_("The supervision committee reopened a resolution: %(text)s")
               % {"text": row.text[:80]}, body=reason)

    return apply_transition(RESOLUTION_WORKFLOW, actor=actor, obj=_pk(resolution), action="reopen", guard=guard,
                            update=update, note=reason, notify=tell)


@transaction.atomic
def topic_carried_out(*, actor: Actor, resolution: Resolution | int, note: str = "") -> Topic:
    """The area's staff close the topic as carried out (TOPIC_WORKFLOW "complete") once its
    resolution is carried out and signed off by the committee."""
    note = _text(note, "note", 300, required=False)
    row = lock_visible(Resolution, actor=actor, pk=_pk(resolution))
    if row.state != ResolutionState.DONE or row.signed_off_at is None:
        raise Conflict(_("The resolution must be carried out and signed off by the supervision committee first."),
                       code="not_signed_off")

    def update(topic: Topic) -> list[str]:
        topic.closed_at = timezone.now()
        return ["closed_at"]

    from .steps import _tell_followers

    return apply_transition(TOPIC_WORKFLOW, actor=actor, obj=row.topic_id, action="complete", update=update,
                            note=note or row.sign_off_note[:200], notify=_tell_followers)


def rectifications_flag_late(*, actor: Actor, today: dt.date | None = None) -> int:
    """Open rectifications past their deadline are flagged once (audited
    "deliberation.rectification.late"); the owner's accounts, the area's staff and the committee
    are told once. Returns how many were flagged."""
    permissions.require(actor, "deliberation.sweep")
    today = today or timezone.localdate()
    due = list(Rectification.objects.filter(state=RectificationState.OPEN, deadline__lt=today,
                                            late_flagged_at__isnull=True).values_list("pk", flat=True)[:5000])
    flagged = 0
    for pk in due:
        with transaction.atomic():
            row = (Rectification.objects.select_for_update()
                   .filter(pk=pk, state=RectificationState.OPEN, late_flagged_at__isnull=True)
                   .select_related("resolution__topic__area").first())
            if row is None:
                continue
            row.late_flagged_at = timezone.now()
            row.save(update_fields=["late_flagged_at"])
            audit.record(actor=actor, action="deliberation.rectification.late", obj=row,
                         before={"late_flagged_at": None},
                         after={"late_flagged_at": row.late_flagged_at, "deadline": row.deadline})
            resolution = row.resolution
            owners = resolution.owners.filter(name=row.owner_name)
            recipients = [*owner_accounts(resolution, owners), *area_staff(resolution), *committee_members(resolution)]
            title = _("A rectification is late: %(problem)s") % {"problem": row.problem[:80]}
            body = _("Deadline %(deadline)s, owner %(owner)s.") % {"deadline": row.deadline.isoformat(),
                                                                   "owner": row.owner_name}
            url = resolution_url(resolution)
            transaction.on_commit(lambda r=recipients, t=title, b=body, u=url, o=row: notify(
                recipients=r, kind="deliberation.rectification_late", obj=o, url=u, title=t, body=b))
            flagged += 1
    return flagged
