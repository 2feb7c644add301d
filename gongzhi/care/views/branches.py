"""Care pages: branches — the list, setting one up for a party branch, one branch with its carers
and their leave, and the forms to add a carer, change or take one off the rota, and record leave."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..fairness import WEEKDAYS
from ..models import CarerKind
from ..selectors import branches as selectors
from ..services import branches as services


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class BranchForm(forms.Form):
    organization = forms.TypedChoiceField(label=gettext_lazy("Party branch"), coerce=int)
    secretary = forms.IntegerField(label=gettext_lazy("Secretary's account (user number)"), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, str(o)) for o in organizations]


class CarerForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=CarerKind.choices)
    party_group = forms.TypedChoiceField(label=gettext_lazy("Party group"), coerce=int, required=False, empty_value=None)
    member = forms.TypedChoiceField(label=gettext_lazy("Party member"), coerce=int, required=False, empty_value=None)
    volunteer = forms.TypedChoiceField(label=gettext_lazy("Volunteer"), coerce=int, required=False, empty_value=None)
    user = forms.IntegerField(label=gettext_lazy("Account told of the turns (user number)"), required=False)
    max_per_week = forms.IntegerField(label=gettext_lazy("At most turns a week"), initial=2)
    unavailable_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Never on"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(i, d) for i, d in enumerate(WEEKDAYS)])

    def __init__(self, *args, found, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["party_group"].choices = blank + [(g.pk, g.name) for g in found["groups"]]
        self.fields["member"].choices = blank + [(m.pk, m.name) for m in found["members"]]
        self.fields["volunteer"].choices = blank + [(v.pk, v.name) for v in found["volunteers"]]


class CarerChangeForm(forms.Form):
    max_per_week = forms.IntegerField(label=gettext_lazy("At most turns a week"))
    unavailable_weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Never on"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(i, d) for i, d in enumerate(WEEKDAYS)])
    user = forms.IntegerField(label=gettext_lazy("Account told of the turns (user number)"), required=False)


class LeaveForm(forms.Form):
    start_on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)


@scoped
def branches(request):
    return render(request, "care/branches/branches.html", {
        "branches": list(selectors.branches_list(user=request.user)[:200]),
        "may_create": can(request.user, "care.keep_branches")})


@scoped
def branch_create(request):
    if not can(request.user, "care.keep_branches"):
        return render(request, "care/branches/form.html", {"form": None}, status=403)
    form = BranchForm(request.POST or None, organizations=selectors.branch_organizations(user=request.user))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                row = services.branch_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The branch now takes care duties: add its carers."))
                return redirect("care:branch", branch_id=row.pk)
    return render(request, "care/branches/form.html", {"form": form, "title": _("Set up a care branch")}, status=status)


@scoped
def branch(request, branch_id: int):
    row = selectors.branch_get(user=request.user, pk=branch_id)
    may_keep = can(request.user, "care.keep_plans", row)
    carers = selectors.branch_carers(branch=row)
    for c in carers:
        c.never_on = [str(WEEKDAYS[d]) for d in sorted(c.unavailable_weekdays or []) if 0 <= d < len(WEEKDAYS)]
    return render(request, "care/branches/branch.html", {
        "branch": row, "carers": carers, "may_keep": may_keep,
        "weekdays": WEEKDAYS})


@scoped
def carer_add(request, branch_id: int):
    row = selectors.branch_get(user=request.user, pk=branch_id)
    if not can(request.user, "care.keep_plans", row):
        return render(request, "care/branches/form.html", {"form": None}, status=403)
    form = CarerForm(request.POST or None, found=selectors.candidates(branch=row))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.carer_add(actor=request.user, branch=row, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The carer is on the branch's rota."))
                return redirect("care:branch", branch_id=row.pk)
    return render(request, "care/branches/form.html", {"form": form, "branch": row, "title": _("Add a carer")},
                  status=status)


@scoped
def carer_change(request, carer_id: int):
    carer = selectors.carer_get(user=request.user, pk=carer_id)
    if not can(request.user, "care.keep_plans", carer.branch):
        return render(request, "care/branches/form.html", {"form": None}, status=403)
    form = CarerChangeForm(request.POST or None, initial={
        "max_per_week": carer.max_per_week, "unavailable_weekdays": carer.unavailable_weekdays, "user": carer.user_id})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.carer_update(actor=request.user, carer=carer, max_per_week=data["max_per_week"],
                                      unavailable_weekdays=data["unavailable_weekdays"], user=data["user"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The carer is changed; rosters generated from now on follow it."))
                return redirect("care:branch", branch_id=carer.branch_id)
    return render(request, "care/branches/form.html", {"form": form, "branch": carer.branch,
                                                       "title": _("Change %(name)s") % {"name": carer.name}},
                  status=status)


@scoped
def leave_add(request, carer_id: int):
    carer = selectors.carer_get(user=request.user, pk=carer_id)
    form = LeaveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.leave_add(actor=request.user, carer=carer, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                if exc.status == 403:
                    return render(request, "care/branches/form.html", {"form": None}, status=403)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The leave is recorded."))
                return redirect("care:branch", branch_id=carer.branch_id)
    return render(request, "care/branches/form.html", {"form": form, "branch": carer.branch,
                                                       "title": _("Leave of %(name)s") % {"name": carer.name}},
                  status=status)


@require_POST
@scoped
def leave_remove(request, carer_id: int, leave_id: int):
    carer = selectors.carer_get(user=request.user, pk=carer_id)
    try:
        services.leave_remove(actor=request.user, leave=carer.leaves.filter(pk=leave_id).first() or 0)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The leave is removed."))
    return redirect("care:branch", branch_id=carer.branch_id)


@require_POST
@scoped
def carer_active(request, carer_id: int):
    carer = selectors.carer_get(user=request.user, pk=carer_id)
    try:
        services.carer_deactivate(actor=request.user, carer=carer, active=request.POST.get("active") == "1")
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    return redirect("care:branch", branch_id=carer.branch_id)


@scoped
def branch_cards(request, branch_id: int):
    from django.http import HttpResponse
    from django.utils import timezone

    from ..services import plans as plan_services

    row = selectors.branch_get(user=request.user, pk=branch_id)
    if not can(request.user, "care.keep_plans", row):
        return render(request, "care/branches/form.html", {"form": None}, status=403)
    try:
        data = plan_services.cards_print(actor=request.user, branch=row)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
        return redirect("care:branch", branch_id=row.pk)
    response = HttpResponse(data, content_type="application/pdf")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="care-cards-{row.pk}-{stamp}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("branches/", branches, name="branches"),
    path("branches/new/", branch_create, name="branch-create"),
    path("branches/<int:branch_id>/", branch, name="branch"),
    path("branches/<int:branch_id>/cards.pdf", branch_cards, name="branch-cards"),
    path("branches/<int:branch_id>/carers/add/", carer_add, name="carer-add"),
    path("carers/<int:carer_id>/change/", carer_change, name="carer-change"),
    path("carers/<int:carer_id>/leave/add/", leave_add, name="leave-add"),
    path("carers/<int:carer_id>/leave/<int:leave_id>/remove/", leave_remove, name="leave-remove"),
    path("carers/<int:carer_id>/active/", carer_active, name="carer-active"),
]
