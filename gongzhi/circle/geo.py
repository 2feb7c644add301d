"""Distances, walking time and opening hours — plain arithmetic, no spatial database.

Walking time is the straight-line (great-circle) distance times CIRCLE_WALK_FACTOR (streets are not
straight) over CIRCLE_WALK_METRES_PER_MINUTE. Opening hours are the `hours` JSON of a point or a
provider: [{"days": [0..6], "opens": "HH:MM", "closes": "HH:MM"}, …]; empty means no fixed hours
(always open)."""

from __future__ import annotations

import datetime as dt
import math
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.components import setting

EARTH_RADIUS_M = 6_371_000
_TIME = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def metres_between(lat1, lng1, lat2, lng2) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def walking_minutes(metres: float) -> float:
    return metres * float(setting("CIRCLE_WALK_FACTOR")) / float(setting("CIRCLE_WALK_METRES_PER_MINUTE"))


def walk_radius_m(minutes: float | None = None) -> float:
    """The straight-line distance a walk of `minutes` (default CIRCLE_WALK_MINUTES) covers."""
    minutes = float(setting("CIRCLE_WALK_MINUTES")) if minutes is None else minutes
    return minutes * float(setting("CIRCLE_WALK_METRES_PER_MINUTE")) / float(setting("CIRCLE_WALK_FACTOR"))


def _minutes(text: str) -> int:
    hours, minutes = (int(x) for x in _TIME.match(text).groups())
    return hours * 60 + minutes


def hours_problems(hours) -> list[str]:
    """What is wrong with an opening-hours value (empty: nothing)."""
    if not isinstance(hours, list):
        return [_("Opening hours are a list of periods.")]
    problems = []
    for period in hours:
        if not isinstance(period, dict) or set(period) != {"days", "opens", "closes"}:
            problems.append(_("Each period names its days, when it opens and when it closes."))
            continue
        days = period["days"]
        if not isinstance(days, list) or not days or not all(isinstance(d, int) and 0 <= d <= 6 for d in days):
            problems.append(_("Days are numbers from 0 (Monday) to 6 (Sunday)."))
        for key in ("opens", "closes"):
            if not isinstance(period[key], str) or not _TIME.match(period[key]):
                problems.append(_("Times are written HH:MM, e.g. 08:30."))
                break
        else:
            if _minutes(period["closes"]) <= _minutes(period["opens"]):
                problems.append(_("A period closes after it opens."))
    return problems


def open_at(hours, moment: dt.datetime | None = None) -> bool:
    """Whether a place with these hours is open at `moment` (local time; default now)."""
    if not hours:
        return True
    local = timezone.localtime(moment or timezone.now())
    minute = local.hour * 60 + local.minute
    for period in hours:
        if local.weekday() in period.get("days", ()) and _minutes(period["opens"]) <= minute < _minutes(period["closes"]):
            return True
    return False


def hours_text(hours) -> str:
    """One line for people: “周一至周五 09:00–17:00；周六 09:00–12:00” (in the active language)."""
    if not hours:
        return _("Open at any time")
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    parts = []
    for period in hours:
        days = sorted(period["days"])
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            label = f"{names[days[0]]}–{names[days[-1]]}"
        else:
            label = "、".join(names[d] for d in days)
        parts.append(f"{label} {period['opens']}–{period['closes']}")
    return "; ".join(parts)
