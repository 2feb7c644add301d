"""A unit's plan: its own weights (summing to 100) and targets for the period, set by the level
above (the district for its streets, the street for its communities) while the period is a draft;
copied from the unit's plan of the last period or from a template. Refused once the period has
started, with the reason beside the field."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import lock_visible

from ..models import Period, Plan, PlanLine, Template
from ..selectors.periods import previous_period
from .inputs import text
from .periods import parse_lines, refuse_if_locked


def _check_unit(period: Period, unit: AreaNode) -> None:
    if unit.kind not in (AreaKind.STREET, AreaKind.COMMUNITY) or not unit.path.startswith(period.district.path):
        raise NotFound()


@transaction.atomic
def set_plan(*, actor: Actor, period: Period, unit: AreaNode, lines: list[dict], note: str = "") -> Plan:
    """Write the unit's weights and targets (all of them: lines not given are dropped)."""
    period = lock_visible(Period, actor=actor, pk=period.pk)
    _check_unit(period, unit)
    require(actor, "targets.plan", unit)
    refuse_if_locked(period, "lines")
    parsed = parse_lines(lines)
    plan, created = Plan.objects.get_or_create(period=period, unit=unit)
    before = None if created else {"lines": [[pl.indicator.code, pl.weight, pl.target]
                                             for pl in plan.lines.select_related("indicator")], "note": plan.note}
    plan.lines.all().delete()
    PlanLine.objects.bulk_create([PlanLine(plan=plan, indicator=i, weight=w, target=t) for i, w, t in parsed])
    plan.note = text(note, "note", required=False)
    plan.save()
    audit.record(actor=actor, action="targets.plan.set", obj=plan, before=before,
                 after={"lines": [[i.code, w, t] for i, w, t in parsed], "note": plan.note})
    return plan


@transaction.atomic
def copy_plan(*, actor: Actor, period: Period, unit: AreaNode, template: Template | None = None) -> Plan:
    """The unit's plan copied from its plan of the district's previous period of the same kind
    (no template), or from the template (weights and targets as they are there; edit them after)."""
    period = lock_visible(Period, actor=actor, pk=period.pk)
    _check_unit(period, unit)
    require(actor, "targets.plan", unit)
    refuse_if_locked(period, "lines")
    if template is not None:
        if template.district_id != period.district_id:
            raise NotFound()
        source = [{"indicator": line.indicator_id, "weight": line.weight, "target": line.target}
                  for line in template.lines.all()]
        origin = {"template": template.pk}
    else:
        last = previous_period(period)
        plan = Plan.objects.filter(period=last, unit=unit).first() if last is not None else None
        if plan is None:
            message = _("There is no plan of this unit in the last period to copy.")
            raise InvalidInput(message, fields={"lines": [message]})
        source = [{"indicator": line.indicator_id, "weight": line.weight, "target": line.target}
                  for line in plan.lines.all()]
        origin = {"period": last.pk}
    result = set_plan(actor=actor, period=period, unit=unit, lines=source)
    audit.record(actor=actor, action="targets.plan.copy", obj=result, after=origin)
    return result
