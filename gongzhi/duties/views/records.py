"""Accountability record pages: the list (reviewers: their area scope; everyone: their own), one
record with its rule, source and notes, the review (acknowledge, note, close) and the figures."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import DomainError
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import RecordState
from ..selectors import records as selectors
from ..selectors.sources import kind_label
from ..services import records as services
from ..workflow import RECORD_WORKFLOW


class ReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))


@scoped
def records(request):
    state = request.GET.get("state", "")
    rows = list(selectors.records_list(user=request.user, state=state)[:200])
    for r in rows:
        r.kind_label = kind_label(r.source_kind)
    return render(request, "duties/records.html", {
        "records": rows, "state": state, "states": RecordState.choices,
        "may_sync": can(request.user, "duties.sync"), "may_review": can(request.user, "duties.view_records")})


SERVICES = {"acknowledge": services.record_acknowledge, "note": services.record_note, "close": services.record_close}


@scoped
def record(request, record_id: int):
    row = selectors.record_get(user=request.user, pk=record_id)
    form = ReviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in SERVICES:
            return redirect("duties:record", record_id=row.pk)
        status = 422
        if form.is_valid():
            try:
                SERVICES[action](actor=request.user, record=row, note=form.cleaned_data["note"])
            except DomainError as exc:
                if exc.status == 404:
                    raise
                if exc.status in (403, 409):
                    messages.error(request, exc.message)
                    return redirect("duties:record", record_id=row.pk)
                form.add_error("note", exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("duties:record", record_id=row.pk)
    row.kind_label = kind_label(row.source_kind)
    notes = selectors.record_notes(row)
    for n in notes:
        n.action_label = RECORD_WORKFLOW.transition(n.action).label if n.action in SERVICES else n.action
    return render(request, "duties/record.html", {
        "record": row, "notes": notes, "form": form,
        "offered": RECORD_WORKFLOW.offered(request.user, row)}, status=status)


def _day(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return default


@scoped
def figures(request):
    if not can(request.user, "duties.view_records"):
        return render(request, "duties/forbidden.html", status=403)
    today = timezone.localdate()
    end = _day(request.GET.get("end"), today)
    start = _day(request.GET.get("start"), end - dt.timedelta(days=90))
    node = None
    if request.GET.get("node"):
        try:
            node = area_node_get(user=request.user, pk=int(request.GET["node"]))
        except (TypeError, ValueError):
            node = None
    rows = selectors.figures_by_area(user=request.user, node=node, start=start, end=end + dt.timedelta(days=1))
    return render(request, "duties/figures.html", {"rows": rows, "start": start, "end": end, "node": node})


urlpatterns = [
    path("records/", records, name="records"),
    path("records/<int:record_id>/", record, name="record"),
    path("figures/", figures, name="figures"),
]
