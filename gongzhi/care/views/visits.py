"""Care pages at the door, phone first: a carer's turns, the visit form (check-in by the household's
code, or a reason; what was done; how the person is; notes and photos), the visit with its one-tap
case, co-building need and emergency, and the emergencies the staff handle."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.selectors import addresses
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import CareNeed, Condition, EmergencyState, TurnState
from ..selectors import visits as selectors
from ..services import emergencies as emergency_services
from ..services import visits as services


def _address(household) -> str:
    return addresses([household], short=True).get(household.pk) or household.name


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class VisitForm(forms.Form):
    turn = forms.TypedChoiceField(label=gettext_lazy("Turn"), coerce=int, required=False)
    check_in_code = forms.CharField(
        label=gettext_lazy("Code on the household's card"), max_length=12, required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "class": "code-input"}))
    check_in_reason = forms.CharField(label=gettext_lazy("No card at hand? Say why"), max_length=200, required=False)
    done = forms.MultipleChoiceField(label=pgettext_lazy("care visit", "What was done"), choices=CareNeed.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    condition = forms.ChoiceField(label=gettext_lazy("How the person is"), choices=Condition.choices,
                                  initial=Condition.AS_BEFORE, widget=forms.RadioSelect)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, turns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["turn"].choices = [("", _("Not one of my turns"))] + [
            (t.pk, f"{t.date:%Y-%m-%d} · {t.get_state_display()}") for t in turns]


class CaseForm(forms.Form):
    category = forms.TypedChoiceField(label=gettext_lazy("Matter"), coerce=int)
    description = forms.CharField(label=gettext_lazy("The problem"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(m.pk, f"{m.parent.name} · {m.name}") for m in matters]


class NeedForm(forms.Form):
    category = forms.TypedChoiceField(label=gettext_lazy("Category"), coerce=int)
    title = forms.CharField(label=pgettext_lazy("care need", "What is needed"), max_length=60, required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.pk, c.name) for c in categories]


class EmergencyForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("What happened"), max_length=1000,
                                  widget=forms.Textarea(attrs={"rows": 3}))


class HandleForm(forms.Form):
    note = forms.CharField(label=pgettext_lazy("care emergency", "What was done"), max_length=300)


@scoped
def my_turns(request):
    today = timezone.localdate()
    turns = selectors.my_turns(user=request.user, today=today)
    upcoming = [t for t in turns if t.date >= today and t.state == TurnState.PLANNED]
    recent = [t for t in turns if t not in upcoming]
    recent.reverse()
    return render(request, "care/visits/my_turns.html", {
        "upcoming": upcoming, "recent": recent, "today": today,
        "open_states": (TurnState.PLANNED, TurnState.MISSED)})


@scoped
def visit_record(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, pk=plan_id)
    turns = selectors.open_turns_at(user=request.user, plan=plan)
    chosen = request.GET.get("turn", "")
    form = VisitForm(request.POST or None, turns=turns,
                     initial={"turn": chosen or (turns[0].pk if turns else "")})
    status = 200
    photo_error: list[str] = []
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                visit = services.visit_record(
                    actor=request.user, plan=plan, turn=data["turn"] or None,
                    check_in_code=data["check_in_code"], check_in_reason=data["check_in_reason"],
                    done=data["done"], notes=data["notes"], condition=data["condition"],
                    photos=request.FILES.getlist("photos"))
            except DomainError as exc:
                _raise_not_found(exc)
                # the photos are not a field of the form (a file input of several): their error beside it
                fields = dict(exc.fields or {})
                photo_error = list(fields.pop("photos", []))
                if fields or not photo_error:
                    add_domain_errors(form, type(exc)(exc.message, code=exc.code, fields=fields))
            else:
                messages.success(request, _("The visit is recorded."))
                return redirect("care:visit", visit_id=visit.pk)
    return render(request, "care/visits/record.html", {
        "plan": plan, "address": _address(plan.household), "form": form,
        "photo_error": photo_error}, status=status)


@scoped
def visit(request, visit_id: int):
    row = selectors.visit_get(user=request.user, pk=visit_id)
    may_act = can(request.user, "care.visit", row.plan)
    return render(request, "care/visits/visit.html", {
        "visit": row, "address": _address(row.plan.household), "done": [CareNeed(d).label for d in row.done if d in CareNeed.values],
        "may_act": may_act,
        "case_form": CaseForm(matters=selectors.case_matters()) if may_act and not row.case_id else None,
        "need_form": NeedForm(categories=selectors.need_categories()) if may_act and not row.need_id else None,
        "emergency_form": EmergencyForm() if may_act else None,
        "emergencies": list(row.plan.emergencies.filter(visit=row)),
    })


def _visit_link(form_class, service, choices, done_message):
    @require_POST
    @scoped
    def view(request, visit_id: int):
        row = selectors.visit_get(user=request.user, pk=visit_id)
        form = form_class(request.POST, **{choices[0]: choices[1]()})
        if form.is_valid():
            try:
                service(actor=request.user, visit=row, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms) or exc.message)
            else:
                messages.success(request, done_message())
        else:
            messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("care:visit", visit_id=row.pk)
    return view


visit_case = _visit_link(CaseForm, services.visit_to_case, ("matters", selectors.case_matters),
                         lambda: _("A case is opened in the pipeline."))
visit_need = _visit_link(NeedForm, services.visit_to_need, ("categories", selectors.need_categories),
                         lambda: _("The need is on the co-building lists."))


@scoped
def emergency_raise(request, plan_id: int):
    plan = selectors.plan_get(user=request.user, pk=plan_id)
    form = EmergencyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                emergency = emergency_services.emergency_raise(
                    actor=request.user, plan=plan, description=form.cleaned_data["description"],
                    visit=request.POST.get("visit") or None)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Emergency raised: the contacts, the grid worker and the community are "
                                            "told, and case %(ref)s is open.") % {"ref": emergency.case.reference})
                if emergency.visit_id:
                    return redirect("care:visit", visit_id=emergency.visit_id)
                return redirect("care:plan-detail", plan_id=plan.pk)
    return render(request, "care/visits/emergency.html", {"plan": plan, "address": _address(plan.household),
                                                          "form": form}, status=status)


@scoped
def emergencies(request):
    state = request.GET.get("state", EmergencyState.OPEN)
    rows = list(selectors.emergencies_list(user=request.user, state=state)[:100])
    names = addresses([row.plan.household for row in rows], short=True) if rows else {}
    for row in rows:
        row.address = names.get(row.plan.household_id) or row.plan.household.name
        row.may_handle = row.state == EmergencyState.OPEN and can(request.user, "care.handle_emergency", row)
    return render(request, "care/visits/emergencies.html", {
        "rows": rows, "state": state, "states": EmergencyState.choices, "handle_form": HandleForm()})


@require_POST
@scoped
def emergency_handle(request, emergency_id: int):
    row = selectors.emergency_get(user=request.user, pk=emergency_id)
    form = HandleForm(request.POST)
    if form.is_valid():
        try:
            emergency_services.emergency_handle(actor=request.user, emergency=row, note=form.cleaned_data["note"])
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Marked as handled."))
    else:
        messages.error(request, pgettext("care emergency", "Say what was done."))
    return redirect("care:emergencies")


urlpatterns = [
    path("my-turns/", my_turns, name="my-turns"),
    path("visits/plans/<int:plan_id>/record/", visit_record, name="visit-record"),
    path("visits/<int:visit_id>/", visit, name="visit"),
    path("visits/<int:visit_id>/case/", visit_case, name="visit-case"),
    path("visits/<int:visit_id>/need/", visit_need, name="visit-need"),
    path("emergencies/", emergencies, name="emergencies"),
    path("emergencies/plans/<int:plan_id>/raise/", emergency_raise, name="emergency-raise"),
    path("emergencies/<int:emergency_id>/handle/", emergency_handle, name="emergency-handle"),
]
