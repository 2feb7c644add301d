"""The indicators a district starts from: declared figures of the case pipeline, the open books,
meetings, volunteers, care, co-building and the service circle. Loaded by the demo and by
`ensure_default_indicators` (an existing code is left as it is)."""

from __future__ import annotations

from django.utils.translation import override, pgettext_lazy

from .models import Direction, FigureUnit, Indicator

H, L = Direction.HIGHER, Direction.LOWER
R, C, N = FigureUnit.RATE, FigureUnit.COUNT, FigureUnit.NUMBER

# code, name, provider, figure, direction, unit, bottom line
DEFAULT_INDICATORS = [
    ("response", pgettext_lazy("figure", "Response rate"), "cases.summary", "cases.response_rate", H, R, False),
    ("resolution", pgettext_lazy("figure", "Resolution rate"), "cases.summary", "cases.resolution_rate", H, R, False),
    ("satisfaction", pgettext_lazy("figure", "Satisfaction rate"), "cases.summary", "cases.satisfaction_rate", H, R,
     False),
    ("level-closure", pgettext_lazy("figure", "Level closure rate"), "cases.summary", "cases.level_closure_rate", H, R,
     False),
    ("on-time", pgettext_lazy("figure", "On-time resolution rate"), "cases.summary", "cases.on_time_rate", H, R, True),
    ("disclosure", pgettext_lazy("figure", "Open books on time"), "disclosure.on_time", "disclosure.on_time_rate", H,
     R, True),
    ("meetings", pgettext_lazy("figure", "Meetings held"), "meetings.summary", "held", H, C, False),
    ("volunteer-hours", pgettext_lazy("figure", "Volunteer hours"), "volunteers.summary", "volunteers.hours", H,
     FigureUnit.HOURS, False),
    ("care-coverage", pgettext_lazy("figure", "Care coverage"), "care.summary", "care.coverage", H, R, False),
    ("needs-met", pgettext_lazy("figure", "Co-building needs met"), "cobuilding.summary", "cobuilding.needs_met", H,
     C, False),
    ("circle-satisfied", pgettext_lazy("figure", "Service circle satisfaction"), "circle.summary",
     "circle.satisfied_share", H, R, False),
    ("circle-overdue", pgettext_lazy("figure", "Service orders past a time limit"), "circle.summary",
     "circle.orders_overdue", L, N, False),
]


def ensure_default_indicators() -> dict[str, Indicator]:
    """The default indicators by code (created with their Chinese names where missing)."""
    found = {}
    with override("zh-hans"):
        for order, (code, name, provider, figure, direction, unit, bottom) in enumerate(DEFAULT_INDICATORS):
            found[code], _created = Indicator.objects.get_or_create(
                code=code, defaults={"name": str(name), "provider": provider, "figure": figure, "direction": direction,
                                     "unit": unit, "bottom_line": bottom, "order": (order + 1) * 10})
    return found
