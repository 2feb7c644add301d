"""Spot-check pages, phone first: my records to check (/inspections/), a record with what was
recorded (personal data masked) and the check form, the street's decisions on problems, the
monthly samples with the draw button, and the register of inspectors."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import FindingState, Method, Outcome, ProblemKind
from ..selectors import samples as selectors
from ..services import findings as finding_services
from ..services import inspectors as inspector_services
from ..services import samples as sample_services
from ..services.inputs import previous_month
from ..workflow import FINDING_WORKFLOW


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


def _require_view(request) -> None:
    if not can(request.user, "inspections.view"):
        raise PermissionDenied


class FindingForm(forms.Form):
    method = forms.ChoiceField(label=gettext_lazy("How you checked"), choices=Method.choices, widget=forms.RadioSelect)
    outcome = forms.ChoiceField(label=pgettext_lazy("inspection", "Finding"), choices=Outcome.choices,
                                widget=forms.RadioSelect)
    problem_kind = forms.ChoiceField(label=gettext_lazy("Kind of problem"), required=False,
                                     choices=[("", "—")] + list(ProblemKind.choices))
    note = forms.CharField(label=pgettext_lazy("inspection", "Note"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("inspection decision", "Reason"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DrawForm(forms.Form):
    street = forms.TypedChoiceField(label=gettext_lazy("Street"), coerce=int)
    month = forms.CharField(label=gettext_lazy("Month"), max_length=7,
                            widget=forms.TextInput(attrs={"type": "month"}))
    size = forms.IntegerField(label=gettext_lazy("Records to draw"), min_value=1, max_value=200, required=False)

    def __init__(self, *args, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [(s.pk, s.name) for s in streets]


class InspectorForm(forms.Form):
    street = forms.TypedChoiceField(label=gettext_lazy("Street"), coerce=int)
    user = forms.TypedChoiceField(label=gettext_lazy("Inspector's account"), coerce=int)
    appointed_on = forms.DateField(label=gettext_lazy("Appointed on"), widget=forms.DateInput(attrs={"type": "date"}))
    selection = forms.CharField(label=gettext_lazy("How selected"), max_length=300,
                                help_text=gettext_lazy("The public selection and the reference of the decision."))

    def __init__(self, *args, streets, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].choices = [(s.pk, s.name) for s in streets]
        self.fields["user"].choices = [(u.pk, f"{u} ({u.username})") for u in accounts]


@scoped
def home(request):
    _require_view(request)
    items = list(selectors.items_mine(user=request.user)[:200])
    open_items = [i for i in items if _finding(i) is None]
    done = [i for i in items if i not in open_items]
    return render(request, "inspections/home.html", {
        "open_items": open_items, "done_items": done[:50],
        "may_manage": can(request.user, "inspections.manage"),
        "pending": selectors.findings_to_review(user=request.user).count(),
    })


def _finding(item):
    try:
        return item.finding
    except ObjectDoesNotExist:  # the reverse one-to-one raises when there is none
        return None


@scoped
def item(request, item_id: int):
    _require_view(request)
    row = selectors.item_get(user=request.user, pk=item_id)
    finding = selectors.finding_of(row)
    may_check = finding is None and can(request.user, "inspections.check", row)
    form = FindingForm(request.POST or None) if may_check else None
    photo_error: list[str] = []
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                finding_services.finding_record(
                    actor=request.user, item=row, method=data["method"], outcome=data["outcome"],
                    problem_kind=data["problem_kind"], note=data["note"], photos=request.FILES.getlist("photos"))
            except DomainError as exc:
                _raise_not_found(exc)
                fields = dict(exc.fields or {})
                photo_error = list(fields.pop("photos", []))
                if fields or not photo_error:
                    add_domain_errors(form, type(exc)(exc.message, code=exc.code, fields=fields))
            else:
                messages.success(request, _("The check is recorded."))
                return redirect("inspections:item", item_id=row.pk)
    offered = FINDING_WORKFLOW.offered(request.user, finding) if finding is not None else []
    return render(request, "inspections/item.html", {
        "item": row, "summary": row.summary, "finding": finding, "form": form, "photo_error": photo_error,
        "offered": {t.action for t in offered}, "decision_form": DecisionForm() if offered else None,
        "photos": list(finding.photos.all()) if finding else [],
    }, status=status)


def _decide(service, done_message):
    @require_POST
    @scoped
    def view(request, finding_id: int):
        row = selectors.finding_get(user=request.user, pk=finding_id)
        form = DecisionForm(request.POST)
        reason = form.data.get("reason", "") if not form.is_valid() else form.cleaned_data["reason"]
        try:
            service(actor=request.user, finding=row, reason=reason)
        except DomainError as exc:
            _raise_not_found(exc)
            if exc.status == 403:
                raise PermissionDenied(exc.message) from exc
            item_row = selectors.item_get(user=request.user, pk=row.item_id)
            add_domain_errors(form, exc)
            offered = FINDING_WORKFLOW.offered(request.user, row)
            return render(request, "inspections/item.html", {
                "item": item_row, "summary": item_row.summary, "finding": row, "form": None, "photo_error": [],
                "offered": {t.action for t in offered}, "decision_form": form,
                "photos": list(row.photos.all())}, status=422)
        messages.success(request, done_message())
        return redirect("inspections:item", item_id=row.item_id)
    return view


finding_confirm = _decide(finding_services.finding_confirm, lambda: _("The problem is confirmed."))
finding_reject = _decide(finding_services.finding_reject, lambda: _("The finding is rejected."))


@scoped
def review(request):
    _require_view(request)
    rows = list(selectors.findings_to_review(user=request.user)[:200])
    return render(request, "inspections/review.html", {"rows": rows})


@scoped
def samples(request):
    _require_view(request)
    streets = list(selectors.streets_managed(user=request.user)) if can(request.user, "inspections.draw") else []
    form = None
    status = 200
    if streets:
        form = DrawForm(request.POST or None, streets=streets,
                        initial={"month": f"{previous_month(timezone.localdate()):%Y-%m}"})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                sample = sample_services.sample_draw(actor=request.user, street=data["street"], month=data["month"],
                                                     size=data["size"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The sample is drawn and assigned to the inspectors."))
                return redirect("inspections:sample", sample_id=sample.pk)
    rows = list(selectors.samples_list(user=request.user)[:120])
    return render(request, "inspections/samples.html", {"rows": rows, "form": form}, status=status)


@scoped
def sample(request, sample_id: int):
    _require_view(request)
    row = selectors.sample_get(user=request.user, pk=sample_id)
    items = list(selectors.sample_items(user=request.user, sample=row))
    for i in items:
        i.found = _finding(i)
    return render(request, "inspections/sample.html", {"sample": row, "items": items,
                                                        "pending_state": FindingState.PENDING})


@scoped
def inspectors(request):
    _require_view(request)
    streets = list(selectors.streets_managed(user=request.user))
    form = None
    status = 200
    if streets:
        form = InspectorForm(request.POST or None, streets=streets,
                             accounts=selectors.inspector_accounts(user=request.user),
                             initial={"appointed_on": timezone.localdate()})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                inspector_services.inspector_add(actor=request.user, street=data["street"], user=data["user"],
                                                 appointed_on=data["appointed_on"], selection=data["selection"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The inspector is on the register."))
                return redirect("inspections:inspectors")
    rows = list(selectors.inspectors_list(user=request.user).order_by("street__path", "-active", "appointed_on"))
    for r in rows:
        r.may_retire = r.active and can(request.user, "inspections.manage", r)
    return render(request, "inspections/inspectors.html", {"rows": rows, "form": form}, status=status)


@require_POST
@scoped
def inspector_retire(request, inspector_id: int):
    row = selectors.inspector_get(user=request.user, pk=inspector_id)
    try:
        inspector_services.inspector_retire(actor=request.user, inspector=row,
                                            reason=request.POST.get("reason", "")[:300])
    except DomainError as exc:
        _raise_not_found(exc)
        if exc.status == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The inspector is retired."))
    return redirect("inspections:inspectors")


urlpatterns = [
    path("", home, name="home"),
    path("mine/", home, name="mine"),
    path("items/<int:item_id>/", item, name="item"),
    path("findings/<int:finding_id>/confirm/", finding_confirm, name="finding-confirm"),
    path("findings/<int:finding_id>/reject/", finding_reject, name="finding-reject"),
    path("review/", review, name="review"),
    path("samples/", samples, name="samples"),
    path("samples/<int:sample_id>/", sample, name="sample"),
    path("inspectors/", inspectors, name="inspectors"),
    path("inspectors/<int:inspector_id>/retire/", inspector_retire, name="inspector-retire"),
]
