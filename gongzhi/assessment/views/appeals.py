"""Appeals: the list (the street's to decide, a worker's own), one appeal with the line, the record
behind it and the worker's reason, and the street's decision — uphold or dismiss, a reason always
(beside the field when missing); the worker withdraws their own pending appeal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import scoped_page as scoped

from ..models import AppealState
from ..selectors import appeals as selectors
from ..selectors import reports as report_selectors
from ..services import appeals as services
from ..workflow import APPEAL_WORKFLOW

PER_PAGE = 50


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect, choices=(
        ("uphold", pgettext_lazy("appeal", "Uphold: reverse the line's points")),
        ("dismiss", pgettext_lazy("appeal", "Dismiss: the line stands")),
    ))
    reason = forms.CharField(label=gettext_lazy("Reason for the decision"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


@scoped
def appeals(request):
    state = request.GET.get("state", AppealState.PENDING)
    rows = selectors.appeals_list(user=request.user, state=state)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    labels = report_selectors.kind_labels()
    for appeal in page:
        appeal.kind_label = labels.get(appeal.line.kind, appeal.line.kind)
    return render(request, "assessment/appeals.html", {
        "page": page, "state": state, "states": AppealState.choices})


@scoped
def appeal(request, appeal_id: int):
    row = selectors.appeal_get(user=request.user, pk=appeal_id)
    offered = {t.action for t in APPEAL_WORKFLOW.offered(request.user, row)}
    may_decide = bool({"uphold", "dismiss"} & offered) and row.worker_id != request.user.pk
    form = DecideForm(request.POST or None) if may_decide else None
    status = 200
    if request.method == "POST":
        status = 422
        if form is None:
            status = 403
        elif form.is_valid():
            service = services.appeal_uphold if form.cleaned_data["decision"] == "uphold" else services.appeal_dismiss
            try:
                service(actor=request.user, appeal=row, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                if exc.status == 404:
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Decided: the worker is told."))
                return redirect("assessment:appeal", appeal_id=row.pk)
    labels = report_selectors.kind_labels()
    line = row.line
    return render(request, "assessment/appeal.html", {
        "appeal": row, "line": line, "month": line.worker_month, "form": form,
        "kind_label": labels.get(line.kind, line.kind),
        "source_url": report_selectors.source_urls([line]).get(line.pk, ""),
        "reversal": selectors.appeal_reversal(row) if row.state == AppealState.UPHELD else None,
        "may_withdraw": "withdraw" in offered and row.worker_id == request.user.pk,
    }, status=status)


@require_POST
@scoped
def appeal_withdraw(request, appeal_id: int):
    row = selectors.appeal_get(user=request.user, pk=appeal_id)
    try:
        services.appeal_withdraw(actor=request.user, appeal=row)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your appeal is withdrawn."))
    return redirect("assessment:appeal", appeal_id=row.pk)


urlpatterns = [
    path("appeals/", appeals, name="appeals"),
    path("appeals/<int:appeal_id>/", appeal, name="appeal"),
    path("appeals/<int:appeal_id>/withdraw/", appeal_withdraw, name="appeal-withdraw"),
]
