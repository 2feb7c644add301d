"""Public hearings (公开听证) on a topic: the staff of the topic's area call one (a meeting of kind
"hearing" in the topic's area, made by the meetings services so it has its notice, sign-in and
minutes), it is announced to the residents of the topic's scope, anyone signed in registers before
the deadline while seats remain (saying whether they wish to speak and whom they speak for), staff
register others by name and phone, a registration can be cancelled (its seat frees), the speakers'
list is the order of those who asked to speak up to the limit (the rest wait) and staff may reorder
it, the staff record each view at the hearing, and afterwards the record of views (a PDF) is
attached to the topic and can be the outcome of a step.

Every write locks the hearing's row first: the last seat goes to one person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.pii import is_phone, redact
from gongzhi.core.workflow import lock_visible
from gongzhi.meetings.models import Attendance, MeetingKind, MeetingState, MemberRole, Minutes
from gongzhi.meetings.services import meetings as meeting_services
from gongzhi.meetings.services import minutes as minutes_services
from gongzhi.meetings.services import sessions

from ..hearings_selectors import active_registrations
from ..models import (
    Hearing,
    HearingRegistration,
    HearingView,
    Topic,
    TopicDocument,
    TopicState,
    ViewPosition,
)
from .steps import StepOutcome, current_step, step_complete

HEARING_FIELDS = ["topic", "meeting", "registration_closes_at", "seats", "speakers_limit", "minutes_per_speaker"]
OPEN_TOPIC_STATES = (TopicState.PROPOSED, TopicState.IN_PROGRESS, TopicState.RESOLVED)


def hearing_url(hearing: Hearing | int) -> str:
    return f"/deliberation/hearings/{getattr(hearing, 'pk', hearing)}/"


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _text(value: str | None, field: str, *, limit: int, required: str = "") -> str:
    """The text stripped; refused on its field with `required` (the message) when empty, or when too long."""
    value = (value or "").strip()
    if required and not value:
        raise _refuse(field, required)
    if len(value) > limit:
        raise _refuse(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def _whole(value, field: str, *, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise _refuse(field, _("Enter a whole number.")) from exc
    if number < low or number > high:
        raise _refuse(field, _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return number


def _aware(value: dt.datetime | None, field: str) -> dt.datetime:
    if value is None:
        raise _refuse(field, _("Give the date and time."))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def residents_of(node) -> list:
    """The accounts linked to living persons of the registry in households under `node`."""
    from gongzhi.residents.models import Person, PersonStatus

    User = get_user_model()
    linked = Person.objects.filter(
        status=PersonStatus.LIVING, user__isnull=False, household__path__startswith=node.path
    ).values("user_id")
    return list(User.objects.filter(pk__in=linked, is_active=True))


def _announce(hearing: Hearing) -> None:
    """The announcement in the inbox of every resident of the topic's scope (one bulk write, after
    the commit)."""
    hearing = Hearing.objects.select_related("topic__area", "meeting").get(pk=hearing.pk)
    when = timezone.localtime(hearing.meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    closes = timezone.localtime(hearing.registration_closes_at).strftime("%Y-%m-%d %H:%M")
    notify(
        recipients=residents_of(hearing.topic.area),
        title=_("Public hearing: %(title)s") % {"title": hearing.topic.title},
        body=_("%(when)s at %(place)s. Register by %(closes)s; %(seats)d seats.") % {
            "when": when, "place": hearing.meeting.location, "closes": closes, "seats": hearing.seats,
        },
        url=hearing_url(hearing), obj=hearing, kind="deliberation.hearing_called",
    )


@transaction.atomic
def hearing_call(
    *,
    actor: Actor,
    topic: Topic,
    starts_at: dt.datetime | None,
    location: str,
    registration_closes_at: dt.datetime | None,
    seats: int | str | None = 50,
    speakers_limit: int | str | None = 10,
    minutes_per_speaker: int | str | None = 5,
    title: str = "",
) -> Hearing:
    """Call a public hearing on `topic` (the staff of its area): a meeting of kind "hearing" in the
    topic's area, announced to the residents of the topic's scope after the commit."""
    topic = lock_visible(Topic, actor=actor, pk=topic.pk)
    permissions.require(actor, "deliberation.hold_hearing", topic)
    if topic.state not in OPEN_TOPIC_STATES:
        raise Conflict(_("The topic is closed (%(state)s): no hearing can be called on it.")
                       % {"state": topic.get_state_display()}, code="topic_closed")
    now = timezone.now()
    starts_at = _aware(starts_at, "starts_at")
    if starts_at <= now:
        raise _refuse("starts_at", _("The hearing must be in the future."))
    closes = _aware(registration_closes_at, "registration_closes_at")
    if closes <= now:
        raise _refuse("registration_closes_at", _("The registration deadline must be in the future."))
    if closes > starts_at:
        raise _refuse("registration_closes_at", _("Registration must close before the hearing starts."))
    location = _text(location, "location", limit=200, required=_("Give the place of the hearing."))
    seats = _whole(seats, "seats", low=1, high=2000)
    speakers = _whole(speakers_limit, "speakers_limit", low=1, high=200)
    if speakers > seats:
        raise _refuse("speakers_limit", _("There cannot be more speakers than seats."))
    minutes = _whole(minutes_per_speaker, "minutes_per_speaker", low=1, high=60)
    title = (title or "").strip() or _("Public hearing: %(title)s") % {"title": topic.title}
    meeting = meeting_services.meeting_create(
        actor=actor, title=title[:200], starts_at=starts_at, area=topic.area, kind=MeetingKind.HEARING,
        location=location, agenda=[{"title": topic.title[:200], "reference": f"topic:{topic.pk}"}],
    )
    hearing = Hearing(topic=topic, meeting=meeting, registration_closes_at=closes, seats=seats,
                      speakers_limit=speakers, minutes_per_speaker=minutes)
    audit.save(actor=actor, obj=hearing, action="deliberation.hearing.call", fields=HEARING_FIELDS)
    transaction.on_commit(lambda: _announce(hearing))
    return hearing


# --- registration --------------------------------------------------------------------------------


def _lock(actor: Actor, hearing: Hearing | int) -> Hearing:
    """The hearing's row locked for the rest of the transaction, if the actor may see it."""
    row = lock_visible(Hearing, actor=actor, pk=getattr(hearing, "pk", hearing))
    return Hearing.objects.select_related("topic__area", "meeting").get(pk=row.pk)


