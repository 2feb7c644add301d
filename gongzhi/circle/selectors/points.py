"""Reads of the circle's directory: points, providers, their offerings and ratings, the menu with
the month's theme first. Everything starts from the models' `visible_to`; a row the user may not
see is NotFound."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from gongzhi.areas.models import AreaNode

from ..models import MonthlyTheme, Offering, PointRating, Provider, Room, Service, ServicePoint


def points_visible(*, user, q: str = "", kind: str = "", area: AreaNode | None = None) -> QuerySet:
    rows = (ServicePoint.objects.visible_to(user).select_related("area")
            .annotate(stars=Avg("ratings__stars"), rated=Count("ratings", distinct=True)))
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    return rows.order_by("area__path", "level", "name", "pk")


def point_get(*, user, pk: int) -> ServicePoint:
    return (ServicePoint.objects.select_related("area", "keeper")
            .prefetch_related(Prefetch("offerings", queryset=Offering.objects.select_related("service")),
                              Prefetch("rooms", queryset=Room.objects.order_by("name")), "photos")
            .visible_or_404(user, pk=pk))


def point_ratings(*, point: ServicePoint, limit: int = 20) -> tuple[dict, list[PointRating]]:
    summary = point.ratings.aggregate(stars=Avg("stars"), rated=Count("pk"))
    if summary["stars"] is not None:
        summary["stars"] = round(summary["stars"], 1)
    return summary, list(point.ratings.select_related("user").order_by("-created_at")[:limit])


def my_rating(*, user, point: ServicePoint) -> PointRating | None:
    return point.ratings.filter(user=user).first() if getattr(user, "is_authenticated", False) else None


def providers_visible(*, user, q: str = "", service: str = "", area: AreaNode | None = None) -> QuerySet:
    rows = Provider.objects.visible_to(user).select_related("area")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if service:
        rows = rows.filter(offerings__service__code=service)
    if area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    return rows.prefetch_related(Prefetch("offerings", queryset=Offering.objects.select_related("service"))) \
        .order_by("area__path", "name", "pk").distinct()


def provider_get(*, user, pk: int) -> Provider:
    return (Provider.objects.select_related("area", "team", "unit", "user")
            .prefetch_related(Prefetch("offerings", queryset=Offering.objects.select_related("service")))
            .visible_or_404(user, pk=pk))


def menu(*, place: AreaNode | None = None, day: dt.date | None = None) -> tuple[MonthlyTheme | None, list[Service]]:
    """The active menu, the services of the month's theme of the place (its own area or the nearest
    area above it that set one) first; the theme itself (None when there is none)."""
    services = list(Service.objects.filter(active=True).order_by("sort", "code"))
    theme = month_theme(place=place, day=day)
    if theme is None:
        return None, services
    first = {s.pk for s in theme.services.all()}
    return theme, sorted(services, key=lambda s: (s.pk not in first, s.sort, s.code))


def month_theme(*, place: AreaNode | None, day: dt.date | None = None) -> MonthlyTheme | None:
    if place is None:
        return None
    month = (day or timezone.localdate()).replace(day=1)
    paths = [place.path[:i] for i in range(AreaNode.steplen, len(place.path) + 1, AreaNode.steplen)]
    return (MonthlyTheme.objects.filter(month=month, area__path__in=paths).select_related("area")
            .prefetch_related("services").order_by("-area__depth").first())


def themes_visible(*, user) -> QuerySet:
    return MonthlyTheme.objects.visible_to(user).select_related("area").prefetch_related("services") \
        .order_by("-month", "area__path")


def kept_areas(*, user) -> QuerySet:
    """The streets, communities and estates' nodes a keeper may put points and providers in."""
    from gongzhi.areas.models import AreaKind

    return (AreaNode.objects.visible_to(user)
            .filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID])
            .order_by("path")[:500])
