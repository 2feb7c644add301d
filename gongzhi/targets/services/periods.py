"""Writes of the assessment's master data and periods: indicators, periods and their common bottom
lines, templates, star thresholds; opening a period (locks the plans) and closing it (computes the
scores once and freezes them). Every write is audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import (
    BottomLine,
    Direction,
    FigureUnit,
    Indicator,
    Period,
    PeriodKind,
    Plan,
    Result,
    ResultLine,
    StarThreshold,
    Template,
    TemplateLine,
)
from ..selectors import scores as score_selectors
from ..selectors.figures_catalogue import catalogue, providers
from ..workflow import PERIOD_WORKFLOW
from .inputs import number, text


def _locked_message() -> str:
    return _("The period has started: its plans and bottom lines are locked.")


def refuse_if_locked(period: Period, field: str) -> None:
    if period.locked:
        message = _locked_message()
        raise InvalidInput(message, code="locked", fields={field: [message]})


# ---------------------------------------------------------------------------------------------
# indicators


@transaction.atomic
def save_indicator(*, actor: Actor, pk: int | None = None, code: str, name: str, provider: str, figure: str,
                   direction: str, unit: str, bottom_line: bool = False, description: str = "",
                   active: bool = True, order: int = 100) -> Indicator:
    """Create or change an indicator: a declared figure (provider key + figure key) with its
    direction and unit. The figure must be one a component declares."""
    require(actor, "targets.keep")
    if provider not in providers():
        message = _("Choose a figure provider a component declares.")
        raise InvalidInput(message, fields={"provider": [message]})
    if not any(f.provider == provider and f.key == figure for f in catalogue(user=actor)):
        message = _("Choose a figure the provider declares.")
        raise InvalidInput(message, fields={"figure": [message]})
    if direction not in Direction.values:
        message = _("Choose higher or lower is better.")
        raise InvalidInput(message, fields={"direction": [message]})
    if unit not in FigureUnit.values:
        message = _("Choose a unit.")
        raise InvalidInput(message, fields={"unit": [message]})
    obj = audit.lock(Indicator, pk) if pk is not None else Indicator()
    if obj is None:
        from gongzhi.core.errors import NotFound

        raise NotFound()
    before = audit.snapshot(obj) if pk is not None else None
    obj.code = text(code, "code", longest=40)
    obj.name = text(name, "name", longest=100)
    obj.provider, obj.figure, obj.direction, obj.unit = provider, figure, direction, unit
    obj.bottom_line, obj.description, obj.active, obj.order = bool(bottom_line), description or "", bool(active), order
    return audit.save(actor=actor, obj=obj, action="targets.indicator.create" if pk is None else "targets.indicator.update",
                      fields=["code", "name", "provider", "figure", "direction", "unit", "bottom_line", "description",
                              "active", "order"], before=before)


# ---------------------------------------------------------------------------------------------
# periods


def bounds(kind: str, year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if kind == PeriodKind.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    first = dt.date(year, 3 * (quarter - 1) + 1, 1)
    last_month = 3 * quarter
    end = (dt.date(year + 1, 1, 1) if last_month == 12 else dt.date(year, last_month + 1, 1)) - dt.timedelta(days=1)
    return first, end


@transaction.atomic
def create_period(*, actor: Actor, district: AreaNode, kind: str, year: int, quarter: int | None = None) -> Period:
    """A year or a quarter of the district, in draft (plans being set)."""
    require(actor, "targets.keep", district)
    if district.kind != AreaKind.DISTRICT:
        message = _("Choose a district.")
        raise InvalidInput(message, fields={"district": [message]})
    if kind not in PeriodKind.values:
        message = _("Choose a year or a quarter.")
        raise InvalidInput(message, fields={"kind": [message]})
    if not 2000 <= int(year) <= 2100:
        message = _("Enter a year between 2000 and 2100.")
        raise InvalidInput(message, fields={"year": [message]})
    if kind == PeriodKind.QUARTER:
        if quarter not in (1, 2, 3, 4):
            message = _("Choose a quarter from 1 to 4.")
            raise InvalidInput(message, fields={"quarter": [message]})
    else:
        quarter = None
    if Period.objects.filter(district=district, kind=kind, year=year, quarter=quarter).exists():
        message = _("This period exists already.")
        raise InvalidInput(message, fields={"year": [message]})
    start, end = bounds(kind, int(year), quarter)
    try:
        with transaction.atomic():
            period = Period.objects.create(district=district, kind=kind, year=year, quarter=quarter, start=start,
                                           end=end)
    except IntegrityError:
        message = _("This period exists already.")
        raise InvalidInput(message, fields={"year": [message]}) from None
    audit.record(actor=actor, action="targets.period.create", obj=period, after=audit.snapshot(period))
    return period


@transaction.atomic
def set_bottom_line(*, actor: Actor, period: Period, indicator: Indicator, target, remove: bool = False) -> BottomLine | None:
    """The district's common target of a bottom-line indicator for the period (the same for every
    unit); refused once the period has started."""
    period = lock_visible(Period, actor=actor, pk=period.pk)
    require(actor, "targets.keep", period)
    refuse_if_locked(period, "target")
    if not indicator.bottom_line:
        message = _("Only a bottom-line indicator has a common target.")
        raise InvalidInput(message, fields={"indicator": [message]})
    existing = BottomLine.objects.filter(period=period, indicator=indicator).first()
    if remove:
        if existing is not None:
            audit.record(actor=actor, action="targets.bottom_line.remove", obj=period,
                         before={"indicator": indicator.code, "target": existing.target})
            existing.delete()
        return None
    value = number(target, "target")
    before = {"indicator": indicator.code, "target": existing.target} if existing else None
    line, _created = BottomLine.objects.update_or_create(period=period, indicator=indicator,
                                                         defaults={"target": value})
    audit.record(actor=actor, action="targets.bottom_line.set", obj=period, before=before,
                 after={"indicator": indicator.code, "target": value})
    return line


def _open_update(period: Period):
    if not Plan.objects.filter(period=period).exists():
        message = _("Set at least one unit's plan before the period starts.")
        raise InvalidInput(message, fields={"plans": [message]})
    period.opened_at = timezone.now()
    return ["opened_at"]


def open_period(*, actor: Actor, period: Period) -> Period:
    """Start the period: from now on its plans and bottom lines are locked."""
    return apply_transition(PERIOD_WORKFLOW, actor=actor, obj=period, action="open",
                            update=_open_update)


def close_period(*, actor: Actor, period: Period) -> Period:
    """Close the period: compute every unit's score from the figures once, store it with its lines
    and ranks; from now on the scores are read from what was stored, never recomputed."""

    def update(row: Period):
        if Result.objects.filter(period=row).exists():
            raise Conflict(_("The results of this period are frozen already."))
        now = timezone.now()
        for s in score_selectors.compute(user=actor_user(actor) or actor, period=row):
            result = Result.objects.create(period=row, unit=s.unit, total=s.total, raw_total=s.raw_total, rank=s.rank,
                                           peers=s.peers, bottom_missed=s.bottom_missed, computed_at=now)
            ResultLine.objects.bulk_create([
                ResultLine(result=result, indicator=line.indicator, bottom_line=line.bottom_line, actual=line.actual,
                           target=line.target, weight=line.weight, ratio=line.ratio, points=line.points, met=line.met,
                           url=line.url[:500])
                for line in s.lines
            ])
        row.closed_at = now
        row.closed_by = actor_user(actor)
        return ["closed_at", "closed_by"]

    return apply_transition(PERIOD_WORKFLOW, actor=actor, obj=period, action="close", update=update)


# ---------------------------------------------------------------------------------------------
# templates and star thresholds


def parse_lines(lines: list[dict], *, field: str = "lines") -> list[tuple[Indicator, Decimal, Decimal]]:
    """[(indicator, weight, target)] from [{"indicator": id, "weight": …, "target": …}]: weighted
    (not bottom-line) active indicators, each once, weights summing to 100."""
    parsed: list[tuple[Indicator, Decimal, Decimal]] = []
    ids = set()
    known = {i.pk: i for i in Indicator.objects.filter(active=True, bottom_line=False)}
    for _i, line in enumerate(lines or []):
        try:
            indicator = known.get(int(line.get("indicator")))
        except (TypeError, ValueError):
            indicator = None
        if indicator is None or indicator.pk in ids:
            message = _("Choose each active weighted indicator once.")
            raise InvalidInput(message, fields={field: [message]})
        ids.add(indicator.pk)
        weight = number(line.get("weight"), f"weight_{indicator.pk}", high=Decimal(100))
        target = number(line.get("target"), f"target_{indicator.pk}")
        if weight > 0:
            parsed.append((indicator, weight, target))
    total = sum((w for _i, w, _t in parsed), Decimal(0))
    if total != Decimal(100):
        message = _("The weights add up to %(total)s; they must add up to 100.") % {"total": total.normalize()}
        raise InvalidInput(message, fields={field: [message]})
    return parsed


@transaction.atomic
def save_template(*, actor: Actor, district: AreaNode, name: str, lines: list[dict], pk: int | None = None) -> Template:
    require(actor, "targets.keep", district)
    parsed = parse_lines(lines)
    if pk is not None:
        template = lock_visible(Template, actor=actor, pk=pk)
        template.name = text(name, "name", longest=100)
        template.save(update_fields=["name"])
        template.lines.all().delete()
    else:
        template = Template.objects.create(district=district, name=text(name, "name", longest=100))
    TemplateLine.objects.bulk_create([TemplateLine(template=template, indicator=i, weight=w, target=t)
                                      for i, w, t in parsed])
    audit.record(actor=actor, action="targets.template.save", obj=template,
                 after={"name": template.name, "lines": [[i.code, w, t] for i, w, t in parsed]})
    return template


@transaction.atomic
def set_thresholds(*, actor: Actor, district: AreaNode, thresholds: dict[int, object]) -> list[StarThreshold]:
    """The least yearly score each number of stars needs (1–5); more stars need a higher score."""
    require(actor, "targets.keep", district)
    parsed: dict[int, Decimal] = {}
    for stars, value in thresholds.items():
        if int(stars) not in range(1, 6):
            message = _("Stars go from 1 to 5.")
            raise InvalidInput(message, fields={"stars": [message]})
        if value in (None, ""):
            continue
        parsed[int(stars)] = number(value, f"stars_{stars}", high=Decimal(200))
    ordered = sorted(parsed.items())
    for (_s1, v1), (s2, v2) in zip(ordered, ordered[1:], strict=False):
        if v2 <= v1:
            message = _("More stars must need a higher score.")
            raise InvalidInput(message, fields={f"stars_{s2}": [message]})
    before = {t.stars: t.min_score for t in StarThreshold.objects.filter(district=district)}
    StarThreshold.objects.filter(district=district).delete()
    rows = StarThreshold.objects.bulk_create([StarThreshold(district=district, stars=s, min_score=v) for s, v in ordered])
    audit.record(actor=actor, action="targets.thresholds.set", obj=district, before=before, after=dict(ordered))
    return rows