def describe_registration(row: HearingRegistration) -> dict:
    return {"name": row.name, "affiliation": row.affiliation, "phone": row.phone_masked,
            "wants_to_speak": row.wants_to_speak, "speaking_order": row.speaking_order, "user": row.user_id}


def _open_for_registration(hearing: Hearing, now: dt.datetime) -> None:
    if hearing.meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("The hearing was cancelled."), code="hearing_cancelled")
    if now >= hearing.registration_closes_at:
        closes = timezone.localtime(hearing.registration_closes_at).strftime("%Y-%m-%d %H:%M")
        raise Conflict(_("Registration closed on %(when)s.") % {"when": closes}, code="registration_closed")


def _name_of(user) -> str:
    """The account's display name, else the name of the resident it is linked to in the registry."""
    from gongzhi.residents.models import Person, PersonStatus

    linked = Person.objects.filter(user=user, status=PersonStatus.LIVING).values_list("name", flat=True).first()
    return getattr(user, "display_name", "") or linked or user.get_full_name() or user.username


@transaction.atomic
def hearing_register(
    *,
    actor: Actor,
    hearing: Hearing | int,
    wants_to_speak: bool = False,
    affiliation: str = "",
    name: str = "",
    phone: str = "",
    on_behalf: bool = False,
) -> HearingRegistration:
    """Register for a hearing: the actor themself (their account's name and phone), or, when the
    staff register someone else (`on_behalf`), that person by name and phone. Refused after the
    deadline, when no seat is left, and twice for the same account."""
    hearing = _lock(actor, hearing)
    permissions.require(actor, "deliberation.register", hearing)
    now = timezone.now()
    _open_for_registration(hearing, now)
    affiliation = _text(affiliation, "affiliation", limit=100)
    user = None
    if on_behalf:
        permissions.require(actor, "deliberation.hold_hearing", hearing)
        name = _text(name, "name", limit=50, required=_("Give the name of the person you register."))
        phone = _text(phone, "phone", limit=20, required=_("Give their phone number, to tell them of any change."))
        phone = meeting_services.checked_phone(phone)
        if any(r.phone == phone for r in active_registrations(hearing).filter(user__isnull=True).only("phone")):
            message = _("Someone with this phone number is already registered for this hearing.")
            raise Conflict(message, code="already_registered", fields={"phone": [message]})
    else:
        user = actor_user(actor)
        if user is None:
            raise _refuse("name", _("Sign in to register."))
        if active_registrations(hearing).filter(user=user).exists():
            raise Conflict(_("You are already registered for this hearing."), code="already_registered")
        name = _name_of(user)[:50]
        phone = getattr(user, "phone", "") or ""
        phone = phone if is_phone(phone) else ""
    taken = active_registrations(hearing).count()
    if taken >= hearing.seats:
        raise Conflict(_("No seats are left for this hearing (%(seats)d taken).") % {"seats": hearing.seats},
                       code="no_seats")
    order = None
    if wants_to_speak:
        last = (active_registrations(hearing).filter(wants_to_speak=True).order_by("-speaking_order")
                .values_list("speaking_order", flat=True).first())
        order = (last or 0) + 1
    row = HearingRegistration(hearing=hearing, user=user, name=name, affiliation=affiliation, phone=phone,
                              wants_to_speak=bool(wants_to_speak), speaking_order=order)
    row.fill_personal_copies()
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a second request of the same account that slipped past the check
        raise Conflict(_("You are already registered for this hearing."), code="already_registered") from exc
    if user is not None and not Attendance.objects.filter(meeting=hearing.meeting, user=user).exists():
        # On the meeting's list too: the notice reaches them and they sign in at the door.
        meeting_services.invite_guest(actor=actor, meeting=hearing.meeting, guest={
            "user": user, "name": name, "organization": affiliation, "capacity": MemberRole.OBSERVER,
            "counts_for_quorum": False})
    audit.record(actor=actor, action="deliberation.hearing.register", obj=row, after=describe_registration(row))
    return row


