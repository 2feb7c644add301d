"""The figures every component declares (`core.components.figure_providers()`): the catalogue the
indicators are chosen from, and the figures of one unit over a period.

The assessment reads figures only through the providers. It reads them as the system acting for
the user who asks (`SystemActor(on_behalf_of=user)`): a score is the same whoever looks at it, and
who may see a unit's score is decided by the assessment's own rules, not by each provider's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.core import components
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Forbidden, NotFound


@dataclass(frozen=True)
class DeclaredFigure:
    provider: str
    provider_label: str
    key: str
    label: str


def reader(user) -> SystemActor:
    return SystemActor(label="targets", on_behalf_of=user if getattr(user, "pk", None) else None)


def providers() -> dict[str, object]:
    return {p.key: p for _label, p in components.figure_providers()}


def catalogue(*, user, node: AreaNode | None = None) -> list[DeclaredFigure]:
    """Every figure of every provider (key and label), read for `node` (default: the first root)
    over the last week; a provider that refuses is left out."""
    if node is None:
        node = AreaNode.objects.filter(depth=1).order_by("path").first()
    end = timezone.localdate() + dt.timedelta(days=1)
    start = end - dt.timedelta(days=7)
    found: list[DeclaredFigure] = []
    for key, provider in providers().items():
        try:
            figures = provider.compute(user=reader(user), node=node, start=start, end=end)
        except (NotFound, Forbidden):
            continue
        for figure in figures:
            found.append(DeclaredFigure(provider=key, provider_label=str(provider.label), key=str(figure["key"]),
                                        label=str(figure["label"])))
    return found


def as_decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def unit_figures(*, user, node: AreaNode, start: dt.date, end: dt.date, wanted: set[str]) -> dict[tuple[str, str], dict]:
    """(provider key, figure key) → the figure dict, for the providers named in `wanted`, for
    `node` over [start, end) (end exclusive, as providers take it)."""
    found: dict[tuple[str, str], dict] = {}
    declared = providers()
    for key in sorted(wanted):
        provider = declared.get(key)
        if provider is None:
            continue
        try:
            figures = provider.compute(user=reader(user), node=node, start=start, end=end)
        except (NotFound, Forbidden):
            continue
        for figure in figures:
            found[(key, str(figure["key"]))] = figure
    return found
