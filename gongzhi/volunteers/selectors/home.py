"""What the volunteers' home shows to whom."""

from __future__ import annotations

from django.db.models import Sum

from gongzhi.core.permissions import can

from ..models import Activity, ActivityState, Signup, SignupState, Team, Volunteer, VolunteerStatus
from .accounts import volunteer_balance, volunteer_of


def home_for(*, user) -> dict:
    volunteer = volunteer_of(user)
    context: dict = {"volunteer": volunteer, "is_staff_view": can(user, "volunteers.view_list")}
    if volunteer is not None:
        served = Signup.objects.filter(volunteer=volunteer, state=SignupState.DONE)
        context.update(
            balance=volunteer_balance(volunteer=volunteer),
            minutes=served.aggregate(total=Sum("minutes"))["total"] or 0,
            activities_served=served.count(),
        )
    if context["is_staff_view"]:
        context.update(
            volunteers=Volunteer.objects.visible_to(user).filter(status=VolunteerStatus.ACTIVE).count(),
            teams=Team.objects.visible_to(user).filter(is_active=True).count(),
            open_activities=Activity.objects.visible_to(user).filter(state=ActivityState.PUBLISHED).count(),
        )
    return context
