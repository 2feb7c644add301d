"""Reads of the points ledger: a balance (one row), an account's entries, the rule that applies,
the month's totals per account for the monthly publicity, and the consistency check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone

from gongzhi.areas.models import AreaNode

from .models import Account, EarningRule, Entry, EntryKind


def account_of(*, programme: str, holder: models.Model) -> Account | None:
    return Account.objects.filter(programme=programme, holder_type=ContentType.objects.get_for_model(holder),
                                  holder_id=holder.pk).first()


def amount_under(*, account: Account, source: str) -> int:
    """The points the entry written under `source` moved on this account (0 when there is none)."""
    return Entry.objects.filter(account=account, source=source).values_list("amount", flat=True).first() or 0


def balance(*, programme: str, holder: models.Model) -> int:
    """The holder's kept balance (one indexed row; 0 without an account)."""
    value = Account.objects.filter(programme=programme, holder_type=ContentType.objects.get_for_model(holder),
                                   holder_id=holder.pk).values_list("balance", flat=True).first()
    return value or 0


def entries(*, user, account: Account) -> models.QuerySet:
    """An account's entries, newest first (the caller has checked the user may read the account)."""
    return Entry.objects.filter(account=account).select_related("rule", "approved_by", "created_by")


def rule_for(*, programme: str, key: str, area: AreaNode, on: dt.date) -> EarningRule | None:
    """The active rule of `key` valid on `on` whose area covers `area` (the most specific; a rule
    without an area covers everywhere)."""
    prefixes = [area.path[:n] for n in range(AreaNode.steplen, len(area.path) + 1, AreaNode.steplen)]
    candidates = EarningRule.objects.filter(
        Q(area__isnull=True) | Q(area__path__in=prefixes),
        programme=programme, key=key, is_active=True,
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_until__isnull=True) | Q(valid_until__gte=on))
    best, depth = None, -1
    for rule in candidates.select_related("area"):
        level = len(rule.area.path) if rule.area_id else 0
        if level > depth or (level == depth and best is not None and rule.pk > best.pk):
            best, depth = rule, level
    return best


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month and of the next, in the site's time zone."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time.min, tzinfo=zone), dt.datetime.combine(following, dt.time.min, tzinfo=zone))


EARNED_KINDS = (EntryKind.EARN, EntryKind.AWARD)
SPENT_KINDS = (EntryKind.SPEND, EntryKind.REFUND)


@dataclass(frozen=True)
class MonthLine:
    """One account's month: opening + earned - deducted - spent = closing, entry by entry."""

    account_id: int
    name: str
    area_id: int
    opening: int
    earned: int  # by rule and by award
    deducted: int  # manual deductions (a positive number)
    spent: int  # redemptions less what cancelled ones returned
    closing: int  # the balance after the month's last entry
    entries: int


def month_totals(*, programme: str, area: AreaNode, month: dt.date) -> list[MonthLine]:
    """Per account of the area (and below) with entries in the month: what was earned, deducted and
    spent, summed from the month's entries, and the balances around it. Sorted by points earned.
    The caller checks the user may read the area's ledger.

    One grouped query over the entries from the month's start on, joined to their accounts: the
    closing balance is the kept balance less what the entries after the month moved (the month's
    last balance_after whenever `points-check` passes), so no list of account ids travels back to
    the database (two such lists of 36,000 ids took ~3 s of the district's publicity,
    benchmarks/volunteers_ledger.py). An older month also reads the entries after it."""
    start, end = month_bounds(month)
    within = Q(created_at__lt=end)
    rows = (
        Entry.objects.filter(account__programme=programme, account__area__path__startswith=area.path,
                             created_at__gte=start)
        .values("account_id", "account__name", "account__area_id", "account__balance")
        .annotate(
            gained=Sum("amount", filter=within & Q(kind__in=EARNED_KINDS)),
            deducted=Sum("amount", filter=within & Q(kind=EntryKind.DEDUCT)),
            spent=Sum("amount", filter=within & Q(kind__in=SPENT_KINDS)),
            net=Sum("amount", filter=within),
            later=Sum("amount", filter=Q(created_at__gte=end)),
            count=Count("id", filter=within),
        )
        .filter(count__gt=0)
        .order_by()
    )
    lines = []
    for row in rows:
        closing = row["account__balance"] - (row["later"] or 0)
        lines.append(MonthLine(
            account_id=row["account_id"], name=row["account__name"], area_id=row["account__area_id"],
            opening=closing - (row["net"] or 0), earned=row["gained"] or 0, deducted=-(row["deducted"] or 0),
            spent=-(row["spent"] or 0), closing=closing, entries=row["count"],
        ))
    return sorted(lines, key=lambda line: (-line.earned, line.name, line.account_id))


@dataclass(frozen=True)
class Mismatch:
    account_id: int
    name: str
    kept: int
    computed: int
    kept_earned: int
    computed_earned: int
    kept_spent: int
    computed_spent: int


def mismatches(*, programme: str | None = None) -> list[Mismatch]:
    """Every account whose kept balance or totals differ from the sum of its entries, or whose
    last entry's balance_after differs from the kept balance."""
    accounts = Account.objects.all()
    if programme:
        accounts = accounts.filter(programme=programme)
    sums = accounts.annotate(
        total=Sum("entries__amount"),
        total_earned=Sum("entries__amount", filter=Q(entries__kind__in=EARNED_KINDS)),
        total_spent=Sum("entries__amount", filter=Q(entries__kind__in=SPENT_KINDS)),
        last_id=models.Max("entries__id"),
    ).values_list("pk", "name", "balance", "earned", "spent", "total", "total_earned", "total_spent", "last_id")
    found = []
    lasts = {}
    rows = list(sums.iterator(chunk_size=5000))
    last_ids = [row[8] for row in rows if row[8]]
    for start in range(0, len(last_ids), 5000):
        lasts.update(Entry.objects.filter(pk__in=last_ids[start:start + 5000]).values_list("account_id", "balance_after"))
    for pk, name, kept, earned, spent, total, total_earned, total_spent, _last in rows:
        computed, computed_earned, computed_spent = total or 0, total_earned or 0, -(total_spent or 0)
        if kept != computed or earned != computed_earned or spent != computed_spent or lasts.get(pk, 0) != kept:
            found.append(Mismatch(pk, name, kept, computed, earned, computed_earned, spent, computed_spent))
    return found
