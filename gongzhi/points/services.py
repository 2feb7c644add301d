"""Every write to the points ledger. Programmes call these from their own services, which have
already asked the gate for their own action (a check-out, a redemption); the manual award and its
approval ask the gate here.

A balance changes in one statement that also checks it (`balance + amount >= 0`), after the
account row is locked, so two redemptions at once can never both spend the last points; an entry
with a source is written once per account (a repeated award returns the first entry).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition, lock_visible

from . import selectors
from .models import Account, Adjustment, EarningRule, Entry, EntryKind, RuleBasis
from .workflow import ADJUSTMENT_WORKFLOW

REASON_MAX = Entry._meta.get_field("reason").max_length


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why."), fields={"reason": [_("Say why.")]})
    if len(reason) > REASON_MAX:
        message = _("At most %(count)d characters.") % {"count": REASON_MAX}
        raise InvalidInput(message, fields={"reason": [message]})
    return reason


@transaction.atomic
def account_open(*, actor: Actor, programme: str, holder: models.Model, area: AreaNode, name: str) -> Account:
    """The holder's account in the programme, opened on first use (the name and area follow the
    holder when they change)."""
    holder_type = ContentType.objects.get_for_model(holder)
    account, created = Account.objects.get_or_create(
        programme=programme, holder_type=holder_type, holder_id=holder.pk,
        defaults={"name": name[:100], "area": area},
    )
    if created:
        audit.record(actor=actor, action="points.account.open", obj=account,
                     after={"programme": programme, "holder": f"{holder_type.model}:{holder.pk}", "area": area.pk})
    elif account.name != name[:100] or account.area_id != area.pk:
        before = {"name": account.name, "area": account.area_id}
        Account.objects.filter(pk=account.pk).update(name=name[:100], area=area)
        account.name, account.area = name[:100], area
        audit.record(actor=actor, action="points.account.update", obj=account, before=before,
                     after={"name": account.name, "area": area.pk})
    return account


@transaction.atomic
def entry_write(*, actor: Actor, account: Account | int, kind: str, amount: int, reason: str, source: str = "",
                rule: EarningRule | None = None, quantity: Decimal | None = None,
                approved_by=None) -> Entry:
    """Write one entry and move the balance with it. An entry whose `source` this account already
    has is not written again: the first one is returned. Refuses (nothing written) a zero amount
    and a balance that would fall below zero."""
    reason = _reason(reason)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise InvalidInput(_("A number of points other than zero."), fields={"amount": [_("A number of points other than zero.")]})
    pk = account.pk if isinstance(account, Account) else account
    locked = Account.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise InvalidInput(_("No such points account."), fields={"account": [_("No such points account.")]})
    if source:
        existing = Entry.objects.filter(account=locked, source=source).first()
        if existing is not None:
            return existing
    # The kept totals: earned (by rule and by award), spent (redemptions less what was returned).
    earned = amount if kind in (EntryKind.EARN, EntryKind.AWARD) else 0
    spent = -amount if kind in (EntryKind.SPEND, EntryKind.REFUND) else 0
    # a refund gives back at most what was spent (the kept total never goes below zero)
    guard = {"spent__gte": -spent} if spent < 0 else {}
    moved = Account.objects.filter(pk=pk, balance__gte=-amount, **guard).update(
        balance=F("balance") + amount, earned=F("earned") + earned, spent=F("spent") + spent,
    )
    if not moved and guard and locked.balance >= -amount:
        message = _("Only points that were spent are given back: %(spent)d spent, %(asked)d asked.") % {
            "spent": locked.spent, "asked": amount}
        raise Conflict(message, code="nothing_to_refund", fields={"amount": [message]})
    if not moved:
        message = _("Not enough points: %(held)d held, %(asked)d asked.") % {"held": locked.balance, "asked": -amount}
        raise Conflict(message, code="not_enough_points", fields={"amount": [message]})
    balance = Account.objects.values_list("balance", flat=True).get(pk=pk)
    entry = Entry.objects.create(
        account=locked, kind=kind, amount=amount, balance_after=balance, reason=reason, source=source,
        rule=rule, quantity=quantity, approved_by=approved_by, created_by=actor_user(actor),
    )
    audit.record(actor=actor, action="points.entry.write", obj=entry,
                 after={"account": pk, "kind": kind, "amount": amount, "balance": balance, "source": source})
    return entry


def earn(*, actor: Actor, account: Account, key: str, quantity: Decimal | int = 1, source: str, reason: str,
         on: dt.date | None = None) -> Entry | None:
    """Points by the earning rule `key` valid on `on` for the account's area (per hour: times the
    hours in `quantity`; rounded down, at least the rule's points for a per-event rule). None when no
    rule applies or it gives nothing."""
    rule = selectors.rule_for(programme=account.programme, key=key, area=account.area, on=on or timezone.localdate())
    if rule is None:
        return None
    quantity = Decimal(quantity)
    amount = int(rule.points * quantity) if rule.basis == RuleBasis.PER_HOUR else rule.points
    if amount <= 0:
        return None
    return entry_write(actor=actor, account=account, kind=EntryKind.EARN, amount=amount, reason=reason, source=source,
                       rule=rule, quantity=quantity)


def spend(*, actor: Actor, account: Account | int, amount: int, reason: str, source: str) -> Entry:
    """Take `amount` (> 0) points for a redemption; refused when the balance is short."""
    if not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("A positive number of points."), fields={"amount": [_("A positive number of points.")]})
    return entry_write(actor=actor, account=account, kind=EntryKind.SPEND, amount=-amount, reason=reason, source=source)


def refund(*, actor: Actor, account: Account | int, amount: int, reason: str, source: str) -> Entry:
    """Give back `amount` (> 0) points of a cancelled redemption (once per source)."""
    if not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("A positive number of points."), fields={"amount": [_("A positive number of points.")]})
    return entry_write(actor=actor, account=account, kind=EntryKind.REFUND, amount=amount, reason=reason, source=source)


@transaction.atomic
def adjustment_request(*, actor: Actor, account: Account | int, amount: int, reason: str) -> Adjustment:
    """Ask for a manual award (amount > 0) or deduction (< 0); written when someone else approves."""
    row = lock_visible(Account, actor=actor, pk=account.pk if isinstance(account, Account) else account)
    require(actor, "points.adjust", row)
    reason = _reason(reason)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise InvalidInput(_("A number of points other than zero."), fields={"amount": [_("A number of points other than zero.")]})
    if row.balance + amount < 0:
        message = _("Not enough points: %(held)d held, %(asked)d asked.") % {"held": row.balance, "asked": -amount}
        raise InvalidInput(message, fields={"amount": [message]})
    adjustment = Adjustment.objects.create(account=row, amount=amount, reason=reason, requested_by=actor_user(actor))
    audit.record(actor=actor, action="points.adjustment.request", obj=adjustment,
                 after={"account": row.pk, "amount": amount, "reason": reason})
    return adjustment


def _not_the_requester(actor: Actor):
    def guard(row: Adjustment) -> None:
        if row.requested_by_id is not None and row.requested_by_id == getattr(actor, "pk", None):
            raise Forbidden(_("Someone other than the requester approves manual points."))
    return guard


def adjustment_approve(*, actor: Actor, adjustment: Adjustment | int, note: str = "") -> Adjustment:
    """Approve: the entry is written (a deduction beyond the balance is refused, nothing written)."""

    def update(row: Adjustment) -> list[str]:
        kind = EntryKind.AWARD if row.amount > 0 else EntryKind.DEDUCT
        row.entry = entry_write(actor=actor, account=row.account_id, kind=kind, amount=row.amount, reason=row.reason,
                                source=f"adjustment:{row.pk}", approved_by=actor_user(actor))
        row.decided_by, row.decided_at, row.decision_note = actor_user(actor), timezone.now(), (note or "")[:200]
        return ["entry", "decided_by", "decided_at", "decision_note"]

    return apply_transition(ADJUSTMENT_WORKFLOW, actor=actor, obj=adjustment, action="approve",
                            guard=_not_the_requester(actor), update=update, note=note)


def adjustment_reject(*, actor: Actor, adjustment: Adjustment | int, note: str) -> Adjustment:
    """Reject with the reason."""
    note = _reason(note)

    def update(row: Adjustment) -> list[str]:
        row.decided_by, row.decided_at, row.decision_note = actor_user(actor), timezone.now(), note
        return ["decided_by", "decided_at", "decision_note"]

    return apply_transition(ADJUSTMENT_WORKFLOW, actor=actor, obj=adjustment, action="reject",
                            guard=_not_the_requester(actor), update=update, note=note)
