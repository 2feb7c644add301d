"""Where a case goes: the location's node at each level of the ladder, coordinates to the nearest
building, the catalogue's level and lead department, and the time limits from the calendar."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Department
from gongzhi.core import calendar
from gongzhi.core.errors import InvalidInput

from .models import LADDER, Level

# Depth of each kind in the area tree (district = 1); a node's ancestor at a level is a path prefix.
DEPTH = {AreaKind.DISTRICT: 1, AreaKind.STREET: 2, AreaKind.COMMUNITY: 3, AreaKind.GRID: 4, AreaKind.BUILDING: 5}
LEVEL_DEPTH = {Level.BUILDING: 5, Level.GRID: 4, Level.COMMUNITY: 3, Level.STREET: 2}
LOCATION_KINDS = (AreaKind.BUILDING, AreaKind.UNIT, AreaKind.HOUSEHOLD, AreaKind.GRID)


def prefix(path: str, depth: int) -> str:
    return path[: depth * AreaNode.steplen]


def node_at(location_path: str, level: str) -> AreaNode | None:
    """The location's ancestor (or itself) at `level`; None if the location lies above it."""
    depth = LEVEL_DEPTH[level]
    if len(location_path) < depth * AreaNode.steplen:
        return None
    return AreaNode.objects.get(path=prefix(location_path, depth))


def level_of(node: AreaNode) -> str:
    return {
        AreaKind.BUILDING: Level.BUILDING,
        AreaKind.GRID: Level.GRID,
        AreaKind.COMMUNITY: Level.COMMUNITY,
        AreaKind.STREET: Level.STREET,
        AreaKind.DISTRICT: Level.STREET,
    }[node.kind]


def next_level(level: str) -> str | None:
    index = LADDER.index(level)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


def department_for(location_path: str, code: str) -> Department:
    """The department with catalogue code `code` in the location's district."""
    department = Department.objects.filter(district__path=prefix(location_path, 1), code=code, is_active=True).first()
    if department is None:
        message = _("The district has no active department with code “%(code)s”.") % {"code": code}
        raise InvalidInput(message, fields={"department": [message]})
    return department


@dataclass(frozen=True)
class Route:
    level: str
    node: AreaNode  # the holding node (for a department: the location's street)
    department: Department | None = None


def route_for(*, location_path: str, rules: dict) -> Route:
    """The catalogue's level applied to the location: the grid, community or street node there, or
    the lead department (held under the location's street)."""
    level = rules["level"]
    if level == Level.DEPARTMENT:
        return Route(Level.DEPARTMENT, node_at(location_path, Level.STREET), department_for(location_path, rules["lead"]))
    node = node_at(location_path, level)
    if node is None:  # the location is above the level (e.g. a grid for a building matter)
        node = AreaNode.objects.get(path=location_path)
        level = level_of(node)
    return Route(level, node)


# Coordinates


def nearest_building(latitude: Decimal, longitude: Decimal, *, within: str = "") -> AreaNode | None:
    """The building nearest to the point (equirectangular distance; fine at city scale), searching
    a widening box so only nearby rows are read."""
    lat, lon = float(latitude), float(longitude)
    for box in (0.005, 0.02, 0.1, 0.5):
        qs = AreaNode.objects.filter(
            kind=AreaKind.BUILDING,
            is_active=True,
            latitude__range=(lat - box, lat + box),
            longitude__range=(lon - box, lon + box),
        )
        if within:
            qs = qs.filter(path__startswith=within)
        candidates = list(qs.only("id", "path", "latitude", "longitude", "name", "code", "kind")[:500])
        if candidates:
            cos = math.cos(math.radians(lat))
            return min(
                candidates,
                key=lambda b: (float(b.latitude) - lat) ** 2 + ((float(b.longitude) - lon) * cos) ** 2,
            )
    return None


# Time limits


def _require_aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def deadlines(start: dt.datetime, rules: dict) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """(respond by, handle by, warn from) for a case received at `start` under `rules`."""
    _require_aware(start, "start")
    response_due = calendar.add_working_hours(start, rules["response_hours"])
    handling_due = calendar.add_working_days(start, rules["handling_days"])
    return response_due, handling_due, warning_at(start, handling_due, Decimal(str(rules["warning_share"])))


def warning_at(start: dt.datetime, due: dt.datetime, share: Decimal) -> dt.datetime:
    """The moment `share` of the working time from `start` to `due` has passed (黄灯)."""
    _require_aware(start, "start")
    hours = calendar.working_hours_between(start, due)
    if hours <= 0:
        return due
    return calendar.add_working_hours(start, Decimal(str(hours)) * share)


class Light:
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


def light(*, now: dt.datetime, warn_at: dt.datetime, due: dt.datetime) -> str:
    if now >= due:
        return Light.RED
    if now >= warn_at:
        return Light.YELLOW
    return Light.GREEN
