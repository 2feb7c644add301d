"""The supervision committee's pages: its members and elections (staff record an election), its
page of open rectifications, a rectification (report, accept, send back)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, InvalidInput
from gongzhi.core.permissions import can, page_requires, require
from gongzhi.core.permissions import scoped_page as scoped

from .. import selectors
from ..services import committee
from ..services.committee import Candidate
from .common import communities_for, community_from, date_or_none, node_from


@page_requires("disclosure.view")
@scoped
def rectifications(request):
    """Open rectifications (the committee's own page), late ones flagged; `all=1` shows closed too."""
    node = node_from(request)
    require(request.user, "disclosure.view", node)
    show_all = request.GET.get("all") == "1"
    rows = list(selectors.rectifications_visible(user=request.user, node_id=node.pk, open_only=not show_all)[:300])
    for r in rows:
        r.late = selectors.is_late(r)
    return render(request, "disclosure/rectifications.html", {"rows": rows, "node": node, "show_all": show_all,
                                                               "today": timezone.localdate()})


def _rect_context(request, row, errors=None, values=None) -> dict:
    context = {"rect": row, "late": selectors.is_late(row),
               "actions": selectors.rectification_actions(user=request.user, rectification=row),
               "errors": errors or {}, "values": values or {}}
    if core_selectors.can_see_history(request.user):
        context["events"] = core_selectors.history_for(user=request.user, obj=row)[:50]
    return context


@scoped
def rectification_detail(request, rectification_id: int):
    row = selectors.rectification_get(user=request.user, pk=rectification_id)
    return render(request, "disclosure/rectification.html", _rect_context(request, row))


@require_POST
@scoped
def rectification_act(request, rectification_id: int, action: str):
    row = selectors.rectification_get(user=request.user, pk=rectification_id)
    try:
        if action == "report":
            committee.rectification_report(actor=request.user, rectification=row, report=request.POST.get("report", ""))
        elif action == "accept":
            committee.rectification_accept(actor=request.user, rectification=row, note=request.POST.get("note", ""))
        elif action == "reject":
            committee.rectification_reject(actor=request.user, rectification=row, note=request.POST.get("note", ""))
        else:
            raise Http404
    except DomainError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        return render(request, "disclosure/rectification.html",
                      _rect_context(request, row, errors=exc.fields or {"general": [exc.message]},
                                    values=request.POST.dict()), status=400 if isinstance(exc, InvalidInput) else 409)
    messages.success(request, _("Saved."))
    return redirect("disclosure:rectification", rectification_id=row.pk)


def _committee_context(request, community, errors=None, values=None) -> dict:
    body, members, elections = selectors.committee_for(user=request.user, community=community)

    return {"community": community, "body": body, "members": members, "elections": elections,
            "communities": communities_for(request.user),
            "can_record": can(request.user, "disclosure.manage_committee", community),
            "errors": errors or {}, "values": values or {}, "rows": range(1, 10)}


@page_requires("disclosure.view")
@scoped
def committee_page(request):
    """The community's supervision committee: members, elections; staff record an election."""
    community = community_from(request)
    require(request.user, "disclosure.view", community)
    if request.method == "POST":
        values = request.POST.dict()
        try:
            candidates = []
            for n in range(1, 10):
                name = (request.POST.get(f"name_{n}") or "").strip()
                if not name:
                    continue
                votes = (request.POST.get(f"votes_{n}") or "").strip()
                if not votes.isdigit():
                    message = _("%(name)s: votes between 0 and the votes cast.") % {"name": name}
                    raise InvalidInput(message, fields={"candidates": [message]})
                candidates.append(Candidate(name, int(votes), request.POST.get(f"elected_{n}") == "on",
                                            capacity="chair" if request.POST.get("chair") == str(n) else "member"))
            voters = (request.POST.get("voters") or "").strip()
            committee.election_record(
                actor=request.user, community=community, held_on=date_or_none(values.get("held_on", ""), "held_on"),
                term_start=date_or_none(values.get("term_start", ""), "term_start"),
                term_end=date_or_none(values.get("term_end", ""), "term_end"),
                voters=int(voters) if voters.isdigit() else 0, candidates=candidates, note=values.get("note", ""))
            messages.success(request, _("Election recorded."))
            return redirect(f"{request.path}?community_id={community.pk}")
        except DomainError as exc:
            if exc.code in ("forbidden", "not_found"):
                raise
            return render(request, "disclosure/committee.html",
                          _committee_context(request, community, exc.fields or {"general": [exc.message]}, values),
                          status=400)
    return render(request, "disclosure/committee.html", _committee_context(request, community))


urlpatterns = [
    path("rectifications/", rectifications, name="rectifications"),
    path("rectifications/<int:rectification_id>/", rectification_detail, name="rectification"),
    path("rectifications/<int:rectification_id>/<str:action>/", rectification_act, name="rectification-act"),
    path("committee/", committee_page, name="committee"),
]
