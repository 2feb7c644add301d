"""Reads of the needs and resources lists: the staff's lists with filters, what a reported member
or unit may claim, a resident's own wishes, one need or resource (404 outside what one sees)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gongzhi.cases.models import Case
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can
from gongzhi.residents.models import Visit

from ..models import (
    MemberReport,
    Need,
    NeedState,
    ReportInState,
    Resource,
    UnitReport,
    UnitReportState,
    Urgency,
)

NEED_RELATED = ("area", "category", "claimed_member__member", "claimed_unit__unit", "resource", "beneficiary_user",
                "raised_by")


def needs_list(*, user, state: str = "", category=None, urgency: str = "", community=None, q: str = "") -> QuerySet:
    rows = Need.objects.visible_to(user).select_related(*NEED_RELATED)
    if state in NeedState.values:
        rows = rows.filter(state=state)
    if category:
        rows = rows.filter(category_id=category)
    if urgency in Urgency.values:
        rows = rows.filter(urgency=urgency)
    if community is not None:
        rows = rows.filter(community_path=community.path)
    if q:
        rows = rows.filter(title__icontains=q.strip())
    return rows


def claim_communities(*, user) -> list[str]:
    """The paths of the communities `user` is reported in to, as a member or through their unit."""
    paths = set(MemberReport.objects.filter(member__user=user, state=ReportInState.ACTIVE)
                .values_list("community__path", flat=True)) if getattr(user, "pk", None) else set()
    if getattr(user, "unit_id", None):
        paths |= set(UnitReport.objects.filter(unit_id=user.unit_id, state=UnitReportState.ACTIVE)
                     .values_list("community__path", flat=True))
    return sorted(paths)


def claimable(*, user, category=None) -> QuerySet:
    """Open needs of the communities the user is reported in to, most urgent first."""
    paths = claim_communities(user=user)
    rows = Need.objects.filter(state=NeedState.OPEN, community_path__in=paths).select_related("area", "category")
    if category:
        rows = rows.filter(category_id=category)
    return rows.order_by("-urgency", "-created_at", "-id")


def my_claims(*, user) -> QuerySet:
    condition = Q(claimed_member__member__user=user)
    if getattr(user, "unit_id", None):
        condition |= Q(claimed_unit__unit_id=user.unit_id)
    return Need.objects.filter(condition).select_related(*NEED_RELATED).exclude(state=NeedState.OPEN)


def my_wishes(*, user) -> QuerySet:
    return Need.objects.filter(Q(beneficiary_user=user) | Q(raised_by=user)).select_related(*NEED_RELATED)


def need_get(*, user, pk) -> Need:
    row = Need.objects.visible_to(user).select_related(*NEED_RELATED, "case", "visit", "beneficiary_person").filter(
        pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def resources_list(*, user, category=None, kind: str = "", community=None, active: bool | None = True,
                   q: str = "") -> QuerySet:
    rows = Resource.objects.visible_to(user).select_related("category", "community", "location", "unit_report__unit",
                                                            "member_report__member")
    if active is not None:
        rows = rows.filter(is_active=active)
    if category:
        rows = rows.filter(category_id=category)
    if kind:
        rows = rows.filter(kind=kind)
    if community is not None:
        rows = rows.filter(community=community)
    if q:
        rows = rows.filter(title__icontains=q.strip())
    return rows


def my_resources(*, user) -> QuerySet:
    condition = Q(member_report__member__user=user)
    if getattr(user, "unit_id", None):
        condition |= Q(unit_report__unit_id=user.unit_id)
    return Resource.objects.filter(condition).select_related("category", "community", "unit_report__unit",
                                                             "member_report__member")


def claim_resources(*, user, need: Need) -> QuerySet:
    """The user's own active resources in the need's community with capacity left."""
    from django.db.models import F

    return my_resources(user=user).filter(is_active=True, community__path=need.community_path,
                                          used__lt=F("capacity"))


def resource_get(*, user, pk) -> Resource:
    row = resources_list(user=user, active=None).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def case_for_need(*, user, pk) -> Case | None:
    return Case.objects.visible_to(user).select_related("location", "category").filter(pk=pk).first() if pk else None


def visit_for_need(*, user, pk) -> Visit | None:
    return Visit.objects.visible_to(user).select_related("household").filter(pk=pk).first() if pk else None


# --- extension points of the case pipeline -------------------------------------------------------


def case_panel(*, user, case) -> dict | None:
    """Fills "cases.case.panels": the needs raised from the case and "raise a need from this case"."""
    from django.urls import reverse
    from django.utils.translation import gettext

    needs = list(Need.objects.visible_to(user).filter(case=case).order_by("-created_at")[:20])
    may_raise = can(user, "cobuilding.raise_need", case.location) if case.location_id else False
    if not (needs or may_raise):
        return None
    for need in needs:
        need.url = reverse("cobuilding:need-detail", kwargs={"need_id": need.pk})
    return {"title": gettext("Co-building needs"), "template": "cobuilding/needs/_case_panel.html",
            "context": {"needs": needs, "may_raise": may_raise,
                        "raise_url": reverse("cobuilding:need-new") + f"?case={case.pk}"}}


def visit_actions(*, user, visit) -> list[dict]:
    """Fills "residents.visit.actions": raise a co-building need from what a door visit found."""
    from django.urls import reverse
    from django.utils.translation import gettext

    if not can(user, "cobuilding.raise_need", visit.household):
        return []
    return [{"label": gettext("Raise a co-building need"), "url": reverse("cobuilding:need-new") + f"?visit={visit.pk}"}]


def hot_issue_actions(*, user, row: dict) -> list[dict]:
    """Fills "cases.hot_issue.actions": raise a need from the latest case of a hot issue."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from gongzhi.areas.models import AreaNode

    node = AreaNode.objects.filter(pk=row.get("location_id")).first()
    if node is None or not can(user, "cobuilding.raise_need", node):
        return []
    case = (Case.objects.visible_to(user).filter(location=node, category__code=row.get("category"))
            .order_by("-created_at").first())
    if case is None:
        return []
    return [{"label": gettext("Raise a need"), "url": reverse("cobuilding:need-new") + f"?case={case.pk}"}]
