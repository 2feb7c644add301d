"""Reads of members' 双报到 and 双报告: the staff's lists, a member's own, the employer's inbox and
the public 三亮一树 pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from gongzhi.areas.models import AreaNode

from ..models import (
    OPEN_REPORT_STATES,
    Delivery,
    MemberReport,
    QuarterReport,
    QuarterReportState,
    ReportInState,
    ServiceLog,
)
from ..services.reports import quarter_bounds, quarter_of


def this_quarter() -> tuple[dt.date, dt.date]:
    return quarter_bounds(*quarter_of(timezone.localdate()))


def communities_for(user) -> QuerySet:
    """Communities the user may register members with (staff: their scope; members: all)."""
    return AreaNode.objects.filter(kind="community").order_by("path")


def kept_communities(user) -> QuerySet:
    return AreaNode.objects.visible_to(user).filter(kind="community").order_by("path")


def with_quarter_hours(queryset: QuerySet) -> QuerySet:
    start, end = this_quarter()
    window = Q(logs__served_on__range=(start, end))
    return queryset.annotate(quarter_hours=Sum("logs__hours", filter=window),
                             quarter_services=Count("logs", filter=window))


def member_list(*, user, community_id: int | None = None, state: str | None = None,
                not_served: bool = False) -> QuerySet:
    rows = MemberReport.objects.visible_to(user).select_related("member__organization", "member__employer",
                                                                "community")
    if community_id:
        rows = rows.filter(community_id=community_id)
    if state:
        rows = rows.filter(state=state)
    rows = with_quarter_hours(rows)
    if not_served:
        rows = rows.filter(state=ReportInState.ACTIVE, quarter_services=0)
    return rows.order_by("community__path", "member__name", "id")


def report_get(*, user, pk: int) -> MemberReport:
    return MemberReport.objects.visible_to(user).select_related(
        "member__organization", "member__employer", "community").visible_or_404(user, pk=pk)


def my_report(*, user) -> MemberReport | None:
    """The signed-in member's open registration (or their latest one)."""
    rows = MemberReport.objects.filter(member__user=user).select_related("community", "member")
    return rows.filter(state__in=OPEN_REPORT_STATES).first() or rows.order_by("-requested_at").first()


def logs_of(report: MemberReport) -> QuerySet:
    return report.logs.select_related("post").order_by("-served_on", "-id")


def posts_of(report: MemberReport) -> QuerySet:
    return report.posts.select_related("place").order_by("ended_on", "kind", "id")


def quarter_reports_of(report: MemberReport) -> QuerySet:
    return report.quarter_reports.order_by("-year", "-quarter")


def quarter_report_list(*, user, community_id: int | None = None, state: str | None = None) -> QuerySet:
    rows = QuarterReport.objects.visible_to(user).select_related("report__member__employer", "report__community")
    if community_id:
        rows = rows.filter(report__community_id=community_id)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-year", "-quarter", "report__member__name", "id")


def quarter_report_get(*, user, pk: int) -> QuarterReport:
    return QuarterReport.objects.visible_to(user).select_related(
        "report__member__organization", "report__member__employer", "report__community").visible_or_404(user, pk=pk)


def employer_inbox(*, user) -> dict:
    """For a unit's liaison: registrations of the unit's members awaiting confirmation, and
    quarterly reports sent in the app awaiting receipt."""
    unit_id = getattr(user, "unit_id", None)
    if not unit_id:
        return {"pending": MemberReport.objects.none(), "reports": QuarterReport.objects.none(),
                "received": QuarterReport.objects.none()}
    mine = MemberReport.objects.visible_to(user).filter(member__employer_id=unit_id)
    reports = QuarterReport.objects.filter(report__in=mine, delivery=Delivery.IN_APP).select_related(
        "report__member", "report__community")
    return {
        "pending": mine.filter(state=ReportInState.PENDING).select_related("member", "community"),
        "reports": reports.filter(state=QuarterReportState.SENT),
        "received": reports.filter(state=QuarterReportState.RECEIVED)[:20],
    }


def _year_window() -> Q:
    today = timezone.localdate()
    return Q(logs__served_on__range=(dt.date(today.year, 1, 1), today))


def public_members(*, community_id: int) -> tuple[AreaNode, QuerySet]:
    """三亮一树: the community's members on duty who consented to a public profile."""
    community = AreaNode.objects.filter(pk=community_id, kind="community").first()
    if community is None:
        raise Http404
    rows = (MemberReport.objects.filter(community=community, state=ReportInState.ACTIVE, public_profile=True)
            .select_related("member__organization").prefetch_related("posts__place")
            .annotate(year_hours=Sum("logs__hours", filter=_year_window()),
                      year_services=Count("logs", filter=_year_window()))
            .order_by("member__name", "id"))
    return community, rows


def public_profile(*, pk: int) -> MemberReport:
    row = (MemberReport.objects.filter(pk=pk, state=ReportInState.ACTIVE, public_profile=True)
           .select_related("member__organization", "community").prefetch_related("posts__place")
           .annotate(year_hours=Sum("logs__hours", filter=_year_window()),
                     year_services=Count("logs", filter=_year_window())).first())
    if row is None:
        raise Http404
    return row


def open_posts(report: MemberReport) -> list:
    return [p for p in report.posts.all() if p.ended_on is None]


def recent_public_services(report: MemberReport, limit: int = 10) -> list[ServiceLog]:
    return list(report.logs.order_by("-served_on", "-id")[:limit])


def hours_text(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):.1f}"
