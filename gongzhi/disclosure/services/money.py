"""Money in the open: financial statements and the party service fund (党组织服务群众专项经费).

All amounts are integers in fen. A statement is refused unless its income and spending totals are
the sums of its lines and opening + income − spending = closing. The fund's balance never goes
below zero: a spending locks the community's fund row (SELECT … FOR UPDATE), checks the balance and
writes the entry with the balance after it, in one transaction; a check constraint backs it up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.cases.models import Case
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput, NotFound
from gongzhi.core.workflow import lock_visible
from gongzhi.meetings.models import Decision

from .. import personal_data
from ..models import (
    FinancialStatement,
    FundAccount,
    FundEntry,
    FundEntryKind,
    FundReceipt,
    ItemKind,
    LineDirection,
    StatementAttachment,
    StatementLine,
    StatementState,
    Timing,
    yuan,
)
from .files import attach, check_files
from .items import _community, item_create, item_publish

STATEMENT_FIELDS = ["community", "title", "period_start", "period_end", "opening_balance", "income_total",
                    "spending_total", "closing_balance", "state"]
ENTRY_FIELDS = ["account", "kind", "amount", "occurred_on", "purpose", "approval", "approved_on", "case", "decision",
                "project", "balance_after"]
AMOUNT_LIMIT = 10**12  # ten billion yuan in fen: anything above is a typo


def _amount(value, field: str, *, positive: bool = True) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        message = _("Enter the amount in fen as a whole number.")
        raise InvalidInput(message, fields={field: [message]})
    if (positive and value <= 0) or abs(value) > AMOUNT_LIMIT:
        message = _("Enter an amount greater than zero.") if value <= 0 else _("The amount is too large.")
        raise InvalidInput(message, fields={field: [message]})
    return value


def _case(actor: Actor, case_id: int | None, field: str = "case") -> Case | None:
    if not case_id:
        return None
    case = Case.objects.visible_to(actor).filter(pk=case_id).first()
    if case is None:
        message = _("No such case.")
        raise InvalidInput(message, fields={field: [message]})
    return case


def _decision(actor: Actor, decision_id: int | None, field: str = "decision") -> Decision | None:
    if not decision_id:
        return None
    decision = Decision.objects.visible_to(actor).filter(pk=decision_id).first()
    if decision is None:
        message = _("No such resolution.")
        raise InvalidInput(message, fields={field: [message]})
    return decision


# --- financial statements ---------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    direction: str
    description: str
    amount: int
    case_id: int | None = None
    decision_id: int | None = None
    project: str = ""


@transaction.atomic
def statement_create(*, actor: Actor, community: AreaNode | int, title: str, period_start: dt.date,
                     period_end: dt.date, opening_balance: int, income_total: int, spending_total: int,
                     closing_balance: int, lines: Sequence[Line], attachments: Sequence[UploadedFile] = ()
                     ) -> FinancialStatement:
    """A draft statement with its lines; refused (nothing written) when its totals do not balance."""
    node = _community(actor, community, "disclosure.manage_money")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("This field is required."), fields={"title": [_("This field is required.")]})
    if not period_start or not period_end or period_end < period_start:
        message = _("The period ends after it starts.")
        raise InvalidInput(message, fields={"period_end": [message]})
    opening = _amount(opening_balance, "opening_balance", positive=False)
    income = _amount(income_total, "income_total", positive=False)
    spending = _amount(spending_total, "spending_total", positive=False)
    closing = _amount(closing_balance, "closing_balance", positive=False)
    if not lines:
        message = _("A statement lists at least one line.")
        raise InvalidInput(message, fields={"lines": [message]})
    rows = []
    for n, line in enumerate(lines, start=1):
        field = f"lines.{n}"
        if line.direction not in LineDirection.values:
            message = _("Line %(n)d: choose income or spending.") % {"n": n}
            raise InvalidInput(message, fields={field: [message]})
        description = (line.description or "").strip()
        if not description:
            message = _("Line %(n)d: say what it is.") % {"n": n}
            raise InvalidInput(message, fields={field: [message]})
        _amount(line.amount, field)
        rows.append(StatementLine(direction=line.direction, description=description[:200], amount=line.amount,
                                  case=_case(actor, line.case_id, field), decision=_decision(actor, line.decision_id, field),
                                  project=(line.project or "").strip()[:100]))
    line_income = sum(r.amount for r in rows if r.direction == LineDirection.INCOME)
    line_spending = sum(r.amount for r in rows if r.direction == LineDirection.SPENDING)
    if line_income != income:
        message = _("The income lines add up to %(sum)s yuan, not %(total)s.") % {"sum": yuan(line_income),
                                                                                   "total": yuan(income)}
        raise InvalidInput(message, fields={"income_total": [message]})
    if line_spending != spending:
        message = _("The spending lines add up to %(sum)s yuan, not %(total)s.") % {"sum": yuan(line_spending),
                                                                                     "total": yuan(spending)}
        raise InvalidInput(message, fields={"spending_total": [message]})
    if opening + income - spending != closing:
        message = _("Opening balance %(o)s + income %(i)s − spending %(s)s = %(c)s yuan, not %(given)s.") % {
            "o": yuan(opening), "i": yuan(income), "s": yuan(spending), "c": yuan(opening + income - spending),
            "given": yuan(closing)}
        raise InvalidInput(message, fields={"closing_balance": [message]})
    kinds = check_files(attachments) if attachments else []
    statement = FinancialStatement(community=node, title=title[:200], period_start=period_start, period_end=period_end,
                                   opening_balance=opening, income_total=income, spending_total=spending,
                                   closing_balance=closing, created_by=actor_user(actor))
    audit.save(actor=actor, obj=statement, action="disclosure.statement.create", fields=STATEMENT_FIELDS,
               clean_exclude=["item"])
    for row in rows:
        row.statement = statement
    StatementLine.objects.bulk_create(rows)
    if kinds:
        attach(StatementAttachment, files=attachments, kinds=kinds, statement=statement)
    return statement


def statement_text(statement: FinancialStatement) -> str:
    lines = [_("Opening balance: %(v)s yuan") % {"v": yuan(statement.opening_balance)}]
    for line in statement.lines.all():
        sign = "+" if line.direction == LineDirection.INCOME else "−"
        lines.append(f"{sign} {line.description}：{yuan(line.amount)}")
    lines.append(_("Income: %(v)s yuan; spending: %(s)s yuan; closing balance: %(c)s yuan") % {
        "v": yuan(statement.income_total), "s": yuan(statement.spending_total), "c": yuan(statement.closing_balance)})
    return "\n".join(lines)


@transaction.atomic
def statement_publish(*, actor: Actor, statement: FinancialStatement | int,
                      allowed_names: Iterable[str] = ()) -> FinancialStatement:
    """Publish a statement as a 财务 item (regular business of its period, or the planned slot's
    content when there is one): its text lists every line; its attachments go with it."""
    row = lock_visible(FinancialStatement, actor=actor,
                       pk=statement.pk if isinstance(statement, FinancialStatement) else statement)
    permissions.require(actor, "disclosure.manage_money", row)
    if row.state != StatementState.DRAFT:
        raise Conflict(_("The statement is published already."), code="invalid_transition")
    item = item_create(actor=actor, community=row.community, kind=ItemKind.FINANCE, timing_type=Timing.REGULAR,
                       title=row.title, body=statement_text(row), period_start=row.period_start,
                       period_end=row.period_end, reference=f"statement:{row.pk}")
    for a in row.attachments.all():
        item.attachments.create(file=a.file.name, name=a.name, content_type=a.content_type, size=a.size)
    item = item_publish(actor=actor, item=item, allowed_names=allowed_names)
    before = audit.snapshot(row, STATEMENT_FIELDS)
    row.state, row.item = StatementState.PUBLISHED, item
    audit.save(actor=actor, obj=row, action="disclosure.statement.publish", fields=STATEMENT_FIELDS + ["item"],
               before=before)
    return row


# --- the party service fund ---------------------------------------------------------------------


def fund_of(community: AreaNode) -> FundAccount:
    account, _created = FundAccount.objects.get_or_create(community=community)
    return account


@transaction.atomic
def fund_record(*, actor: Actor, community: AreaNode | int, kind: str, amount: int, purpose: str,
                occurred_on: dt.date | None = None, approval: str = "", approved_on: dt.date | None = None,
                case_id: int | None = None, decision_id: int | None = None, project: str = "",
                receipts: Sequence[UploadedFile] = ()) -> FundEntry:
    """Record an allocation to, or a spending from, the community's service fund. A spending names
    its purpose and approval; it is refused when it would take the balance below zero (the fund row
    is locked, so two spendings at once cannot both pass)."""
    node = _community(actor, community, "disclosure.manage_money")
    if kind not in FundEntryKind.values:
        message = _("Choose a valid option.")
        raise InvalidInput(message, fields={"kind": [message]})
    amount = _amount(amount, "amount")
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput(_("This field is required."), fields={"purpose": [_("This field is required.")]})
    approval = (approval or "").strip()
    if kind == FundEntryKind.SPENDING and not approval:
        message = _("A spending names who approved it (the meeting or the document).")
        raise InvalidInput(message, fields={"approval": [message]})
    personal_data.check_publishable({"purpose": purpose, "approval": approval}, community=node)
    occurred_on = occurred_on or timezone.localdate()
    case, decision = _case(actor, case_id), _decision(actor, decision_id)
    kinds = check_files(receipts, field="receipts") if receipts else []
    fund_of(node)
    account = FundAccount.objects.select_for_update().get(community=node)
    balance = account.balance + amount if kind == FundEntryKind.ALLOCATION else account.balance - amount
    if balance < 0:
        message = _("The fund holds %(balance)s yuan: it cannot pay %(amount)s yuan.") % {
            "balance": yuan(account.balance), "amount": yuan(amount)}
        raise InvalidInput(message, fields={"amount": [message]})
    account.balance = balance
    account.save(update_fields=["balance", "updated_at"])
    entry = FundEntry(account=account, kind=kind, amount=amount, occurred_on=occurred_on, purpose=purpose[:300],
                      approval=approval[:300], approved_on=approved_on, case=case, decision=decision,
                      project=(project or "").strip()[:100], balance_after=balance, created_by=actor_user(actor))
    audit.save(actor=actor, obj=entry, action=f"disclosure.fund.{kind}", fields=ENTRY_FIELDS)
    if kinds:
        attach(FundReceipt, files=receipts, kinds=kinds, entry=entry)
    return entry


@transaction.atomic
def fund_attach_receipts(*, actor: Actor, entry: FundEntry | int, receipts: Sequence[UploadedFile]) -> list[FundReceipt]:
    row = FundEntry.objects.visible_to(actor).filter(pk=entry.pk if isinstance(entry, FundEntry) else entry).first()
    if row is None:
        raise NotFound()
    permissions.require(actor, "disclosure.manage_money", row)
    if not receipts:
        message = _("Choose a file.")
        raise InvalidInput(message, fields={"receipts": [message]})
    kinds = check_files(receipts, field="receipts")
    rows = attach(FundReceipt, files=receipts, kinds=kinds, entry=row)
    audit.record(actor=actor, action="disclosure.fund.receipt", obj=row, after={"receipts": [r.name for r in rows]})
    return rows


def fund_year_text(account: FundAccount, year: int) -> tuple[str, int, int, int]:
    """The text of a year's account (one line per entry) and its opening, allocations and spending."""
    entries = list(account.entries.filter(occurred_on__year=year).select_related("case").order_by("occurred_on", "id"))
    before = account.entries.filter(occurred_on__year__lt=year).order_by("-occurred_on", "-id").first()
    opening = before.balance_after if before else 0
    allocated = sum(e.amount for e in entries if e.kind == FundEntryKind.ALLOCATION)
    spent = sum(e.amount for e in entries if e.kind == FundEntryKind.SPENDING)
    lines = [_("Balance brought forward: %(v)s yuan") % {"v": yuan(opening)}]
    for e in entries:
        sign = "+" if e.kind == FundEntryKind.ALLOCATION else "−"
        extra = f"（{e.approval}）" if e.approval else ""
        lines.append(f"{e.occurred_on:%m-%d} {sign}{yuan(e.amount)} {e.purpose}{extra}")
    lines.append(_("Allocated: %(a)s yuan; spent: %(s)s yuan; balance: %(b)s yuan") % {
        "a": yuan(allocated), "s": yuan(spent), "b": yuan(opening + allocated - spent)})
    return "\n".join(lines), opening, allocated, spent


@transaction.atomic
def fund_publish_year(*, actor: Actor, community: AreaNode | int, year: int):
    """Publish the fund's account of `year` as a 财务 item (reference "fund:<year>"); publishing it
    again after new entries corrects the published item as a new version."""
    from .items import item_correct, publish_from_programme

    node = _community(actor, community, "disclosure.manage_money")
    account = fund_of(node)
    text, _opening, _allocated, _spent = fund_year_text(account, year)
    title = _("%(year)d party service fund account") % {"year": year}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    from ..models import Item

    existing = Item.objects.filter(community=node, reference=f"fund:{year}", version=1).first()
    if existing is None:
        with transaction.atomic():
            item = item_create(actor=actor, community=node, kind=ItemKind.FINANCE, timing_type=Timing.REGULAR,
                               title=title, body=text, period_start=start, period_end=end, reference=f"fund:{year}")
        return item_publish(actor=actor, item=item)
    current = publish_from_programme(actor=actor, community=node, title=title, body=text, timing=Timing.REGULAR,
                                     reference=f"fund:{year}", kind=ItemKind.FINANCE)
    if current.body == text:
        return current
    return item_correct(actor=actor, item=current, title=title, body=text, reason=_("New entries in the account"))
