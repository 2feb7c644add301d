"""The map of a node's children, drawn on the server as an SVG: each child's outline (longitude,
latitude) projected onto the picture, shaded by one measure of the month in five classes, linked to
the child's dashboard. Nothing is fetched from a map service and no script draws it; the shading is a
CSS class (`shade-0` … `shade-4`, `shade-none`), so the page's CSP needs no inline style.

A grid has no children: its map is its own outline with its buildings as dots.

`map_for` builds what the partial `dashboard/_map.html` shows; `map_from_request` reads `?shade=`
and answers an unknown measure with a translated error beside the picker (the page then says 400).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.areas.models import AreaKind
from gongzhi.areas.selectors import place_map
from gongzhi.core.errors import InvalidInput

from .formatting import cell_text
from .periods import Month
from .selectors import Overview
from .tables import COUNT, RATE

WIDTH = 1000  # the viewBox is WIDTH wide; its height follows the shapes' proportions
PAD = 20
MAX_HEIGHT = 800  # a tall map is fitted to this height instead
CLASSES = 5
DEFAULT_SHADE = "filed"
# Rates are shaded against fixed bounds, so a month and a node compare with another.
RATE_BOUNDS = (Decimal("0.6"), Decimal("0.7"), Decimal("0.8"), Decimal("0.9"))


def measures() -> dict[str, tuple[str, str]]:
    """The measures the map may be shaded by: key → (label, kind)."""
    return {
        "filed": (_("Requests (volume)"), COUNT),
        "response_rate": (pgettext("figure", "Response rate"), RATE),
        "resolution_rate": (pgettext("figure", "Resolution rate"), RATE),
        "satisfaction_rate": (pgettext("figure", "Satisfaction rate"), RATE),
        "composite": (pgettext("figure", "Composite"), RATE),
    }


@dataclass
class Map:
    node_id: int
    month: str
    shade: str
    shade_label: str
    measures: list[tuple[str, str]]
    svg: SafeString | str = ""
    legend: list[dict] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)  # children without an outline: name and link
    note: str = ""
    errors: dict = field(default_factory=dict)
    shade_typed: str = ""

    @property
    def invalid(self) -> bool:
        return bool(self.errors)


def parse_shade(value: str | None) -> str:
    """The measure asked for, `filed` when none; a translated error on `shade` for anything else."""
    if not value:
        return DEFAULT_SHADE
    if value not in measures():
        message = _("Pick one of the measures in the list.")
        raise InvalidInput(message, fields={"shade": [message]})
    return value


def map_from_request(request, overview: Overview, *, link: str = "dashboard:node") -> Map:
    """The map for the page: `?shade=` read from the request (an unknown one leaves the default
    shading with the error beside the picker; check `.invalid` for the page's status)."""
    typed = request.GET.get("shade", "")
    errors = {}
    try:
        shade = parse_shade(typed)
    except InvalidInput as exc:
        errors, shade = exc.fields, DEFAULT_SHADE
    result = map_for(overview=overview, shade=shade, month=overview.month, user=request.user, link=link)
    result.errors = errors
    result.shade_typed = typed or shade
    return result


def map_for(*, overview: Overview, shade: str, month: Month, user=None, link: str = "dashboard:node") -> Map:
    """What the map partial shows for the node of `overview`: the children shaded by `shade` in the
    month, or, for a grid (no children), its outline and buildings (those need `user`)."""
    shade = parse_shade(shade)
    label, kind = measures()[shade]
    result = Map(node_id=overview.node.pk, month=month.key, shade=shade, shade_label=str(label),
                 measures=[(key, str(text)) for key, (text, _kind) in measures().items()], shade_typed=shade)
    if overview.node.kind == AreaKind.GRID:
        _grid_map(result, overview, user)
        return result
    children = overview.children
    values = [c["figures"].get(shade) for c in children]
    classify, result.legend = _classes(kind, values)
    shapes = []
    for child in children:
        url = reverse(link, args=[child["id"]]) + "?" + urlencode({"month": month.key, "shade": shade})
        if not _is_polygon(child["outline"]):
            result.missing.append({"name": child["name"], "url": url})
            continue
        value = child["figures"].get(shade)
        shapes.append({"outline": child["outline"], "url": url, "name": child["name"],
                       "css": classify(value), "title": f"{child['name']}: {cell_text(value, kind)}"})
    if shapes:
        result.svg = _svg(shapes, [], caption=_("Map of %(name)s by %(measure)s") % {
            "name": overview.node.name, "measure": label})
    elif not children:
        result.note = _("This area has no sub-areas to draw.")
    return result


def _grid_map(result: Map, overview: Overview, user) -> None:
    node = overview.node
    buildings = []
    if user is not None:
        buildings = [b for b in place_map(user=user, node=node)["buildings"] if b["grid"] == node.pk]
    outline = node.outline if _is_polygon(node.outline) else None
    if outline is None and not buildings:
        result.note = _("This grid has no outline yet.")
        return
    shapes = [{"outline": outline, "url": "", "name": node.name, "css": "grid-self", "title": node.name}] if outline else []
    dots = [{"lng": b["longitude"], "lat": b["latitude"], "title": b["label"]} for b in buildings]
    result.svg = _svg(shapes, dots, caption=_("Map of %(name)s and its buildings") % {"name": node.name})
    result.note = "" if outline else _("This grid has no outline yet.")


def _is_polygon(outline) -> bool:
    return isinstance(outline, list) and len(outline) >= 3


# ---------------------------------------------------------------------------------------------
# Classes


def _classes(kind: str, values: list):
    """(value → CSS class, legend): counts in five equal steps from 0 to past the largest; rates
    against fixed bounds."""
    if kind == RATE:
        bounds = RATE_BOUNDS

        def classify(value) -> str:
            if value is None:
                return "shade-none"
            return f"shade-{sum(1 for b in bounds if Decimal(str(value)) >= b)}"

        pct = [f"{b * 100:.0f}%" for b in bounds]
        labels = [_("under %(v)s") % {"v": pct[0]}, *(f"{pct[i]}–{pct[i + 1]}" for i in range(len(pct) - 1)),
                  _("%(v)s and over") % {"v": pct[-1]}]
    else:
        largest = max((v for v in values if v is not None), default=0)
        step = max(1, int(largest) // (CLASSES - 1))  # the largest lands in the top class

        def classify(value) -> str:
            if value is None:
                return "shade-none"
            return f"shade-{min(CLASSES - 1, int(value) // step)}"

        labels = [(str(i * step) if step == 1 else f"{i * step}–{(i + 1) * step - 1}") for i in range(CLASSES - 1)]
        labels.append(_("%(v)s and over") % {"v": (CLASSES - 1) * step})
    legend = [{"css": f"shade-{i}", "label": label} for i, label in enumerate(labels)]
    if any(v is None for v in values):
        legend.append({"css": "shade-none", "label": _("no figures yet")})
    return classify, legend


# ---------------------------------------------------------------------------------------------
# Drawing


def _svg(shapes: list[dict], dots: list[dict], *, caption: str) -> SafeString:
    points = [p for s in shapes for p in s["outline"]] + [[d["lng"], d["lat"]] for d in dots]
    project, width, height = _projection(points)
    parts = []
    for s in shapes:
        xy = [project(p) for p in s["outline"]]
        d = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + " Z"
        cx, cy = _centroid(xy)
        body = format_html('<path class="map-area {}" d="{}"><title>{}</title></path>'
                           '<text class="map-label" x="{}" y="{}" text-anchor="middle">{}</text>',
                           s["css"], d, s["title"], f"{cx:.1f}", f"{cy:.1f}", s["name"])
        parts.append(format_html('<a href="{}" class="map-link">{}</a>', s["url"], body) if s["url"] else body)
    for dot in dots:
        x, y = project([dot["lng"], dot["lat"]])
        parts.append(format_html('<circle class="map-building" cx="{}" cy="{}" r="7"><title>{}</title></circle>',
                                 f"{x:.1f}", f"{y:.1f}", dot["title"]))
    return format_html('<svg class="map-svg" viewBox="0 0 {} {}" role="img" aria-label="{}" '
                       'xmlns="http://www.w3.org/2000/svg">{}</svg>', width, height, caption, format_html_join("", "{}", ((part,) for part in parts)))


def _projection(points: list):
    """Equirectangular: longitude scaled by the cosine of the mean latitude, north up, fitted to
    WIDTH with a margin; returns (project, width, height)."""
    lngs = [float(p[0]) for p in points]
    lats = [float(p[1]) for p in points]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    west, east, south, north = min(lngs), max(lngs), min(lats), max(lats)
    span_x = max((east - west) * scale_x, 1e-9)
    span_y = max(north - south, 1e-9)
    if east == west and north == south:  # one point: a small square around it
        span_x = span_y = 1e-3
    factor = (WIDTH - 2 * PAD) / span_x
    if span_y * factor > MAX_HEIGHT - 2 * PAD:  # a tall shape: fit the height, centre it
        factor = (MAX_HEIGHT - 2 * PAD) / span_y
    width = WIDTH
    height = round(span_y * factor + 2 * PAD)
    offset_x = (width - span_x * factor) / 2

    def project(p) -> tuple[float, float]:
        return (offset_x + (float(p[0]) - west) * scale_x * factor, PAD + (north - float(p[1])) * factor)

    return project, width, height


def _centroid(xy: list[tuple[float, float]]) -> tuple[float, float]:
    """The polygon's centroid (the mean of its corners when it has no area)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(xy, xy[1:] + xy[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-9:
        return sum(x for x, _y in xy) / len(xy), sum(y for _x, y in xy) / len(xy)
    return cx / (3 * area), cy / (3 * area)
