"""Service circle figures (issue 21 item 6): per community (or the level asked for) and per point,
for a period [start, end] (inclusive; by default the last 30 days). Definitions, read by the page,
the API, the .xlsx export and the dashboard's provider:

- **orders**: orders placed in the period at places under the row's node; by the step they stand at
  now (ordered, dispatched, accepted, delivered, rated, cancelled); **overdue**: of those, the ones
  whose step passed its time limit at some point; **hours to dispatch / accept / deliver**: the
  average time from the order to the dispatch, from the dispatch to the acceptance and from the
  acceptance to the delivery, over the orders that reached that step; **rated**, **average stars**
  and **satisfied** (4 or 5 stars) among the rated.
- **bookings**: room bookings starting in the period at points under the node (cancelled ones left
  out), of them **checked in** and **no-shows**; **appointments**: hall appointments in the period,
  of them **served** and **no-shows**.
- **coverage** (per service, for the communities shown): households (under buildings with
  coordinates) that a point or provider offering the service reaches within the walk
  (`selectors.nearest.coverage`), and their share.

Every figure counts only what the user may see (each model's `visible_to`). The total counts
everything under the node, also what belongs to a level above the rows (a community's own station
when the rows are its grids)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import area_roots_for
from gongzhi.core import scope
from gongzhi.core.errors import InvalidInput, check_period
from gongzhi.core.permissions import can, require

from ..models import (
    Appointment,
    AppointmentState,
    BookingState,
    Order,
    OrderState,
    RoomBooking,
    Service,
    ServicePoint,
)

LEVELS: dict[str, int] = {AreaKind.STREET: 2, AreaKind.COMMUNITY: 3, AreaKind.GRID: 4}
DEFAULT_DAYS = 30
LONGEST_DAYS = 731
# Coverage is computed for at most this many communities at once (the page names the rest).
COVERAGE_COMMUNITIES = 12


def _day(value, name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        message = _("Enter a date as YYYY-MM-DD.")
        raise InvalidInput(message, fields={name: [message]}) from None


def period_of(*, start=None, end=None) -> tuple[dt.date, dt.date]:
    """The period asked for, inclusive; a missing end is today, a missing start 30 days before the
    end. Bad dates, an end before the start or more than two years are refused beside the field."""
    end = _day(end, "end") if end not in (None, "") else timezone.localdate()
    start = _day(start, "start") if start not in (None, "") else end - dt.timedelta(days=DEFAULT_DAYS - 1)
    check_period(start, end)
    if (end - start).days >= LONGEST_DAYS:
        message = _("A period is at most two years.")
        raise InvalidInput(message, fields={"start": [message]})
    return start, end


def level_of(value) -> str:
    if value in (None, ""):
        return ""
    if value not in LEVELS:
        message = _("Choose street, community or grid.")
        raise InvalidInput(message, fields={"level": [message]})
    return str(value)


@dataclass
class Row:
    """The figures of one area node or one point."""

    key: str
    name: str
    kind: str = ""
    orders: int = 0
    by_state: dict = field(default_factory=lambda: defaultdict(int))
    overdue: int = 0
    dispatch_hours: list = field(default_factory=list)
    accept_hours: list = field(default_factory=list)
    deliver_hours: list = field(default_factory=list)
    stars: list = field(default_factory=list)
    bookings: int = 0
    checked_in: int = 0
    booking_no_shows: int = 0
    appointments: int = 0
    served: int = 0
    appointment_no_shows: int = 0

    @staticmethod
    def _mean(values: list) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    @property
    def hours_to_dispatch(self) -> float | None:
        return self._mean(self.dispatch_hours)

    @property
    def hours_to_accept(self) -> float | None:
        return self._mean(self.accept_hours)

    @property
    def hours_to_deliver(self) -> float | None:
        return self._mean(self.deliver_hours)

    @property
    def rated(self) -> int:
        return len(self.stars)

    @property
    def average_stars(self) -> float | None:
        return self._mean(self.stars)

    @property
    def satisfied_share(self) -> float | None:
        return round(sum(1 for s in self.stars if s >= 4) / len(self.stars), 4) if self.stars else None

    @property
    def done(self) -> int:
        """Orders delivered (rated or waiting for the rating)."""
        return self.by_state.get(OrderState.DELIVERED, 0) + self.by_state.get(OrderState.RATED, 0)

    def state(self, name: str) -> int:
        return self.by_state.get(name, 0)

    @property
    def states(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.by_state.get(value, 0)) for value, label in OrderState.choices]

    def as_data(self) -> dict:
        return {
            "key": self.key, "name": self.name, "kind": self.kind, "orders": self.orders,
            "orders_by_state": {value: self.by_state.get(value, 0) for value in OrderState.values},
            "orders_overdue": self.overdue, "hours_to_dispatch": self.hours_to_dispatch,
            "hours_to_accept": self.hours_to_accept, "hours_to_deliver": self.hours_to_deliver,
            "orders_rated": self.rated, "average_stars": self.average_stars, "satisfied_share": self.satisfied_share,
            "bookings": self.bookings, "bookings_checked_in": self.checked_in,
            "bookings_no_show": self.booking_no_shows, "appointments": self.appointments,
            "appointments_served": self.served, "appointments_no_show": self.appointment_no_shows,
        }


@dataclass
class Coverage:
    """Households a service reaches within the walk, in one community."""

    community: str
    service: str
    service_name: str
    households: int
    covered: int
    gap_buildings: int

    @property
    def share(self) -> float | None:
        return round(self.covered / self.households, 4) if self.households else None

    def as_data(self) -> dict:
        return {"community": self.community, "service": self.service, "service_name": self.service_name,
                "households": self.households, "households_covered": self.covered, "share": self.share,
                "gap_buildings": self.gap_buildings}


@dataclass
class Figures:
    start: dt.date
    end: dt.date
    level: str
    node: AreaNode | None
    scope_name: str
    rows: list[Row]
    total: Row
    points: list[Row]
    coverage: list[Coverage]
    coverage_left_out: int = 0

    @property
    def level_label(self) -> str:
        return str(AreaKind(self.level).label) if self.level in AreaKind.values else ""

    def as_data(self) -> dict:
        return {
            "start": self.start.isoformat(), "end": self.end.isoformat(), "level": self.level,
            "node_id": self.node.pk if self.node is not None else None, "scope": self.scope_name,
            "nodes": [r.as_data() for r in self.rows], "total": self.total.as_data(),
            "points": [r.as_data() for r in self.points], "coverage": [c.as_data() for c in self.coverage],
            "coverage_communities_left_out": self.coverage_left_out,
        }


def _hours(later, earlier) -> float | None:
    return (later - earlier).total_seconds() / 3600 if later and earlier and later >= earlier else None


def _tops(user, node: AreaNode | None) -> list[AreaNode]:
    return [node] if node is not None else area_roots_for(user=user)


def _row_nodes(tops: list[AreaNode], level: str) -> tuple[int, list[AreaNode]]:
    deepest = max((t.depth for t in tops), default=1)
    depth = LEVELS[level] if level else min(max(deepest + 1, LEVELS[AreaKind.STREET]), LEVELS[AreaKind.GRID])
    depth = max(depth, deepest)
    under = scope.path_q([t.path for t in tops], "")
    return depth, list(AreaNode.objects.filter(under, depth=depth).order_by("path")[:2000])


def circle_figures(*, user, node: AreaNode | None = None, start: dt.date, end: dt.date, level: str = "",
                   with_coverage: bool = True) -> Figures:
    """The service circle figures of `node` (found in the user's scope by the caller: 404 outside;
    None: the user's own areas) for [start, end], the node table at `level` (default: the level under it)."""
    require(user, "circle.view_list")
    tops = _tops(user, node)
    depth, nodes = _row_nodes(tops, level)
    width = depth * AreaNode.steplen
    rows: dict[str, Row] = {n.path: Row(key=n.path, name=n.name, kind=n.kind) for n in nodes}
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    under = scope.path_q([t.path for t in tops], "place") if tops else Q(pk__in=[])

    orders = (Order.objects.visible_to(user).filter(under, created_at__gte=since, created_at__lt=until)
              .annotate(at=Substr("place__path", 1, width))
              .values_list("at", "state", "created_at", "dispatched_at", "accepted_at", "delivered_at", "stars",
                           "overdue_at"))
    total = Row(key="", name=_("Total"))
    for at, state, created, dispatched, accepted, delivered, stars, overdue in orders.iterator(chunk_size=2000):
        for row in (rows.get(at), total):
            if row is None:
                continue
            row.orders += 1
            row.by_state[state] += 1
            row.overdue += overdue is not None
            for target, hours in ((row.dispatch_hours, _hours(dispatched, created)),
                                  (row.accept_hours, _hours(accepted, dispatched)),
                                  (row.deliver_hours, _hours(delivered, accepted))):
                if hours is not None:
                    target.append(hours)
            if stars:
                row.stars.append(stars)

    points: dict[int, Row] = {}
    point_under = scope.path_q([t.path for t in tops], "area") if tops else Q(pk__in=[])
    for p in ServicePoint.objects.visible_to(user).filter(point_under).order_by("area__path", "name")[:2000]:
        points[p.pk] = Row(key=str(p.pk), name=p.name, kind=p.kind)

    bookings = (RoomBooking.objects.visible_to(user)
                .filter(scope.path_q([t.path for t in tops], "room__point__area") if tops else Q(pk__in=[]),
                        starts_at__gte=since, starts_at__lt=until).exclude(state=BookingState.CANCELLED))
    booking_counts = {"n": Count("pk"), "n_in": Count("pk", filter=Q(state=BookingState.CHECKED_IN)),
                      "n_no": Count("pk", filter=Q(state=BookingState.NO_SHOW))}
    for r in bookings.annotate(at=Substr("room__point__area__path", 1, width)).values("at").annotate(**booking_counts):
        for row in (rows.get(r["at"]), total):
            if row is not None:
                row.bookings += r["n"]
                row.checked_in += r["n_in"]
                row.booking_no_shows += r["n_no"]
    for r in bookings.values("room__point_id").annotate(**booking_counts):
        row = points.get(r["room__point_id"])
        if row is not None:
            row.bookings, row.checked_in, row.booking_no_shows = r["n"], r["n_in"], r["n_no"]

    appointments = (Appointment.objects.visible_to(user)
                    .filter(scope.path_q([t.path for t in tops], "matter__point__area") if tops else Q(pk__in=[]),
                            starts_at__gte=since, starts_at__lt=until).exclude(state=AppointmentState.CANCELLED))
    appointment_counts = {"n": Count("pk"), "n_served": Count("pk", filter=Q(state=AppointmentState.SERVED)),
                          "n_no": Count("pk", filter=Q(state=AppointmentState.NO_SHOW))}
    for r in (appointments.annotate(at=Substr("matter__point__area__path", 1, width)).values("at")
              .annotate(**appointment_counts)):
        for row in (rows.get(r["at"]), total):
            if row is not None:
                row.appointments += r["n"]
                row.served += r["n_served"]
                row.appointment_no_shows += r["n_no"]
    for r in appointments.values("matter__point_id").annotate(**appointment_counts):
        row = points.get(r["matter__point_id"])
        if row is not None:
            row.appointments, row.served, row.appointment_no_shows = r["n"], r["n_served"], r["n_no"]

    ordered = [rows[n.path] for n in nodes]

    coverage, left_out = (_coverage(user, tops) if with_coverage else ([], 0))
    level_name = next((k for k, d in LEVELS.items() if d == depth), nodes[0].kind if nodes else "")
    scope_name = node.name if node is not None else "、".join(t.name for t in tops)
    return Figures(start=start, end=end, level=level_name, node=node, scope_name=scope_name, rows=ordered,
                   total=total, points=list(points.values()), coverage=coverage, coverage_left_out=left_out)


def _coverage(user, tops: list[AreaNode]) -> tuple[list[Coverage], int]:
    """Coverage per menu service for the communities under the tops (at most COVERAGE_COMMUNITIES)."""
    from .nearest import coverage

    if not tops:
        return [], 0
    communities = list(AreaNode.objects.filter(scope.path_q([t.path for t in tops], ""), kind=AreaKind.COMMUNITY)
                       .order_by("path")[:COVERAGE_COMMUNITIES + 1])
    left_out = max(0, len(communities) - COVERAGE_COMMUNITIES)
    services = list(Service.objects.filter(active=True).order_by("sort", "code"))
    found = []
    for community in communities[:COVERAGE_COMMUNITIES]:
        for service in services:
            result = coverage(user=user, community=community, service=service)
            found.append(Coverage(community=community.name, service=service.code, service_name=service.name,
                                  households=result.households, covered=result.covered,
                                  gap_buildings=len(result.gaps)))
    return found, left_out


def chooser_nodes(*, user) -> list[AreaNode]:
    """The streets, communities and grids the user may pick from (the page's node chooser)."""
    return list(AreaNode.objects.visible_to(user)
                .filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID])
                .order_by("path")[:500])


