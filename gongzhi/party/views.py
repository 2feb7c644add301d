"""Pages of the party app: the organisation tree, an organisation, the alliances. As thin as the
API: every read goes through the scoped selectors; out-of-scope ids are 404."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import page_requires

from . import selectors
from .models import OrgKind

MEMBERS_PER_PAGE = 50


@page_requires("party.view_tree")
def tree(request):
    return render(
        request,
        "party/tree.html",
        {"tree": selectors.organization_tree_for(user=request.user), "own_member": selectors.member_for_user(user=request.user)},
    )


@login_required
def organization_detail(request, pk: int):
    try:
        org = selectors.organization_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    members = selectors.organization_members(user=request.user, organization=org)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "org": org,
        "ancestors": selectors.organization_ancestors_visible(user=request.user, organization=org),
        "children": selectors.organization_children(user=request.user, organization=org)[:500],
        "members_page": page,
        "show_member_org": org.kind != OrgKind.GROUP,
        "alliances": selectors.alliances_of_organization(user=request.user, organization=org),
    }
    if core_selectors.can_see_history(request.user):
        context["events"] = core_selectors.history_for(user=request.user, obj=org)[:50]
    return render(request, "party/organization.html", context)


@login_required
def alliances(request):
    items = list(selectors.alliances_visible(user=request.user))
    for alliance in items:
        alliance.member_list = list(selectors.alliance_members(user=request.user, alliance=alliance))
    return render(request, "party/alliances.html", {"alliances": items})


@login_required
def alliance_detail(request, pk: int):
    try:
        alliance = selectors.alliance_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    context = {"alliance": alliance, "members": selectors.alliance_members(user=request.user, alliance=alliance)}
    if core_selectors.can_see_history(request.user):
        context["events"] = core_selectors.history_for(user=request.user, obj=alliance)[:50]
    return render(request, "party/alliance.html", context)
