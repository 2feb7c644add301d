"""Mobilisation pages: the calls of one's scope, a new whistle (pick the node), a call's live page
(who reported, arrived, declined; check someone in; close), the four-level evaluation; and for
volunteers and party members, "whistles for me" on the phone with the answer buttons."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.permissions import can, page_requires, scoped_page

from ..models import Mobilisation, MobilisationState, ResponseState
from ..selectors import mobilisation as selectors
from ..services import mobilisation as service
from ..workflow_mobilisation import MOBILISATION_WORKFLOW

User = get_user_model()


def _int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def callable_nodes(user) -> list[AreaNode]:
    """The nodes the user may whistle for (communities, grids, buildings, entrance units of their scope)."""
    nodes = scope.restrict(AreaNode.objects.filter(kind__in=service.CALLED_KINDS), user, field="")
    return [n for n in nodes.order_by("path")[:600] if can(user, "volunteers.mobilise", n)]


@page_requires("volunteers.view_list")
@scoped_page
def mobilisation_list(request):
    state = request.GET.get("state", "")
    calls = selectors.mobilisations_visible(user=request.user, state=state)[:200]
    return render(request, "volunteers/mobilisation/list.html", {
        "calls": calls, "state": state, "states": MobilisationState.choices,
        "can_call": can(request.user, "volunteers.mobilise"),
    })


@page_requires("volunteers.mobilise")
@scoped_page
def mobilisation_new(request):
    nodes = callable_nodes(request.user)
    values = {"node": request.GET.get("node", ""), "needed": "5", "title": "", "place": "", "detail": ""}
    errors: dict = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        by_id = {n.pk: n for n in nodes}
        node = by_id.get(_int(values["node"]))
        needed = _int(values["needed"])
        if node is None:
            errors["node"] = [_("Choose the community, grid, building or unit to call.")]
        if needed is None:
            errors["needed"] = [_("Between 1 and 10000 people.")]
        if not errors:
            try:
                call = service.mobilisation_call(actor=request.user, node=node, title=values["title"],
                                                 place=values["place"], needed=needed, detail=values["detail"])
                return redirect("volunteers:mobilisation", mobilisation_id=call.pk)
            except InvalidInput as exc:
                errors = exc.fields or {"title": [exc.message]}
    return render(request, "volunteers/mobilisation/new.html", {"nodes": nodes, "values": values, "errors": errors},
                  status=400 if errors else 200)


@page_requires("volunteers.view_list")
@scoped_page
def mobilisation_detail(request, mobilisation_id: int, errors: dict | None = None, status: int = 200):
    call = selectors.mobilisation_get(user=request.user, pk=mobilisation_id)
    if not Mobilisation.objects.visible_to(request.user).filter(pk=call.pk).exists():
        raise Http404
    grouped = selectors.responses_of(mobilisation=call)
    may_act = call.state == MobilisationState.OPEN and can(request.user, "volunteers.mobilise", call)
    return render(request, "volunteers/mobilisation/detail.html", {
        "call": call, "reported": grouped[ResponseState.REPORTED], "arrived": grouped[ResponseState.ARRIVED],
        "declined": grouped[ResponseState.DECLINED], "may_act": may_act,
        "waiting": selectors.reached_not_answered(mobilisation=call) if may_act else [],
        "offered": [t.action for t in MOBILISATION_WORKFLOW.offered(request.user, call)],
        "errors": errors or {},
    }, status=status)


@require_POST
@scoped_page
def mobilisation_check_in(request, mobilisation_id: int):
    user = User.objects.filter(pk=_int(request.POST.get("user"))).first()
    try:
        service.mobilisation_check_in(actor=request.user, mobilisation=mobilisation_id, user=user)
    except (InvalidInput, Conflict) as exc:
        fields = getattr(exc, "fields", None) or {"user": [exc.message]}
        return mobilisation_detail(request, mobilisation_id, errors=fields, status=400)
    return redirect("volunteers:mobilisation", mobilisation_id=mobilisation_id)


@require_POST
@scoped_page
def mobilisation_close(request, mobilisation_id: int):
    try:
        service.mobilisation_close(actor=request.user, mobilisation=mobilisation_id, note=request.POST.get("note", ""))
    except InvalidInput as exc:
        return mobilisation_detail(request, mobilisation_id, errors=exc.fields or {"note": [exc.message]}, status=400)
    except Conflict as exc:
        return mobilisation_detail(request, mobilisation_id, errors={"note": [exc.message]}, status=409)
    return redirect("volunteers:mobilisation", mobilisation_id=mobilisation_id)


def _period(request) -> tuple[dt.date, dt.date, dict]:
    errors: dict = {}
    values = {}
    for name in ("start", "end"):
        raw = (request.GET.get(name) or "").strip()
        values[name] = None
        if raw:
            try:
                values[name] = dt.date.fromisoformat(raw)
            except ValueError:
                errors[name] = [_("Give a date as YYYY-MM-DD.")]
    start, end = selectors.period_of(values["start"], values["end"])
    if start > end:
        errors["end"] = [_("The end of the period lies before its start.")]
        start, end = selectors.period_of(None, None)
    return start, end, errors


@page_requires("volunteers.view_list")
@scoped_page
def mobilisation_evaluation(request):
    start, end, errors = _period(request)
    levels = selectors.evaluation(user=request.user, start=start, end=end)
    return render(request, "volunteers/mobilisation/evaluation.html", {
        "levels": levels, "start": start, "end": end, "errors": errors,
    }, status=400 if errors else 200)


@scoped_page
def whistles_mine(request):
    return render(request, "volunteers/mobilisation/mine.html", {"calls": selectors.whistles_for(user=request.user)})


@scoped_page
def whistle(request, mobilisation_id: int, error: str = "", status: int = 200):
    call = selectors.mobilisation_get(user=request.user, pk=mobilisation_id)
    mine = call.responses.filter(user=request.user).first()
    return render(request, "volunteers/mobilisation/whistle.html", {
        "call": call, "mine": mine, "error": error, "reached": service.reaches(call, request.user),
        "is_open": call.state == MobilisationState.OPEN,
    }, status=status)


@require_POST
@scoped_page
def whistle_answer(request, mobilisation_id: int):
    try:
        service.mobilisation_answer(actor=request.user, mobilisation=mobilisation_id,
                                    answer=request.POST.get("answer", ""))
    except InvalidInput as exc:
        return whistle(request, mobilisation_id, error=exc.message, status=400)
    except Conflict as exc:
        return whistle(request, mobilisation_id, error=exc.message, status=409)
    return redirect("volunteers:whistle", mobilisation_id=mobilisation_id)


urlpatterns = [
    path("mobilisations/", mobilisation_list, name="mobilisation-list"),
    path("mobilisations/new/", mobilisation_new, name="mobilisation-new"),
    path("mobilisations/evaluation/", mobilisation_evaluation, name="mobilisation-evaluation"),
    path("mobilisations/<int:mobilisation_id>/", mobilisation_detail, name="mobilisation"),
    path("mobilisations/<int:mobilisation_id>/check-in/", mobilisation_check_in, name="mobilisation-check-in"),
    path("mobilisations/<int:mobilisation_id>/close/", mobilisation_close, name="mobilisation-close"),
    path("whistles/", whistles_mine, name="whistles"),
    path("whistles/<int:mobilisation_id>/", whistle, name="whistle"),
    path("whistles/<int:mobilisation_id>/answer/", whistle_answer, name="whistle-answer"),
]
