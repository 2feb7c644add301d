"""What the co-building home shows: for a member or a unit's liaison, their registration and what
they can do on the phone; for staff, the area's figures and the pages that keep them. Each link
names the gate action that must allow it, so a user only sees what they may open."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.permissions import can
from gongzhi.residents.selectors import own_households

from ..models import OPEN_REPORT_STATES, MemberReport, Need, NeedState, UnitReport, UnitReportState


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    permission: str


# For members, liaisons and residents: their own work.
MINE = (
    Link(_("Report in to my community"), "cobuilding:report-in", "cobuilding.report_in"),
    Link(_("My service and reports"), "cobuilding:my-service", "cobuilding.report_in"),
    Link(_("Needs I can claim"), "cobuilding:claimable", "cobuilding.claim"),
    Link(_("Make a wish"), "cobuilding:wish-new", "cobuilding.wish"),
    Link(_("My unit"), "cobuilding:my-unit", "cobuilding.report_in"),
    Link(_("For our employer"), "cobuilding:employer-inbox", "cobuilding.confirm_for_employer"),
    Link(_("Our unit's problems"), "cobuilding:problems", "cobuilding.raise_problem"),
    Link(_("Co-building projects around me"), "cobuilding:projects", "cobuilding.evaluate"),
)
# For staff: the lists of their area.
KEEPING = (
    Link(_("Members who reported in"), "cobuilding:members", "cobuilding.view_list"),
    Link(_("Quarterly reports"), "cobuilding:quarter-reports", "cobuilding.view_list"),
    Link(_("Units who reported in"), "cobuilding:units", "cobuilding.view_list"),
    Link(_("Resources list"), "cobuilding:resources", "cobuilding.view_list"),
    Link(_("Needs list"), "cobuilding:needs", "cobuilding.view_list"),
    Link(_("Projects list"), "cobuilding:projects", "cobuilding.view_list"),
    Link(_("Problem list"), "cobuilding:problems", "cobuilding.view_list"),
    Link(_("Contact cards"), "cobuilding:cards", "cobuilding.view_list"),
    Link(pgettext_lazy("co-building", "Figures"), "cobuilding:figures", "cobuilding.view_list"),
)


def home_for(*, user) -> dict:
    staff = can(user, "cobuilding.view_list")
    report = MemberReport.objects.filter(member__user=user, state__in=OPEN_REPORT_STATES).select_related(
        "community", "member").first()
    unit_reports = []
    if getattr(user, "unit_id", None):
        unit_reports = list(UnitReport.objects.filter(unit_id=user.unit_id, state=UnitReportState.ACTIVE)
                            .select_related("community", "unit"))
    is_member = user.party_memberships.filter(is_in_service=True).exists()
    mine = []
    for link in MINE:
        if not can(user, link.permission):
            continue
        if link.url_name in ("cobuilding:report-in", "cobuilding:my-service") and not is_member:
            continue
        if link.url_name == "cobuilding:report-in" and report is not None:
            continue
        if link.url_name == "cobuilding:claimable" and report is None and not unit_reports:
            continue
        if link.url_name == "cobuilding:my-unit" and not getattr(user, "unit_id", None):
            continue
        if link.url_name in ("cobuilding:employer-inbox", "cobuilding:projects", "cobuilding:problems") and staff:
            continue
        if link.url_name == "cobuilding:problems" and not getattr(user, "unit_id", None):
            continue
        if link.url_name == "cobuilding:wish-new" and (staff or not own_households(user=user)):
            continue
        mine.append(link)
    context = {"report": report, "unit_reports": unit_reports, "mine": mine,
               "keeping": [link for link in KEEPING if can(user, link.permission)] if staff else []}
    if staff:
        visible = Need.objects.visible_to(user)
        context.update({
            "members": MemberReport.objects.visible_to(user).filter(state="active").count(),
            "units": UnitReport.objects.visible_to(user).filter(state=UnitReportState.ACTIVE).count(),
            "open_needs": visible.filter(state=NeedState.OPEN).count(),
        })
    return context
