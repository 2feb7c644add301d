"""What care holds about a person of the registry, for the person's own data export (the privacy
app's subject access): the care plans they are cared for in — with the health notes in full, as the
export is for the person themself — and the visits made to them."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..models import CareNeed, CarePlan, CareVisit


def _needs(values) -> str:
    return "、".join(str(CareNeed(n).label) for n in values if n in CareNeed.values)


def care_rows_of(*, person) -> list[list]:
    """One row per fact: [what, when, detail] (empty when the person is in no care plan)."""
    plans = list(CarePlan.objects.filter(people=person).select_related("branch__organization").order_by("created_at"))
    rows: list[list] = []
    for plan in plans:
        detail = [f"{plan.branch}", plan.get_state_display(), _needs(plan.needs),
                  _("at least every %(days)s days") % {"days": plan.every_days}]
        if plan.health_notes:
            detail.append(f"{_('Health notes')}: {plan.health_notes}")
        if plan.closed_on:
            detail.append(f"{plan.get_close_reason_display()} {plan.closed_on:%Y-%m-%d}")
        rows.append([_("Care plan"), plan.created_at, "；".join(d for d in detail if d)])
    for visit in (CareVisit.objects.filter(plan__in=plans).select_related("carer").order_by("visited_at")
                  if plans else []):
        detail = [visit.carer.name if visit.carer else "", _needs(visit.done), visit.get_condition_display(),
                  visit.notes]
        rows.append([pgettext("care", "Visit"), visit.visited_at, "；".join(d for d in detail if d)])
    return rows
