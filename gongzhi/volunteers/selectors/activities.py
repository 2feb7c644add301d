"""Which activities a user sees, and what the pages and the API show of them.

Staff see the activities of their area scope (`Activity.objects.visible_to`). A volunteer also sees
the activities open to them — of their own area and the areas above it — and every activity they
signed up for; an organiser and a team's leaders see the activities they run. Anything else is
absent (404)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can

from ..models import Activity, ActivityState, Signup, SignupState, Skill
from .accounts import volunteer_of

PLACE_HOLDING = (SignupState.SIGNED_UP, SignupState.CHECKED_IN, SignupState.DONE)


def ancestor_paths(path: str, steplen: int = 4) -> list[str]:
    return [path[:i] for i in range(steplen, len(path) + 1, steplen)]


def visible_activities(user) -> QuerySet:
    """Every activity `user` may see (staff scope ∪ a volunteer's areas ∪ one's own sign-ups ∪ the
    activities one runs)."""
    from gongzhi.areas.models import AreaNode

    staff = Activity.objects.visible_to(user)
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_superuser", False):
        return staff
    own = Q(organiser=user) | Q(team__members__volunteer__user=user, team__members__is_leader=True)
    volunteer = volunteer_of(user)
    if volunteer is not None:
        own |= Q(signups__volunteer=volunteer)
        if volunteer.status == "active":
            own |= Q(area__path__in=ancestor_paths(volunteer.area.path, AreaNode.steplen),
                     state__in=(ActivityState.PUBLISHED, ActivityState.FINISHED))
    ids = Activity.objects.filter(own).values("pk")
    return Activity.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=ids))


def activity_for(user, pk) -> Activity:
    activity = visible_activities(user).select_related("area", "team", "organiser").filter(pk=pk).first()
    if activity is None:
        raise NotFound()
    return activity


def signup_for(user, pk) -> Signup:
    """A sign-up: one's own, or one of an activity the user runs or keeps (else 404)."""
    signup = Signup.objects.select_related("activity", "activity__area", "volunteer").filter(pk=pk).first()
    if signup is None:
        raise NotFound()
    volunteer = volunteer_of(user)
    if volunteer is not None and signup.volunteer_id == volunteer.pk:
        return signup
    if not visible_activities(user).filter(pk=signup.activity_id).exists():
        raise NotFound()
    if not (can(user, "volunteers.run_activity", signup.activity) or can(user, "volunteers.view_list", signup.activity)):
        raise NotFound()
    return signup


def with_counts(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        taken=Count("signups", filter=Q(signups__state__in=PLACE_HOLDING), distinct=True),
        waiting=Count("signups", filter=Q(signups__state=SignupState.WAITLISTED), distinct=True),
    )


def open_activities(user, *, type: str = "", skill: int | None = None, on: dt.date | None = None,
                    until: dt.date | None = None) -> QuerySet:
    """Upcoming activities open for sign-up that the user sees, soonest first, filtered."""
    queryset = visible_activities(user).filter(state=ActivityState.PUBLISHED, starts_at__gt=timezone.now())
    if type:
        queryset = queryset.filter(type=type)
    if skill:
        queryset = queryset.filter(skills__pk=skill)
    if on:
        queryset = queryset.filter(starts_at__date__gte=on)
    if until:
        queryset = queryset.filter(starts_at__date__lte=until)
    return with_counts(queryset.select_related("area", "team").distinct()).order_by("starts_at", "id")


def staff_activities(user, *, month: dt.date | None = None) -> QuerySet:
    """The activities of the user's scope (and those they run), by month."""
    queryset = visible_activities(user).select_related("area", "team")
    if month is not None:
        start = month.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        queryset = queryset.filter(starts_at__date__gte=start, starts_at__date__lt=end)
    return with_counts(queryset).order_by("starts_at", "id")


def my_signups(user) -> QuerySet:
    volunteer = volunteer_of(user)
    if volunteer is None:
        return Signup.objects.none()
    return (Signup.objects.filter(volunteer=volunteer).select_related("activity", "activity__area")
            .order_by("-activity__starts_at", "-id"))


def my_signup(user, activity: Activity) -> Signup | None:
    volunteer = volunteer_of(user)
    if volunteer is None:
        return None
    return Signup.objects.filter(activity=activity, volunteer=volunteer).first()


def roster(activity: Activity) -> dict[str, list[Signup]]:
    """The sign-ups by state, in the order they came."""
    groups: dict[str, list[Signup]] = {state: [] for state in SignupState.values}
    for signup in activity.signups.select_related("volunteer").order_by("signed_up_at", "id"):
        groups[signup.state].append(signup)
    return groups


def taken_places(activity: Activity) -> int:
    return activity.signups.filter(state__in=PLACE_HOLDING).count()


def skills() -> QuerySet:
    return Skill.objects.all()
