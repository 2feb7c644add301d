"""Pages of the points ledger: staff read an area's accounts (balance, earned, spent; search by
name), an account's entries (rule, source, approver), request manual points and approve or reject
someone else's request, read the earning rules; a volunteer reads "my points" on the phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.points import services as points

from ..selectors import ledger as selectors

PER_PAGE = 50


class AdjustmentForm(forms.Form):
    amount = forms.IntegerField(label=gettext_lazy("Points (a deduction below zero)"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


@page_requires("points.view_ledger")
@scoped
def ledger(request):
    area = selectors.area_for(user=request.user, area_id=request.GET.get("area"))
    q = (request.GET.get("q") or "").strip()
    accounts = selectors.accounts_list(user=request.user, area=area, q=q)
    page = Paginator(accounts, PER_PAGE).get_page(request.GET.get("page"))
    pending = selectors.adjustments(user=request.user, area=area).count()
    return render(request, "volunteers/ledger/accounts.html", {
        "area": area, "areas": selectors.scope_areas(user=request.user), "q": q, "page": page, "pending": pending,
    })


def _account_page(request, account, form, status=200):
    entries = Paginator(selectors.account_entries(user=request.user, account=account), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "volunteers/ledger/account.html", {
        "account": account, "entries": entries, "form": form,
        "adjustments": account.adjustments.select_related("requested_by", "decided_by")[:20],
        "can_adjust": can(request.user, "points.adjust", account),
    }, status=status)


@page_requires("points.view_ledger")
@scoped
def account_detail(request, account_id: int):
    account = selectors.account_get(user=request.user, pk=account_id)
    return _account_page(request, account, AdjustmentForm())


@require_POST
@page_requires("points.adjust")
@scoped
def account_adjust(request, account_id: int):
    account = selectors.account_get(user=request.user, pk=account_id)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            points.adjustment_request(actor=request.user, account=account, amount=form.cleaned_data["amount"],
                                      reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.status == 404:
                raise
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Requested: someone else approves it."))
            return redirect("volunteers:ledger-account", account_id=account.pk)
    return _account_page(request, account, form, status=422)


@page_requires("points.view_ledger")
@scoped
def adjustment_list(request):
    area = selectors.area_for(user=request.user, area_id=request.GET.get("area"))
    state = request.GET.get("state", "pending")
    rows = selectors.adjustments(user=request.user, area=area, state=state if state != "all" else "")
    return render(request, "volunteers/ledger/adjustments.html", {
        "area": area, "areas": selectors.scope_areas(user=request.user), "rows": rows[:200], "state": state,
        "form": DecisionForm(),
    })


def _decide(request, adjustment_id: int, approve: bool):
    row = selectors.adjustment_get(user=request.user, pk=adjustment_id)
    form = DecisionForm(request.POST)
    note = form.data.get("note", "")
    try:
        if approve:
            points.adjustment_approve(actor=request.user, adjustment=row, note=note)
            messages.success(request, _("Approved: the points are in the ledger."))
        else:
            points.adjustment_reject(actor=request.user, adjustment=row, note=note)
            messages.success(request, _("Rejected."))
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect("volunteers:ledger-adjustments")


@require_POST
@page_requires("points.approve")
@scoped
def adjustment_approve(request, adjustment_id: int):
    return _decide(request, adjustment_id, True)


@require_POST
@page_requires("points.approve")
@scoped
def adjustment_reject(request, adjustment_id: int):
    return _decide(request, adjustment_id, False)


@page_requires("points.view_ledger")
@scoped
def rules(request):
    return render(request, "volunteers/ledger/rules.html", {"rules": selectors.earning_rules(user=request.user)})


@scoped
def my_points(request):
    mine = selectors.my_points(user=request.user)
    mine["entries"] = Paginator(mine["entries"], PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "volunteers/ledger/mine.html", mine)


urlpatterns = [
    path("points/", ledger, name="ledger"),
    path("points/mine/", my_points, name="my-points"),
    path("points/rules/", rules, name="ledger-rules"),
    path("points/accounts/<int:account_id>/", account_detail, name="ledger-account"),
    path("points/accounts/<int:account_id>/adjust/", account_adjust, name="ledger-adjust"),
    path("points/adjustments/", adjustment_list, name="ledger-adjustments"),
    path("points/adjustments/<int:adjustment_id>/approve/", adjustment_approve, name="ledger-approve"),
    path("points/adjustments/<int:adjustment_id>/reject/", adjustment_reject, name="ledger-reject"),
]