@transaction.atomic
def registration_cancel(*, actor: Actor, registration: HearingRegistration | int) -> HearingRegistration:
    """Cancel a registration (the person themself, or the staff of the area): the seat frees and, if
    they were to speak, the first of the waiting list moves up."""
    pk = getattr(registration, "pk", registration)
    found = HearingRegistration.objects.visible_to(actor).filter(pk=pk).values_list("hearing_id", flat=True).first()
    if found is None:
        raise NotFound()
    hearing = _lock(actor, found)
    row = HearingRegistration.objects.select_for_update().get(pk=pk)
    user = actor_user(actor)
    if not (user is not None and row.user_id == user.pk):
        permissions.require(actor, "deliberation.hold_hearing", hearing)
    if row.cancelled_at is not None:
        raise Conflict(_("This registration is already cancelled."), code="already_cancelled")
    if hearing.meeting.starts_at <= timezone.now():
        raise Conflict(_("The hearing has started: registrations can no longer be cancelled."), code="hearing_started")
    before = describe_registration(row)
    row.cancelled_at = timezone.now()
    row.save(update_fields=["cancelled_at"])
    if row.user_id:
        Attendance.objects.filter(meeting=hearing.meeting, user_id=row.user_id, capacity=MemberRole.OBSERVER,
                                  signed_in_at__isnull=True).delete()
    audit.record(actor=actor, action="deliberation.hearing.cancel_registration", obj=row, before=before,
                 after={"cancelled_at": row.cancelled_at})
    return row


