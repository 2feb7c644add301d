"""What the volunteers' home shows to whom: a volunteer's card and their phone pages; for staff,
the area's figures and the pages that keep them — each link only to whoever the gate lets in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import can

from ..models import Activity, ActivityState, Signup, SignupState, Team, Volunteer, VolunteerStatus
from .accounts import volunteer_balance, volunteer_of


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str
    permission: str = ""  # a gate action the user's role must allow (empty: any volunteer)


# A volunteer's own pages (on a phone).
MINE = (
    Link("volunteers:activity-find", _("Find activities")),
    Link("volunteers:activity-mine", _("My activities")),
    Link("volunteers:whistles", _("Whistles for me")),
    Link("volunteers:my-points", _("My points")),
    Link("volunteers:store", _("Points store")),
    Link("volunteers:my-orders", _("My redemptions")),
    Link("volunteers:my-record", _("My service record")),
    Link("volunteers:my-certificates", _("My certificates")),
)
# The staff's pages of their area.
KEEPING = (
    Link("volunteers:volunteer-list", _("Volunteers"), "volunteers.view_list"),
    Link("volunteers:team-tree", _("Volunteer teams"), "volunteers.view_list"),
    Link("volunteers:activity-list", _("Activities"), "volunteers.view_list"),
    Link("volunteers:mobilisation-list", _("Mobilisation"), "volunteers.mobilise"),
    Link("volunteers:mobilisation-evaluation", _("Four-level evaluation"), "volunteers.view_list"),
    Link("volunteers:ledger", _("Points ledger"), "points.view_ledger"),
    Link("volunteers:store-goods", _("Store"), "volunteers.keep_store"),
    Link("volunteers:store-handover", _("Hand over at pick-up"), "volunteers.keep_store"),
    Link("volunteers:publicity", _("Monthly publicity"), "points.view_ledger"),
    Link("volunteers:campaign-list", _("Donations"), "volunteers.keep_donations"),
)


def home_for(*, user) -> dict:
    volunteer = volunteer_of(user)
    keeping = [link for link in KEEPING if can(user, link.permission)]
    context: dict = {
        "volunteer": volunteer,
        "mine": MINE if volunteer is not None else (),
        "keeping": keeping,
        "is_staff_view": can(user, "volunteers.view_list"),
        "may_register": volunteer is None and not keeping,
    }
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
