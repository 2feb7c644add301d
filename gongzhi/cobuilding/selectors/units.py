"""Reads of units' 双报到: the registrations staff see, a unit's own, the communities a liaison
may report to."""

from __future__ import annotations

from django.db.models import QuerySet

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import scope
from gongzhi.core.errors import NotFound

from ..models import UnitReport, UnitReportState


def unit_reports(*, user, state: str = "", community=None, q: str = "") -> QuerySet:
    rows = UnitReport.objects.visible_to(user).select_related("unit", "community")
    if state in UnitReportState.values:
        rows = rows.filter(state=state)
    if community is not None:
        rows = rows.filter(community=community)
    if q:
        rows = rows.filter(unit__name__icontains=q.strip())
    return rows


def my_unit_reports(*, user) -> QuerySet:
    if not getattr(user, "unit_id", None):
        return UnitReport.objects.none()
    return UnitReport.objects.filter(unit_id=user.unit_id).select_related("unit", "community").order_by("state", "-id")


def unit_report_get(*, user, pk) -> UnitReport:
    row = UnitReport.objects.select_related("unit", "community", "registered_by").visible_to(user).filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def communities_for(*, user) -> QuerySet:
    """Where a unit may report to: the staff's communities; a liaison's — the communities of their
    unit's district."""
    nodes = AreaNode.objects.filter(kind=AreaKind.COMMUNITY, is_active=True).order_by("path")
    if getattr(user, "unit_id", None):
        unit = Unit.objects.filter(pk=user.unit_id).select_related("area").first()
        if unit is not None:
            return nodes.filter(path__startswith=unit.area.path[: AreaNode.steplen])
    paths = scope.scope_paths(user)
    if paths is None:
        return nodes
    return nodes.filter(scope.path_q(paths, "")) if paths else nodes.none()


def units_for(*, user) -> QuerySet:
    """The units staff may register: those of their scope's district(s)."""
    paths = scope.scope_paths(user)
    units = Unit.objects.filter(is_active=True).select_related("area").order_by("name")
    if paths is None:
        return units
    districts = {p[: AreaNode.steplen] for p in paths}
    if not districts:
        return units.none()
    from django.db.models import Q

    condition = Q(pk__in=[])
    for d in districts:
        condition |= Q(area__path__startswith=d)
    return units.filter(condition)
