"""Care pages: plans — the list (by branch, state, due for review), a plan with its people, needs,
rota (包保 marked), masked contacts and health notes (revealed on request, audited), recent visits
and turns; the forms to create, edit, review and close a plan and to add contacts; households with
tagged people and no plan, each started with one button."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.selectors import addresses
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.residents.models import TagKind

from ..models import CareNeed, CloseReason, PlanState
from ..selectors import plans as selectors
from ..services import plans as services
from ..workflow import PLAN_WORKFLOW

PER_PAGE = 30


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class PlanForm(forms.Form):
    branch = forms.TypedChoiceField(label=gettext_lazy("Responsible branch"), coerce=int)
    people = forms.TypedMultipleChoiceField(label=gettext_lazy("People cared for"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    needs = forms.MultipleChoiceField(label=gettext_lazy("Needs"), choices=CareNeed.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    needs_note = forms.CharField(label=gettext_lazy("Other needs"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    health_notes = forms.CharField(label=gettext_lazy("Health notes"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    every_days = forms.IntegerField(label=gettext_lazy("Someone comes at least every (days)"), initial=7)
    skip_holidays = forms.BooleanField(label=gettext_lazy("No visits on public holidays"), required=False)
    review_every_days = forms.IntegerField(label=gettext_lazy("Reviewed every (days)"), initial=90)
    carers = forms.TypedMultipleChoiceField(label=gettext_lazy("Rota"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    paired = forms.TypedMultipleChoiceField(label=gettext_lazy("Paired with the household (包保)"), coerce=int,
                                            required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, branches, people, carers, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [(b.pk, str(b)) for b in branches]
        self.fields["people"].choices = [(p.pk, p.name) for p in people]
        choices = [(c.pk, f"{c.name} · {c.get_kind_display()}") for c in carers]
        self.fields["carers"].choices = choices
        self.fields["paired"].choices = choices
        if editing:
            del self.fields["branch"]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=CloseReason.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class ReviewForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("emergency contact", "Name"), max_length=50)
    relation = forms.CharField(label=gettext_lazy("Relation"), max_length=30)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20)


@scoped
def plans(request):
    branch = request.GET.get("branch", "")
    state = request.GET.get("state", "")
    due = request.GET.get("due", "") == "1"
    rows = selectors.plans_list(user=request.user, branch=int(branch) if branch.isdigit() else None, state=state, due=due)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    names = addresses([p.household for p in page.object_list], short=True)
    for p in page.object_list:
        p.address = names.get(p.household_id) or p.household.name
    return render(request, "care/plans/plans.html", {
        "page": page, "branch": branch, "state": state, "due": due, "states": PlanState.choices,
        "branches": selectors.branches_for(user=request.user), "today": timezone.localdate(),
        "query": f"branch={branch}&state={state}&due={'1' if due else ''}",
        "may_create": can(request.user, "care.keep_plans")})


@scoped
def plan_detail(request, plan_id: int):
    row = selectors.plan_get(user=request.user, pk=plan_id)
    offered = {t.action for t in PLAN_WORKFLOW.offered(request.user, row)}
    revealed = request.session.pop(f"care-health-{row.pk}", None)
    return render(request, "care/plans/plan.html", {
        "plan": row, "address": addresses([row.household]).get(row.household_id) or row.household.name,
        "people": list(row.people.all()), "needs": [CareNeed(n).label for n in row.needs if n in CareNeed.values],
        "rota": selectors.plan_rota(plan=row), "contacts": list(row.contacts.all()),
        "visits": selectors.recent_visits(plan=row), "turns": selectors.recent_turns(plan=row),
        "may_edit": "update" in offered, "may_review": "review" in offered, "may_close": "close" in offered,
        "may_reveal": can(request.user, "care.reveal_health", row), "revealed": revealed,
        "has_health": bool(row.health_notes), "today": timezone.localdate(),
        "may_visit": row.state == PlanState.ACTIVE and can(request.user, "care.visit", row),
        "tags": [str(TagKind(t).label) if t in TagKind.values else t for t in row.source_tags or []]})


def _form_for(request, *, branch_id, household, initial=None, editing=False, data=None):
    branches = selectors.branches_for(user=request.user)
    people = selectors.household_people(household=household)
    return PlanForm(data, branches=branches, people=people, carers=selectors.carers_of(branch_id=branch_id),
                    editing=editing, initial=initial or {})


@scoped
def plan_create(request, household_id: int):
    household = selectors.household_get(user=request.user, pk=household_id)
    if not can(request.user, "care.keep_plans", household):
        return render(request, "care/plans/form.html", {"form": None}, status=403)
    default = services.default_branch(request.user, household)
    branch_id = int(request.POST.get("branch") or 0) or (default.pk if default else None)
    form = _form_for(request, branch_id=branch_id, household=household, data=request.POST or None,
                     initial={"branch": branch_id, "every_days": 7, "review_every_days": 90})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, household=household, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The care plan is made; its check-in code is %(code)s.")
                                 % {"code": plan.checkin_code})
                return redirect("care:plan-detail", plan_id=plan.pk)
    return render(request, "care/plans/form.html", {"form": form, "household": household,
                                                    "title": _("New care plan")}, status=status)


@scoped
def plan_edit(request, plan_id: int):
    row = selectors.plan_get(user=request.user, pk=plan_id)
    if "update" not in {t.action for t in PLAN_WORKFLOW.offered(request.user, row)}:
        return render(request, "care/plans/form.html", {"form": None}, status=403)
    rota = selectors.plan_rota(plan=row)
    form = _form_for(request, branch_id=row.branch_id, household=row.household, editing=True,
                     data=request.POST or None, initial={
                         "people": [p.pk for p in row.people.all()], "needs": row.needs, "needs_note": row.needs_note,
                         "every_days": row.every_days, "skip_holidays": row.skip_holidays,
                         "review_every_days": row.review_every_days, "carers": [r.carer_id for r in rota],
                         "paired": [r.carer_id for r in rota if r.paired]})
    del form.fields["health_notes"]  # changed only on its own, never shown back in a form
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            carers, paired = data.pop("carers"), data.pop("paired")
            try:
                services.plan_update(actor=request.user, plan=row, **data)
                services.plan_set_rota(actor=request.user, plan=row, carers=carers, paired=paired)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The care plan is changed."))
                return redirect("care:plan-detail", plan_id=row.pk)
    return render(request, "care/plans/form.html", {"form": form, "household": row.household, "plan": row,
                                                    "title": _("Change the care plan")}, status=status)


def _small_form(template: str, form_class, service, done):
    @scoped
    def view(request, plan_id: int):
        row = selectors.plan_get(user=request.user, pk=plan_id)
        form = form_class(request.POST or None)
        status = 200
        if request.method == "POST":
            status = 422
            if form.is_valid():
                try:
                    service(actor=request.user, plan=row, **form.cleaned_data)
                except DomainError as exc:
                    _raise_not_found(exc)
                    if exc.status in (403, 409):
                        messages.error(request, exc.message)
                        return redirect("care:plan-detail", plan_id=row.pk)
                    add_domain_errors(form, exc)
                else:
                    messages.success(request, done())
                    return redirect("care:plan-detail", plan_id=row.pk)
        return render(request, template, {"form": form, "plan": row}, status=status)
    return view


plan_close = _small_form("care/plans/close.html", CloseForm, services.plan_close,
                         lambda: _("The care plan is closed; its future turns are cancelled."))
plan_review = _small_form("care/plans/review.html", ReviewForm, services.plan_review,
                          lambda: _("The review is recorded."))
contact_add = _small_form("care/plans/contact.html", ContactForm, services.contact_add,
                          lambda: _("The emergency contact is added."))


@require_POST
@scoped
def contact_remove(request, plan_id: int, contact_id: int):
    row = selectors.plan_get(user=request.user, pk=plan_id)
    try:
        services.contact_remove(actor=request.user, contact=row.contacts.filter(pk=contact_id).first() or 0)
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The emergency contact is removed."))
    return redirect("care:plan-detail", plan_id=row.pk)


@require_POST
@scoped
def plan_reveal(request, plan_id: int):
    row = selectors.plan_get(user=request.user, pk=plan_id)
    try:
        text = services.plan_reveal_health(actor=request.user, plan=row, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
        return redirect("care:plan-detail", plan_id=row.pk)
    return render(request, "care/plans/health.html", {"plan": row, "text": text})


@scoped
def from_tags(request):
    if not can(request.user, "care.keep_plans"):
        return render(request, "care/plans/from_tags.html", {"rows": None}, status=403)
    if request.method == "POST":
        try:
            plan = services.plan_from_tags(actor=request.user, household=request.POST.get("household"))
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The care plan is started: add its rota and contacts."))
            return redirect("care:plan-detail", plan_id=plan.pk)
    rows = services.tagged_households(request.user)
    names = addresses([r["household"] for r in rows], short=True)
    from gongzhi.residents.models import TagKind

    for r in rows:
        r["address"] = names.get(r["household"].pk) or r["household"].name
        r["tag_labels"] = [TagKind(t).label for t in r["tags"]]
    return render(request, "care/plans/from_tags.html", {"rows": rows})


urlpatterns = [
    path("plans/", plans, name="plans"),
    path("plans/from-tags/", from_tags, name="plan-from-tags"),
    path("plans/new/<int:household_id>/", plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/review/", plan_review, name="plan-review"),
    path("plans/<int:plan_id>/close/", plan_close, name="plan-close"),
    path("plans/<int:plan_id>/reveal/", plan_reveal, name="plan-reveal"),
    path("plans/<int:plan_id>/contacts/add/", contact_add, name="plan-contact-add"),
    path("plans/<int:plan_id>/contacts/<int:contact_id>/remove/", contact_remove, name="plan-contact-remove"),
]
