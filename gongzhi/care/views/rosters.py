"""Care pages: rotation rosters — the list, generating one (the reasons it cannot be fair above the
form and beside the period), the roster board (a month grid that turns into a list of days on a
phone) with the loads per carer, publishing and withdrawing, a swap asked from a turn, and the
swap requests the branch decides."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped

from ..models import RosterState, SwapState
from ..selectors import rosters as selectors
from ..services import rosters as services
from ..workflow import ROSTER_WORKFLOW, SWAP_WORKFLOW

PER_PAGE = 50


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class GenerateForm(forms.Form):
    branch = forms.TypedChoiceField(label=gettext_lazy("Branch"), coerce=int)
    start_on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end_on = forms.DateField(label=gettext_lazy("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [(b.pk, str(b)) for b in branches]


class SwapForm(forms.Form):
    other_turn = forms.TypedChoiceField(label=gettext_lazy("In exchange for"), coerce=int)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200, required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_turn"].choices = [
            (t.pk, f"{t.date:%Y-%m-%d} {_weekday(t.date)} · {t.carer.name} · {t.address}") for t in candidates]


def _weekday(day: dt.date) -> str:
    from ..fairness import WEEKDAYS

    return str(WEEKDAYS[day.weekday()])


@scoped
def rosters(request):
    state = request.GET.get("state", "")
    rows = selectors.rosters_list(user=request.user, state=state)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "care/rosters/rosters.html", {
        "page": page, "state": state, "states": RosterState.choices, "query": f"state={state}",
        "may_generate": bool(selectors.branches_to_run(user=request.user))})


@scoped
def roster_generate(request):
    branches = selectors.branches_to_run(user=request.user)
    if not branches:
        return render(request, "care/rosters/generate.html", {"form": None}, status=403)
    start = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    form = GenerateForm(request.POST or None, branches=branches, initial={
        "branch": branches[0].pk, "start_on": start, "end_on": start + dt.timedelta(days=27)})
    status = 200
    reasons: list[str] = []
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                roster = services.roster_generate(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                reasons = exc.fields.get("__all__", []) if exc.code == "unfair" else []
                fields = {k: v for k, v in exc.fields.items() if k != "__all__"} if reasons else exc.fields
                add_domain_errors(form, type(exc)(exc.message, code=exc.code, fields=fields))
            else:
                messages.success(request, _("A fair draft roster was generated: check it, then publish it."))
                return redirect("care:roster", roster_id=roster.pk)
    return render(request, "care/rosters/generate.html", {"form": form, "reasons": reasons}, status=status)


@scoped
def roster(request, roster_id: int):
    row = selectors.roster_get(user=request.user, pk=roster_id)
    turns = selectors.roster_turns(roster=row)
    today = timezone.localdate()
    offered = {t.action for t in ROSTER_WORKFLOW.offered(request.user, row)}
    return render(request, "care/rosters/roster.html", {
        "roster": row, "board": selectors.board(roster=row, month=request.GET.get("month", ""), turns=turns),
        "loads": selectors.loads(roster=row), "today": today,
        "may_publish": "publish" in offered, "may_withdraw": "withdraw" in offered,
        "may_decide": can(request.user, "care.run_roster", row),
        "mine": {t.pk for t in turns if t.carer.user_id == request.user.pk} if row.state == RosterState.PUBLISHED else set(),
        "swaps": selectors.swaps_list(user=request.user, roster=row, state=SwapState.REQUESTED)[:50],
    })


def _roster_action(service, done_message):
    @require_POST
    @scoped
    def view(request, roster_id: int):
        row = selectors.roster_get(user=request.user, pk=roster_id)
        try:
            service(actor=request.user, roster=row)
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message())
        return redirect("care:roster", roster_id=row.pk)
    return view


roster_publish = _roster_action(services.roster_publish, lambda: _("Published: the carers are told of their turns."))
roster_withdraw = _roster_action(services.roster_withdraw, lambda: _("Withdrawn: its planned turns are cancelled."))


@scoped
def turn_swap(request, turn_id: int):
    turn = selectors.turn_get(user=request.user, pk=turn_id)
    allowed = services.may_request_for(request.user, turn) and turn.roster.state == RosterState.PUBLISHED
    candidates = selectors.swap_candidates(turn=turn) if allowed else []
    form = SwapForm(request.POST or None, candidates=candidates) if allowed else None
    status = 200
    if request.method == "POST":
        status = 422
        if form is None:
            status = 403
        elif form.is_valid():
            try:
                services.swap_request(actor=request.user, turn=turn, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Asked: the branch secretary decides on the swap."))
                return redirect("care:roster", roster_id=turn.roster_id)
    return render(request, "care/rosters/swap.html", {"turn": turn, "form": form, "allowed": allowed},
                  status=status)


@scoped
def swaps(request):
    state = request.GET.get("state", SwapState.REQUESTED)
    rows = list(selectors.swaps_list(user=request.user, state=state)[:200])
    for swap in rows:
        offered = {t.action for t in SWAP_WORKFLOW.offered(request.user, swap)}
        swap.may_decide = bool({"approve", "refuse"} & offered) and can(request.user, "care.run_roster", swap)
        swap.may_withdraw = "withdraw" in offered and services.may_withdraw(request.user, swap)
    return render(request, "care/rosters/swaps.html", {"swaps": rows, "state": state, "states": SwapState.choices})


def _swap_action(service, done_message):
    @require_POST
    @scoped
    def view(request, swap_id: int):
        swap = selectors.swap_get(user=request.user, pk=swap_id)
        try:
            service(actor=request.user, swap=swap, note=request.POST.get("note", ""))
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message())
        return redirect("care:roster-swaps")
    return view


swap_approve = _swap_action(services.swap_approve, lambda: _("Approved: the two carers exchange their turns."))
swap_refuse = _swap_action(services.swap_refuse, lambda: _("Refused: the turns stay as they were."))
swap_withdraw = _swap_action(services.swap_withdraw, lambda: _("Your swap request is withdrawn."))


urlpatterns = [
    path("rosters/", rosters, name="rosters"),
    path("rosters/generate/", roster_generate, name="roster-generate"),
    path("rosters/swaps/", swaps, name="roster-swaps"),
    path("rosters/<int:roster_id>/", roster, name="roster"),
    path("rosters/<int:roster_id>/publish/", roster_publish, name="roster-publish"),
    path("rosters/<int:roster_id>/withdraw/", roster_withdraw, name="roster-withdraw"),
    path("rosters/turns/<int:turn_id>/swap/", turn_swap, name="turn-swap"),
    path("rosters/swaps/<int:swap_id>/approve/", swap_approve, name="swap-approve"),
    path("rosters/swaps/<int:swap_id>/refuse/", swap_refuse, name="swap-refuse"),
    path("rosters/swaps/<int:swap_id>/withdraw/", swap_withdraw, name="swap-withdraw"),
]
