"""Reads of public hearings, scoped to the user: the hearings of a topic (for the topic's page),
the hearings of the areas a resident lives in, one hearing with its speakers' list, the user's own
registration, the registrations (staff), and the record of views (no phone numbers)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can
from gongzhi.meetings.models import MeetingState

from .models import Hearing, HearingRegistration, HearingView, StepState, Topic, TopicState, TopicStep


def active_registrations(hearing: Hearing):
    return HearingRegistration.objects.filter(hearing=hearing, cancelled_at__isnull=True)


def speakers_and_waiting(hearing: Hearing) -> tuple[list[HearingRegistration], list[HearingRegistration]]:
    """Those who asked to speak, in order: the first `speakers_limit` speak, the rest wait."""
    asked = list(active_registrations(hearing).filter(wants_to_speak=True).order_by("speaking_order", "registered_at", "id"))
    return asked[: hearing.speakers_limit], asked[hearing.speakers_limit:]


def hearings_visible(*, user) -> QuerySet:
    return Hearing.objects.visible_to(user).select_related("topic__area", "meeting")


def hearing_get(*, user, pk: int) -> Hearing:
    found = hearings_visible(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def topic_get(*, user, pk: int) -> Topic:
    found = Topic.objects.visible_to(user).select_related("area").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def upcoming_first(qs: QuerySet) -> list[Hearing]:
    """Hearings to come (soonest first), then those held (latest first)."""
    now = timezone.now()
    rows = list(qs)
    ahead = sorted((h for h in rows if h.meeting.starts_at >= now), key=lambda h: h.meeting.starts_at)
    past = sorted((h for h in rows if h.meeting.starts_at < now), key=lambda h: h.meeting.starts_at, reverse=True)
    return ahead + past


def my_registration(*, user, hearing: Hearing) -> HearingRegistration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return active_registrations(hearing).filter(user=user).first()


def seats_left(hearing: Hearing) -> int:
    return max(0, hearing.seats - active_registrations(hearing).count())


def registration_open(hearing: Hearing) -> bool:
    return hearing.meeting.state != MeetingState.CANCELLED and timezone.now() < hearing.registration_closes_at


def has_started(hearing: Hearing) -> bool:
    return hearing.meeting.starts_at <= timezone.now()


def registrations_of(*, user, hearing: Hearing) -> QuerySet:
    """Every registration (cancelled ones last), for the staff who hold the hearing; nothing for
    anyone else."""
    if not can(user, "deliberation.hold_hearing", hearing):
        return HearingRegistration.objects.none()
    return HearingRegistration.objects.visible_to(user).filter(hearing=hearing).order_by("cancelled_at", "registered_at", "id")


def registration_get(*, user, hearing: Hearing, pk: int) -> HearingRegistration:
    found = HearingRegistration.objects.visible_to(user).filter(hearing=hearing, pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def views_of(*, user, hearing: Hearing) -> QuerySet:
    return HearingView.objects.visible_to(user).filter(hearing=hearing).order_by("recorded_at", "id")


def speakers(*, user, hearing: Hearing) -> dict:
    """The speakers' list and the waiting list (names and whom they speak for, never phones)."""
    speaking, waiting = speakers_and_waiting(hearing)
    return {"speakers": speaking, "waiting": waiting}


def hearing_summary(*, user, hearing: Hearing) -> dict:
    """What a hearing's card shows to `user`."""
    mine = my_registration(user=user, hearing=hearing)
    return {
        "hearing": hearing,
        "seats_left": seats_left(hearing),
        "registration_open": registration_open(hearing),
        "started": has_started(hearing),
        "mine": mine,
        "may_hold": can(user, "deliberation.hold_hearing", hearing),
    }


def hearings_of(topic: Topic, user) -> list[dict]:
    """The hearings of a topic as its page lists them (for the topics helper's topic page, or the
    include `deliberation/hearings/_topic_panel.html`): upcoming first, each with seats left and the
    user's own registration."""
    qs = hearings_visible(user=user).filter(topic=topic)
    return [hearing_summary(user=user, hearing=h) for h in upcoming_first(qs)]


def topic_panel(*, user, topic: Topic) -> dict:
    """The context of `_topic_panel.html`: the topic's hearings and whether the user may call one."""
    return {"topic": topic, "hearings": hearings_of(topic, user),
            "may_call": can(user, "deliberation.hold_hearing", topic)}


def hearings_for(*, user) -> list[dict]:
    """The hearings a user sees (a resident: those of the areas they live in), upcoming first."""
    return [hearing_summary(user=user, hearing=h) for h in upcoming_first(hearings_visible(user=user)[:200])]


def step_to_complete(*, user, hearing: Hearing) -> TopicStep | None:
    """The step the hearing's topic is at, when the user may complete it with the hearing's record."""
    topic = hearing.topic
    if topic.state != TopicState.IN_PROGRESS or not can(user, "deliberation.hold_hearing", hearing):
        return None
    step = TopicStep.objects.filter(topic=topic, state=StepState.CURRENT).first()
    return step if step is not None and can(user, "deliberation.steer", topic) else None