@transaction.atomic
def registration_reveal_phone(*, actor: Actor, registration: HearingRegistration, reason: str = "") -> str:
    """The full phone number of a registered person, for the staff the gate lets see it; every
    reveal is an audit event (who, why — never the number)."""
    found = HearingRegistration.objects.visible_to(actor).select_related("hearing__topic__area").filter(
        pk=registration.pk).first()
    if found is None:
        raise NotFound()
    permissions.require(actor, "deliberation.reveal_phone", found)
    audit.record(actor=actor, action="deliberation.hearing.reveal_phone", obj=found, after={"fields": ["phone"]},
                 note=redact((reason or "").strip())[:500])
    return found.phone


# --- the speakers' list --------------------------------------------------------------------------


@transaction.atomic
def speakers_reorder(*, actor: Actor, hearing: Hearing | int, order: Sequence[int]) -> list[HearingRegistration]:
    """Put the speakers' list (with its waiting list) in the order of registration ids given: every
    one who asked to speak, each once."""
    hearing = _lock(actor, hearing)
    permissions.require(actor, "deliberation.hold_hearing", hearing)
    asked = {r.pk: r for r in active_registrations(hearing).filter(wants_to_speak=True).select_for_update()}
    try:
        ids = [int(pk) for pk in order]
    except (TypeError, ValueError) as exc:
        raise _refuse("order", _("Give the speakers by their registration numbers.")) from exc
    if len(ids) != len(set(ids)) or set(ids) != set(asked):
        raise _refuse("order", _("List every person who asked to speak, each once."))
    before = [r.pk for r in sorted(asked.values(), key=lambda r: (r.speaking_order or 0, r.registered_at, r.pk))]
    for position, pk in enumerate(ids, start=1):
        row = asked[pk]
        if row.speaking_order != position:
            row.speaking_order = position
            row.save(update_fields=["speaking_order"])
    audit.record(actor=actor, action="deliberation.hearing.reorder", obj=hearing, before={"order": before},
                 after={"order": ids})
    return [asked[pk] for pk in ids]


# --- the record of views -------------------------------------------------------------------------


@transaction.atomic
def view_record(
    *,
    actor: Actor,
    hearing: Hearing | int,
    text: str,
    position: str = ViewPosition.OTHER,
    speaker: str = "",
    registration: HearingRegistration | int | None = None,
) -> HearingView:
    """Record a view put at the hearing: by a registered speaker (named as registered unless the
    minute says otherwise) or from the floor (the speaker as minuted)."""
    hearing = _lock(actor, hearing)
    permissions.require(actor, "deliberation.hold_hearing", hearing)
    if hearing.meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("The hearing was cancelled."), code="hearing_cancelled")
    if hearing.meeting.starts_at > timezone.now():
        raise Conflict(_("The hearing has not started yet: views are recorded at the hearing."), code="not_started")
    text = _text(text, "text", limit=5000, required=_("Write the view as it was put."))
    if position not in ViewPosition.values:
        raise _refuse("position", _("Choose for, against or another view."))
    row = None
    if registration not in (None, ""):
        row = active_registrations(hearing).filter(pk=getattr(registration, "pk", registration)).first()
        if row is None:
            raise _refuse("registration", _("This person is not registered for this hearing."))
    speaker = (speaker or "").strip()
    if not speaker and row is not None:
        speaker = f"{row.affiliation} {row.name}".strip()
    speaker = _text(speaker, "speaker", limit=100, required=_("Say who put the view, as minuted."))
    view = HearingView(hearing=hearing, registration=row, speaker=speaker, position=position, text=text,
                       recorded_by=actor_user(actor))
    audit.save(actor=actor, obj=view, action="deliberation.hearing.record_view",
               fields=["speaker", "position", "text", "registration"])
    return view


