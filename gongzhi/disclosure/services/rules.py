"""The timing rules as data: the district sets, per timing type, how many working days (and hours)
after the trigger an item is due, the cadence of regular business and when owners are reminded."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit, permissions, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput

from ..models import ScheduleCadence, Timing, TimingRule

RULE_FIELDS = ["district", "timing", "working_days", "working_hours", "cadence", "periods_ahead", "remind_days",
               "description"]


@transaction.atomic
def timing_rule_save(*, actor: Actor, district: AreaNode | None, timing: str, working_days: int,
                     working_hours: int = 0, cadence: str = "", periods_ahead: int = 1, remind_days: int = 2,
                     description: str = "", rule: TimingRule | None = None) -> TimingRule:
    """Create or change a district's rule for a timing type (district None: the default rule, which
    only the system and superusers set)."""
    if district is not None and district.kind != AreaKind.DISTRICT:
        message = _("Choose a district.")
        raise InvalidInput(message, fields={"district": [message]})
    permissions.require(actor, "disclosure.manage_rules", district)
    if district is None and scope.scope_paths(actor) is not None:
        message = _("Choose a district.")
        raise InvalidInput(message, fields={"district": [message]})
    if timing not in Timing.values:
        message = _("Choose a valid option.")
        raise InvalidInput(message, fields={"timing": [message]})
    if cadence and cadence not in ScheduleCadence.values:
        message = _("Choose a valid option.")
        raise InvalidInput(message, fields={"cadence": [message]})
    if working_days > 60 or working_hours > 80:
        message = _("At most 60 working days or 80 working hours.")
        raise InvalidInput(message, fields={"working_days": [message]})
    if rule is None:
        rule = TimingRule.objects.filter(district=district, timing=timing).first()
    before = audit.snapshot(rule, RULE_FIELDS) if rule is not None and rule.pk else None
    if rule is None:
        rule = TimingRule()
    rule.district, rule.timing, rule.working_days, rule.working_hours = district, timing, working_days, working_hours
    rule.cadence, rule.periods_ahead, rule.remind_days = cadence, periods_ahead, remind_days
    rule.description = (description or "").strip()[:300]
    return audit.save(actor=actor, obj=rule, action="disclosure.rule.save", fields=RULE_FIELDS, before=before)


@transaction.atomic
def timing_rule_delete(*, actor: Actor, rule: TimingRule) -> None:
    """Drop a district's own rule: its communities follow the default rule again."""
    permissions.require(actor, "disclosure.manage_rules", rule.district)
    audit.record(actor=actor, action="disclosure.rule.delete", obj=rule, before=audit.snapshot(rule, RULE_FIELDS))
    rule.delete()