def dashboard_figures(*, user, node, start: dt.date, end: dt.date) -> list[dict]:
    """The figure provider the dashboard and the assessment read (`FigureProvider`, end exclusive):
    orders placed, delivered or rated, overdue, the average hours to dispatch, accept and deliver, the
    average stars and the satisfied share, bookings and appointments with their no-shows. Nothing for
    who may not read the circle's lists. Coverage is left to the figures page (it walks the map)."""
    if not can(user, "circle.view_list"):
        return []
    t = circle_figures(user=user, node=node, start=start, end=end - dt.timedelta(days=1), with_coverage=False).total
    params = {"start": start.isoformat(), "end": (end - dt.timedelta(days=1)).isoformat()}
    if node is not None:
        params["node_id"] = node.pk
    url = f"{reverse('circle:figures')}?{urlencode(params)}"
    return [{**figure, "url": url} for figure in [
        {"key": "circle.orders", "label": _("Service orders"), "value": t.orders},
        {"key": "circle.orders_done", "label": _("Service orders delivered"), "value": t.done},
        {"key": "circle.orders_overdue", "label": _("Service orders past a time limit"), "value": t.overdue},
        {"key": "circle.hours_to_dispatch", "label": _("Average hours to dispatch an order"),
         "value": t.hours_to_dispatch},
        {"key": "circle.hours_to_accept", "label": _("Average hours to accept an order"), "value": t.hours_to_accept},
        {"key": "circle.hours_to_deliver", "label": _("Average hours to deliver an order"),
         "value": t.hours_to_deliver},
        {"key": "circle.average_stars", "label": _("Average stars of service orders"), "value": t.average_stars},
        {"key": "circle.satisfied_share", "label": _("Share of rated orders with 4 or 5 stars"),
         "value": t.satisfied_share},
        {"key": "circle.bookings", "label": _("Room bookings"), "value": t.bookings},
        {"key": "circle.appointments", "label": _("Hall appointments"), "value": t.appointments},
        {"key": "circle.no_shows", "label": _("No-shows (rooms and hall)"),
         "value": t.booking_no_shows + t.appointment_no_shows},
    ]]
