"""Reads of the resolution side, already scoped: the area's resolutions with their flags (overdue
milestones, open rectifications), one resolution with everything its page shows, "my resolutions"
of an owner, the committee's open rectifications, photos, and what the gate offers the reader."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from .models import (
    Milestone,
    Rectification,
    RectificationState,
    Resolution,
    ResolutionOwner,
    ResolutionPhoto,
    ResolutionState,
    ResolutionUpdate,
    TopicState,
)
from .public_selectors import count_of
from .workflow import RECTIFICATION_WORKFLOW, RESOLUTION_WORKFLOW

UNSETTLED = (RectificationState.OPEN, RectificationState.DONE)


def _flags(qs: QuerySet) -> QuerySet:
    today = timezone.localdate()
    return qs.annotate(
        overdue_count=count_of(Milestone, done_on__isnull=True, due_on__lt=today),
        open_rectifications=count_of(Rectification, state__in=UNSETTLED),
    )


def resolutions_list(*, user, state: str = "", overdue: bool = False, open_rectifications: bool = False) -> QuerySet:
    """The resolutions the user sees, newest first, filtered by state ("implementing", "done",
    "signed_off"), by overdue milestones, by open rectifications."""
    qs = Resolution.objects.visible_to(user).select_related("topic", "topic__area")
    if state == ResolutionState.IMPLEMENTING:
        qs = qs.filter(state=ResolutionState.IMPLEMENTING)
    elif state == ResolutionState.DONE:
        qs = qs.filter(state=ResolutionState.DONE, signed_off_at__isnull=True)
    elif state == "signed_off":
        qs = qs.filter(signed_off_at__isnull=False)
    qs = _flags(qs)
    if overdue:
        qs = qs.filter(overdue_count__gt=0)
    if open_rectifications:
        qs = qs.filter(open_rectifications__gt=0)
    return qs.order_by("-created_at", "-id")


def owned_q(user) -> Q:
    q = Q(owners__user=user)
    if getattr(user, "unit_id", None):
        q |= Q(owners__unit_id=user.unit_id)
    if getattr(user, "department_id", None):
        q |= Q(owners__department_id=user.department_id)
    return q


def my_resolutions(*, user, state: str = "implementing") -> QuerySet:
    """What the user, the user's unit or department carries out (overdue ones first)."""
    ids = ResolutionOwner.objects.filter(
        Q(user=user) | (Q(unit_id=user.unit_id) if getattr(user, "unit_id", None) else Q(pk__in=[]))
        | (Q(department_id=user.department_id) if getattr(user, "department_id", None) else Q(pk__in=[]))
    ).values("resolution_id")
    qs = Resolution.objects.visible_to(user).filter(pk__in=ids).select_related("topic")
    if state in ResolutionState.values:
        qs = qs.filter(state=state)
    return _flags(qs).order_by("-overdue_count", "-open_rectifications", "-created_at", "-id")


def resolution_get(*, user, pk: int) -> Resolution:
    """One resolution with its owners, milestones, spending, progress with photos, rectifications."""
    found = (
        Resolution.objects.visible_to(user)
        .select_related("topic", "topic__area", "topic__estate", "vote", "vote__meeting", "signed_off_by")
        .prefetch_related(
            "owners", "milestones", "spendings",
            Prefetch("updates", queryset=ResolutionUpdate.objects.select_related("author").prefetch_related("photos")
                     .order_by("-created_at", "-id")),
            Prefetch("rectifications", queryset=Rectification.objects.order_by("state", "deadline", "id")),
        )
        .filter(pk=pk).first()
    )
    if found is None:
        raise NotFound()
    return found


def committee_rectifications(*, user, state: str = "unsettled") -> QuerySet:
    """Rectifications of the resolutions the user sees: unsettled (to rectify or to check) by
    deadline, or all."""
    qs = Rectification.objects.visible_to(user).select_related("resolution__topic")
    if state == "unsettled":
        qs = qs.filter(state__in=UNSETTLED)
    elif state in RectificationState.values:
        qs = qs.filter(state=state)
    return qs.order_by("deadline", "id")


def rectification_get(*, user, pk: int) -> Rectification:
    found = Rectification.objects.visible_to(user).select_related("resolution").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def milestone_get(*, user, pk: int) -> Milestone:
    found = Milestone.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def photo_get(*, user, pk: int) -> ResolutionPhoto:
    visible = Resolution.objects.visible_to(user).values("pk")
    found = ResolutionPhoto.objects.filter(pk=pk, update__resolution__in=visible).first()
    if found is None:
        raise NotFound()
    return found


def offered(*, user, resolution: Resolution) -> dict[str, bool]:
    """What the page and the API offer the user on this resolution (asked of the gate)."""
    implementing = resolution.state == ResolutionState.IMPLEMENTING
    carry = can(user, "deliberation.carry_out", resolution)
    supervise = can(user, "deliberation.supervise", resolution)
    actions = {t.action for t in RESOLUTION_WORKFLOW.offered(user, resolution)}
    return {
        "manage_owners": can(user, "deliberation.steer", resolution.topic) and resolution.topic.state == TopicState.RESOLVED,
        "carry_out": carry and implementing,
        "report": "report" in actions,
        "complete": "complete" in actions,
        "reopen": "reopen" in actions and resolution.topic.state != TopicState.IMPLEMENTED,
        "sign_off": "sign_off" in actions and resolution.signed_off_at is None,
        "raise": supervise and resolution.topic.state != TopicState.IMPLEMENTED,
        "carried_out": resolution.signed_off_at is not None and resolution.state == ResolutionState.DONE
        and resolution.topic.state == TopicState.RESOLVED and can(user, "deliberation.steer", resolution.topic),
    }


def rectification_actions(*, user, rectification: Rectification) -> list[str]:
    return [t.action for t in RECTIFICATION_WORKFLOW.offered(user, rectification)]


def topic_panel(*, user, topic) -> dict | None:
    """What the topic's page shows of its resolution (for `deliberation/resolutions/_topic_panel.html`):
    the resolution, its staff page when the user sees it, its public page when published; None
    when the topic has no resolution yet."""
    resolution = Resolution.objects.filter(topic_id=topic.pk).first()
    if resolution is None:
        return None
    sees = Resolution.objects.visible_to(user).filter(pk=resolution.pk).exists()
    return {
        "resolution": resolution,
        "url": f"/deliberation/resolutions/{resolution.pk}/" if sees else "",
        "public_url": f"/deliberation/public/resolutions/{resolution.pk}/" if resolution.published_at else "",
    }
