"""A grid worker's own score, on a phone: the month picker, the total and pay share, the lines
grouped by kind with the record behind each, and "申诉" on each line that may still be appealed
(the form: a reason; someone else's line is not found)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core.errors import DomainError, InvalidInput
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import page_requires
from gongzhi.core.permissions import scoped_page as scoped

from ..selectors import appeals as appeal_selectors
from ..selectors import reports as selectors
from ..services import appeals as services


class AppealForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why this line is wrong"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 4}))


@page_requires("assessment.view_own")
def my_score(request):
    errors = {}
    try:
        month = selectors.month_of(request.GET.get("month"))
    except InvalidInput as exc:
        errors = exc.fields
        month = selectors.month_of()
    row = selectors.own_month(user=request.user, month=month)
    groups = selectors.line_groups(row, kind=request.GET.get("kind", ""), page=request.GET.get("page", 1)) if row is not None else []
    return render(request, "assessment/me.html", {
        "month": month, "row": row, "groups": groups, "errors": errors,
        "months": selectors.own_months(user=request.user),
        "window_open": row is not None and services.appeal_window_open(row),
        "appeal_days": services.appeal_days(),
    }, status=400 if errors else 200)


@scoped
def line_appeal(request, line_id: int):
    line = appeal_selectors.own_line_get(user=request.user, pk=line_id)
    refused = services.appealable(line)
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if refused:
            form.add_error(None, refused)
        elif form.is_valid():
            try:
                services.appeal_file(actor=request.user, line=line, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                if exc.status == 404:
                    raise
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Your appeal was sent: the street decides and you will be told."))
                return redirect(services.month_url(line.worker_month))
    labels = selectors.kind_labels()
    return render(request, "assessment/appeal_form.html", {
        "line": line, "form": form, "refused": refused, "kind_label": labels.get(line.kind, line.kind),
        "source_url": selectors.source_urls([line]).get(line.pk, ""),
    }, status=status)


urlpatterns = [
    path("me/", my_score, name="my-score"),
    path("lines/<int:line_id>/appeal/", line_appeal, name="line-appeal"),
]
