"""The district keeps the scoring rules and the pay formula as data. A change is a new rule from a
date: the rule it replaces (same kind and area) ends the day before. Rules never start before the
current month, so a change never reaches a month that may be closed; closed months are never
recomputed anyway."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import require

from ..models import PayFormula, ScoreRule, month_start
from .scoring import kinds

POINTS_LIMIT = 1000
AMOUNT_LIMIT = Decimal("1000000")


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def _check_start(valid_from: dt.date | None) -> dt.date:
    if valid_from is None:
        raise _invalid("valid_from", _("Give the date the rule applies from."))
    if valid_from < month_start(timezone.localdate()):
        raise _invalid("valid_from", _("A rule applies from the current month on; past months keep their rules."))
    if valid_from.year > 2100:
        raise _invalid("valid_from", _("Give a date before 2100."))
    return valid_from


def _check_area(actor: Actor, area: AreaNode | None) -> None:
    if area is not None and not AreaNode.objects.visible_to(actor).filter(pk=area.pk).exists():
        raise _invalid("area", _("Choose an area of your own."))


def _end_previous(queryset, valid_from: dt.date, field: str) -> list:
    """End the open-ended predecessors the day before; refuse when one starts on or after the date."""
    if queryset.filter(valid_from__gte=valid_from).exists():
        raise _invalid(field, _("A rule for this kind and area already starts on or after this date."))
    ended = []
    for previous in queryset.filter(valid_from__lt=valid_from).exclude(valid_until__lt=valid_from):
        previous.valid_until = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_until"])
        ended.append(previous.pk)
    return ended


@transaction.atomic
def rule_create(*, actor: Actor, kind: str, points: int, valid_from: dt.date, area: AreaNode | None = None,
                label: str = "", valid_until: dt.date | None = None, note: str = "") -> ScoreRule:
    """A new rule: `points` (negative: a deduction) for `kind` in `area` (None: everywhere) from `valid_from`."""
    require(actor, "assessment.keep_rules")
    known = kinds()
    if kind not in known:
        raise _invalid("kind", _("Choose a kind of event the platform records."))
    if not isinstance(points, int) or abs(points) > POINTS_LIMIT:
        raise _invalid("points", _("Give whole points between -1000 and 1000."))
    _check_start(valid_from)
    if valid_until is not None and valid_until < valid_from:
        raise _invalid("valid_until", _("The end comes before the start."))
    _check_area(actor, area)
    label = (label or "").strip() or known[kind]
    if len(label) > 100:
        raise _invalid("label", _("Keep the label within 100 characters."))
    ended = _end_previous(ScoreRule.objects.select_for_update().filter(kind=kind, area=area), valid_from, "valid_from")
    rule = ScoreRule.objects.create(kind=kind, label=label, points=points, area=area, valid_from=valid_from,
                                    valid_until=valid_until, note=(note or "")[:200],
                                    created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="assessment.rule.create", obj=rule,
                 after={**audit.snapshot(rule), "ended": ended}, area_path=area.path if area else "")
    return rule


@transaction.atomic
def rule_end(*, actor: Actor, rule: ScoreRule, valid_until: dt.date) -> ScoreRule:
    """End a rule on a date (not before the current month)."""
    require(actor, "assessment.keep_rules")
    if valid_until < month_start(timezone.localdate()) - dt.timedelta(days=1) or valid_until < rule.valid_from:
        raise _invalid("valid_until", _("A rule ends in the current month or later, and after it starts."))
    before = audit.snapshot(rule)
    rule.valid_until = valid_until
    rule.save(update_fields=["valid_until"])
    audit.record(actor=actor, action="assessment.rule.end", obj=rule, before=before, after=audit.snapshot(rule))
    return rule


def _amount(value, field: str, *, optional: bool = False) -> Decimal | None:
    if value is None or value == "":
        if optional:
            return None
        raise _invalid(field, _("Give an amount."))
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid(field, _("Give an amount.")) from None
    if amount.is_nan() or abs(amount) >= AMOUNT_LIMIT:
        raise _invalid(field, _("Give an amount below 1,000,000."))
    return amount


@transaction.atomic
def formula_create(*, actor: Actor, valid_from: dt.date, base, per_point, floor=0, cap=None,
                   area: AreaNode | None = None) -> PayFormula:
    """A new pay formula from a date: base + per_point × score, at least `floor`, at most `cap`."""
    require(actor, "assessment.keep_rules")
    _check_start(valid_from)
    _check_area(actor, area)
    base, per_point = _amount(base, "base"), _amount(per_point, "per_point")
    floor, cap = _amount(floor, "floor"), _amount(cap, "cap", optional=True)
    if cap is not None and cap < floor:
        raise _invalid("cap", _("The cap is below the floor."))
    ended = _end_previous(PayFormula.objects.select_for_update().filter(area=area), valid_from, "valid_from")
    formula = PayFormula.objects.create(area=area, valid_from=valid_from, base=base, per_point=per_point, floor=floor,
                                        cap=cap, created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="assessment.formula.create", obj=formula,
                 after={**audit.snapshot(formula), "ended": ended}, area_path=area.path if area else "")
    return formula
