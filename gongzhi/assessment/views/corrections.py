"""Corrections: the staff of the worker's area ask for one on a worker's month (points + or −, a
reason, optionally the line it corrects); a second person of the street approves or rejects it
(a reason to reject). The list shows those waiting first."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import CorrectionState
from ..selectors import appeals as selectors
from ..selectors import reports as report_selectors
from ..services import corrections as services
from ..workflow import CORRECTION_WORKFLOW

PER_PAGE = 50


class CorrectionForm(forms.Form):
    points = forms.IntegerField(label=gettext_lazy("Points (+ or −)"), min_value=-100, max_value=100,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    corrects = forms.TypedChoiceField(label=gettext_lazy("Corrects the line"), coerce=int, required=False,
                                      empty_value=None)

    def __init__(self, *args, lines, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["corrects"].choices = [("", _("(none: the month as a whole)"))] + [
            (line.pk, f"{line.occurred_at:%m-%d} · {labels.get(line.kind, line.kind)} {line.points:+d} · {line.summary}")
            for line in lines]


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), widget=forms.RadioSelect, choices=(
        ("approve", pgettext_lazy("correction", "Approve")), ("reject", pgettext_lazy("correction", "Reject"))))
    note = forms.CharField(label=gettext_lazy("Note (required to reject)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))


@scoped
def corrections(request):
    state = request.GET.get("state", CorrectionState.PENDING)
    rows = selectors.corrections_list(user=request.user, state=state)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "assessment/corrections.html", {
        "page": page, "state": state, "states": CorrectionState.choices})


@scoped
def correction_new(request, user_id: int, month: str):
    row = report_selectors.worker_month_get(user=request.user, worker_id=user_id,
                                            month=report_selectors.month_of(month))
    allowed = can(request.user, "assessment.request_correction", row) and row.worker_id != request.user.pk
    labels = report_selectors.kind_labels()
    form = CorrectionForm(request.POST or None, lines=list(row.lines.order_by("occurred_at", "pk")[:500]),
                          labels=labels) if allowed else None
    status = 200 if allowed else 403
    if request.method == "POST" and form is not None:
        status = 422
        if form.is_valid():
            try:
                correction = services.correction_request(actor=request.user, worker_month=row, **form.cleaned_data)
            except DomainError as exc:
                if exc.status == 404:
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Asked: a second person of the street approves the correction."))
                return redirect("assessment:correction", correction_id=correction.pk)
    return render(request, "assessment/correction_form.html", {"month": row, "form": form}, status=status)


@scoped
def correction(request, correction_id: int):
    row = selectors.correction_get(user=request.user, pk=correction_id)
    offered = {t.action for t in CORRECTION_WORKFLOW.offered(request.user, row)}
    form = DecideForm(request.POST or None) if offered else None
    status = 200
    if request.method == "POST":
        status = 422
        if form is None:
            status = 403
        elif form.is_valid():
            service = (services.correction_approve if form.cleaned_data["decision"] == "approve"
                       else services.correction_reject)
            try:
                service(actor=request.user, correction=row, note=form.cleaned_data["note"])
            except DomainError as exc:
                if exc.status == 404:
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Decided: the person who asked is told."))
                return redirect("assessment:correction", correction_id=row.pk)
    labels = report_selectors.kind_labels()
    return render(request, "assessment/correction.html", {
        "correction": row, "month": row.worker_month, "form": form,
        "corrects_label": labels.get(row.corrects.kind, row.corrects.kind) if row.corrects_id else "",
        "waiting_for_second": row.state == CorrectionState.PENDING and not offered,
    }, status=status)


urlpatterns = [
    path("corrections/", corrections, name="corrections"),
    path("corrections/<int:correction_id>/", correction, name="correction"),
    path("workers/<int:user_id>/<month:month>/correction/", correction_new, name="correction-new"),
]