def outcome_of(hearing: Hearing) -> StepOutcome:
    """The hearing as the outcome of a step of its topic: the views counted in words, with its
    meeting (once held)."""
    views = list(hearing.views.all())
    counts = {p: sum(1 for v in views if v.position == p) for p in ViewPosition.values}
    text = _("Public hearing on %(when)s: %(n)d views recorded (for %(for)d, against %(against)d, other %(other)d).") % {
        "when": timezone.localtime(hearing.meeting.starts_at).strftime("%Y-%m-%d"), "n": len(views),
        "for": counts[ViewPosition.FOR], "against": counts[ViewPosition.AGAINST], "other": counts[ViewPosition.OTHER],
    }
    meeting = hearing.meeting if hearing.meeting.state == MeetingState.HELD else None
    return StepOutcome(outcome=text, meeting=meeting, extra={"hearing": hearing.pk})


def record_text(hearing: Hearing) -> str:
    """The record of views as plain text (the hearing's minutes)."""
    lines = [outcome_of(hearing).outcome, ""]
    for n, view in enumerate(hearing.views.order_by("recorded_at", "id"), start=1):
        lines.append(f"{n}. {view.speaker}（{view.get_position_display()}）：{view.text}")
    return "\n".join(lines)


@transaction.atomic
def record_attach(*, actor: Actor, hearing: Hearing | int) -> TopicDocument:
    """After the hearing: record it as held (the meetings' record) and attach the record of views
    (PDF, without phone numbers) to the topic, at the step the topic is at."""
    from .. import hearings_pdf

    hearing = _lock(actor, hearing)
    permissions.require(actor, "deliberation.hold_hearing", hearing)
    if hearing.meeting.state == MeetingState.CANCELLED:
        raise Conflict(_("The hearing was cancelled."), code="hearing_cancelled")
    if hearing.meeting.starts_at > timezone.now():
        raise Conflict(_("The hearing has not taken place yet."), code="not_started")
    if not hearing.views.exists():
        raise Conflict(_("No view has been recorded yet."), code="no_views")
    if hearing.meeting.state in (MeetingState.PLANNED, MeetingState.NOTIFIED):
        sessions.meeting_record(actor=actor, meeting=hearing.meeting.pk)
    elif hearing.meeting.state == MeetingState.IN_SESSION:
        sessions.meeting_close(actor=actor, meeting=hearing.meeting.pk)
    hearing.meeting.refresh_from_db()
    if not Minutes.objects.filter(meeting=hearing.meeting).exists():
        # The hearing's minutes are its record of views (the staff may write on from there).
        minutes_services.minutes_write(actor=actor, meeting=hearing.meeting.pk,
                                       text=record_text(hearing)[: minutes_services.TEXT_LIMIT])
    content = hearings_pdf.record_pdf(hearing=hearing)
    name = _("Record of views of the hearing %(date)s.pdf") % {
        "date": timezone.localtime(hearing.meeting.starts_at).strftime("%Y-%m-%d")}
    document = TopicDocument(topic=hearing.topic, step=current_step(hearing.topic), name=name[:200],
                             content_type="application/pdf", size=len(content), is_public=True,
                             uploaded_by=actor_user(actor))
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    audit.record(actor=actor, action="deliberation.hearing.attach_record", obj=hearing,
                 after={"document": document.pk, "name": document.name})
    return document


def hearing_step_complete(*, actor: Actor, hearing: Hearing | int) -> Topic:
    """Complete the step the hearing's topic is at with the hearing as its outcome (the views
    counted in words, the hearing's meeting once held with its minutes); the path engine decides
    whether that is what the step must produce."""
    hearing = Hearing.objects.visible_to(actor).select_related("meeting", "topic").filter(
        pk=getattr(hearing, "pk", hearing)).first()
    if hearing is None:
        raise NotFound()
    permissions.require(actor, "deliberation.hold_hearing", hearing)
    if not hearing.views.exists():
        raise Conflict(_("No view has been recorded yet."), code="no_views")
    return step_complete(actor=actor, topic=hearing.topic_id, given=outcome_of(hearing))
