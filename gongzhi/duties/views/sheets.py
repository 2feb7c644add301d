"""Duty sheet pages: the duties home (my sheet, my records), the list of sheets (and making one),
one sheet with its versions and — for the district — a form per section and the rule mappings, the
print-friendly page and the one-page A4 PDF."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import SECTION_ORDER
from ..permissions import SHEET_ROLES
from ..selectors import records as record_selectors
from ..selectors import sheets as selectors
from ..selectors.sources import kind_label, source_kinds
from ..services import printing
from ..services import records as record_services
from ..services import sheets as services


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class SheetForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"))
    area = forms.TypedChoiceField(label=gettext_lazy("Area"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in SHEET_ROLES]
        self.fields["area"].choices = [("", _("The whole district"))] + [(a.pk, str(a)) for a in areas]


class SectionForm(forms.Form):
    items = forms.CharField(label=gettext_lazy("Items, one a line, in order"), required=False,
                            widget=forms.Textarea(attrs={"rows": 7}))
    valid_from = forms.DateField(label=gettext_lazy("Applies from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=200, required=False)


class MappingForm(forms.Form):
    source_kind = forms.ChoiceField(label=gettext_lazy("Outcome"))
    rule_number = forms.TypedChoiceField(label=gettext_lazy("Accountability rule"), coerce=int, required=False,
                                         empty_value=None)

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_kind"].choices = source_kinds()
        self.fields["rule_number"].choices = [("", _("Do not record"))] + [
            (i.number, f"{i.number}. {i.text[:40]}") for i in rules]


def _areas(user) -> list:
    """Streets and communities of the user's scope a sheet may be written for (at most 200)."""
    rows = AreaNode.objects.filter(kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY]).order_by("path")
    return list(scope.restrict(rows, user, field="")[:200])


@scoped
def home(request):
    sheet = selectors.sheet_of_user(request.user) if can(request.user, "duties.view_sheets") else None
    version = selectors.version_on(sheet) if sheet else None
    return render(request, "duties/home.html", {
        "sheet": sheet, "version": version, "blocks": selectors.section_blocks(version) if version else [],
        "records": list(record_selectors.records_list(user=request.user, mine=True)[:50]),
        "may_list": can(request.user, "duties.view_sheets"),
        "may_review": can(request.user, "duties.view_records"),
    })


@scoped
def sheets(request):
    if not can(request.user, "duties.view_sheets"):
        return render(request, "duties/forbidden.html", status=403)
    may_keep = can(request.user, "duties.keep_sheets")
    form = SheetForm(request.POST or None, areas=_areas(request.user)) if may_keep else None
    status = 200
    if request.method == "POST":
        if form is None:
            return render(request, "duties/forbidden.html", status=403)
        status = 422
        if form.is_valid():
            try:
                row = services.sheet_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The sheet is made: write its key tasks, red lines and rules."))
                return redirect("duties:sheet", sheet_id=row.pk)
    rows = list(selectors.sheets_list(user=request.user)[:200])
    for row in rows:
        row.current = selectors.version_on(row)
    return render(request, "duties/sheets.html", {"sheets": rows, "form": form, "may_keep": may_keep},
                  status=status)


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


@scoped
def sheet(request, sheet_id: int):
    row = selectors.sheet_get(user=request.user, pk=sheet_id)
    day = _day(request.GET.get("on")) or timezone.localdate()
    version = selectors.version_on(row, day)
    current = selectors.version_on(row)
    may_keep = can(request.user, "duties.keep_sheets", row)
    status = 200
    section_forms = {}
    mapping_form = None
    if may_keep:
        today = timezone.localdate().isoformat()
        blocks_now = {b["key"]: b for b in selectors.section_blocks(current)}
        for s in SECTION_ORDER:
            bound = request.method == "POST" and request.POST.get("section") == s.value
            section_forms[s.value] = SectionForm(
                request.POST if bound else None, prefix=s.value,
                initial={"items": "\n".join(i.text for i in blocks_now[s.value]["items"]), "valid_from": today})
        rules = blocks_now[SECTION_ORDER[-1].value]["items"]
        mapping_bound = request.method == "POST" and request.POST.get("section") == "mapping"
        mapping_form = MappingForm(request.POST if mapping_bound else None, prefix="mapping", rules=rules)
        if request.method == "POST":
            status = 422
            key = request.POST.get("section", "")
            form = mapping_form if key == "mapping" else section_forms.get(key)
            if form is not None and form.is_valid():
                try:
                    if form is mapping_form:
                        services.mapping_set(actor=request.user, sheet=row, **form.cleaned_data)
                    else:
                        services.section_save(actor=request.user, sheet=row, section=key, **form.cleaned_data)
                except DomainError as exc:
                    _raise_not_found(exc)
                    add_domain_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("duties:sheet", sheet_id=row.pk)
    elif request.method == "POST":
        return render(request, "duties/forbidden.html", status=403)
    sections = [{"key": b["key"], "label": b["label"], "items": b["items"], "form": section_forms.get(b["key"])}
                for b in selectors.section_blocks(version)]
    mappings = [{"kind": kind_label(m.source_kind), "rule_number": m.rule_number} for m in selectors.mappings(row)]
    return render(request, "duties/sheet.html", {
        "sheet": row, "version": version, "current": current, "day": day, "sections": sections,
        "versions": selectors.versions(row), "may_keep": may_keep, "mapping_form": mapping_form,
        "mappings": mappings}, status=status)


@scoped
def sheet_print(request, sheet_id: int):
    row = selectors.sheet_get(user=request.user, pk=sheet_id)
    version = selectors.version_on(row, _day(request.GET.get("on")) or timezone.localdate())
    return render(request, "duties/print.html", {
        "sheet": row, "version": version, "blocks": selectors.section_blocks(version)})


@scoped
def sheet_pdf(request, sheet_id: int):
    row = selectors.sheet_get(user=request.user, pk=sheet_id)
    data = printing.sheet_pdf(actor=request.user, sheet=row, day=_day(request.GET.get("on")))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="duty-sheet-{row.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@scoped
def sync(request):
    if not can(request.user, "duties.sync"):
        return render(request, "duties/forbidden.html", status=403)
    result = record_services.accountability_sync(actor=request.user)
    messages.success(request, _("%(made)s new accountability records.") % {"made": result["made"]})
    return redirect("duties:records")


urlpatterns = [
    path("", home, name="home"),
    path("sheets/", sheets, name="sheets"),
    path("sheets/<int:sheet_id>/", sheet, name="sheet"),
    path("sheets/<int:sheet_id>/print/", sheet_print, name="sheet-print"),
    path("sheets/<int:sheet_id>/pdf/", sheet_pdf, name="sheet-pdf"),
    path("sync/", sync, name="sync"),
]
