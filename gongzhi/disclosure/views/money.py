"""The money pages: the party service fund (balance, entries with receipts, record an allocation or
a spending, publish the year's account) and financial statements (list, new, one, publish)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import downloads
from gongzhi.core.errors import DomainError, InvalidInput
from gongzhi.core.permissions import can, page_requires, require
from gongzhi.core.permissions import scoped_page as scoped

from .. import selectors
from ..models import (
    FinancialStatement,
    FundEntry,
    FundEntryKind,
    FundReceipt,
    LineDirection,
    StatementAttachment,
    yuan,
)
from ..services import money
from ..services.money import Line
from .common import communities_for, community_from, date_or_none, fen_from_yuan

LINE_ROWS = 8


def _fund_context(request, community, errors=None, values=None) -> dict:
    year = request.GET.get("year") or ""
    year = int(year) if year.isdigit() else None
    account, entries = selectors.fund_for(user=request.user, community=community, year=year)
    for e in entries:
        e.amount_yuan, e.balance_yuan = yuan(e.amount), yuan(e.balance_after)
    return {"community": community, "account": account, "balance": yuan(account.balance if account else 0),
            "entries": entries, "communities": communities_for(request.user),
            "can_manage": can(request.user, "disclosure.manage_money", community), "kinds": FundEntryKind.choices,
            "errors": errors or {}, "values": values or {}, "this_year": timezone.localdate().year, "year": year}


def _int_or_none(raw: str, field: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(InvalidInput.default_message, fields={field: [str(InvalidInput.default_message)]})
    return int(raw)


@page_requires("disclosure.view_money")
@scoped
def fund(request):
    community = community_from(request)
    require(request.user, "disclosure.view_money", community)
    if request.method == "POST":
        values = request.POST.dict()
        try:
            if values.get("publish_year"):
                item = money.fund_publish_year(actor=request.user, community=community,
                                               year=_int_or_none(values["publish_year"], "publish_year") or 0)
                messages.success(request, _("Published."))
                return redirect("disclosure:item", item_id=item.pk)
            money.fund_record(actor=request.user, community=community, kind=values.get("kind", ""),
                              amount=fen_from_yuan(values.get("amount", ""), "amount"),
                              purpose=values.get("purpose", ""), approval=values.get("approval", ""),
                              occurred_on=date_or_none(values.get("occurred_on", ""), "occurred_on"),
                              approved_on=date_or_none(values.get("approved_on", ""), "approved_on"),
                              case_id=_int_or_none(values.get("case_id", ""), "case"),
                              project=values.get("project", ""), receipts=request.FILES.getlist("receipts"))
            messages.success(request, _("Recorded."))
            return redirect(f"{request.path}?community_id={community.pk}")
        except DomainError as exc:
            if exc.code in ("forbidden", "not_found"):
                raise
            return render(request, "disclosure/fund.html",
                          _fund_context(request, community, exc.fields or {"general": [exc.message]}, values), status=400)
    return render(request, "disclosure/fund.html", _fund_context(request, community))


@scoped
def receipt(request, receipt_id: int):
    row = FundReceipt.objects.filter(pk=receipt_id, entry__in=FundEntry.objects.visible_to(request.user)).first()
    if row is None:
        raise Http404
    return downloads.serve(row.file, content_type=row.content_type, name=row.name)


@page_requires("disclosure.view_money")
@scoped
def statements(request):
    rows = list(selectors.statements_visible(user=request.user)[:200])
    for s in rows:
        s.closing_yuan = yuan(s.closing_balance)
    return render(request, "disclosure/statements.html", {"rows": rows,
                                                           "can_manage": can(request.user, "disclosure.manage_money")})


@page_requires("disclosure.manage_money")
@scoped
def statement_new(request):
    values, errors = {}, {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            lines = []
            for n in range(1, LINE_ROWS + 1):
                description = (request.POST.get(f"description_{n}") or "").strip()
                if not description:
                    continue
                lines.append(Line(request.POST.get(f"direction_{n}", ""), description,
                                  fen_from_yuan(request.POST.get(f"amount_{n}", ""), f"lines.{n}"),
                                  case_id=_int_or_none(request.POST.get(f"case_{n}", ""), f"lines.{n}"),
                                  project=request.POST.get(f"project_{n}", "")))
            statement = money.statement_create(
                actor=request.user, community=int(values.get("community_id") or 0), title=values.get("title", ""),
                period_start=date_or_none(values.get("period_start", ""), "period_start"),
                period_end=date_or_none(values.get("period_end", ""), "period_end"),
                opening_balance=fen_from_yuan(values.get("opening_balance", ""), "opening_balance"),
                income_total=fen_from_yuan(values.get("income_total", ""), "income_total"),
                spending_total=fen_from_yuan(values.get("spending_total", ""), "spending_total"),
                closing_balance=fen_from_yuan(values.get("closing_balance", ""), "closing_balance"),
                lines=lines, attachments=request.FILES.getlist("attachments"))
            return redirect("disclosure:statement", statement_id=statement.pk)
        except DomainError as exc:
            if exc.code in ("forbidden",):
                raise
            errors = dict(exc.fields or {"general": [exc.message]})
            line_errors = [m for k, v in errors.items() if k.startswith("lines") for m in v]
            if line_errors:
                errors["lines"] = line_errors
    return render(request, "disclosure/statement_new.html", {
        "values": values, "errors": errors, "communities": communities_for(request.user),
        "directions": LineDirection.choices, "rows": range(1, LINE_ROWS + 1)}, status=400 if errors else 200)


@scoped
def statement_detail(request, statement_id: int):
    s = selectors.statement_get(user=request.user, pk=statement_id)
    lines = list(s.lines.select_related("case").all())
    for line in lines:
        line.amount_yuan = yuan(line.amount)
    return render(request, "disclosure/statement.html", {
        "s": s, "lines": lines, "attachments": list(s.attachments.all()),
        "totals": {k: yuan(getattr(s, k)) for k in ("opening_balance", "income_total", "spending_total",
                                                    "closing_balance")},
        "can_publish": s.state == "draft" and can(request.user, "disclosure.manage_money", s)})


@require_POST
@scoped
def statement_publish(request, statement_id: int):
    s = selectors.statement_get(user=request.user, pk=statement_id)
    try:
        s = money.statement_publish(actor=request.user, statement=s)
    except DomainError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        messages.error(request, exc.message)
        return redirect("disclosure:statement", statement_id=s.pk)
    messages.success(request, _("Published."))
    return redirect("disclosure:item", item_id=s.item_id)


@scoped
def statement_attachment(request, statement_attachment_id: int):
    row = StatementAttachment.objects.filter(
        pk=statement_attachment_id, statement__in=FinancialStatement.objects.visible_to(request.user)).first()
    if row is None:
        raise Http404
    return downloads.serve(row.file, content_type=row.content_type, name=row.name)


urlpatterns = [
    path("fund/", fund, name="fund"),
    path("receipts/<int:receipt_id>/", receipt, name="receipt"),
    path("statements/", statements, name="statements"),
    path("statements/new/", statement_new, name="statement-new"),
    path("statements/<int:statement_id>/", statement_detail, name="statement"),
    path("statements/<int:statement_id>/publish/", statement_publish, name="statement-publish"),
    path("statement-files/<int:statement_attachment_id>/", statement_attachment, name="statement-attachment"),
]
