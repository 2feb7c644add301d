from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import NotFound

from . import selectors


@login_required
def tree(request):
    roots = selectors.area_roots_for(user=request.user)
    return render(request, "areas/tree.html", {"roots": roots})


@login_required
def node_detail(request, pk: int):
    try:
        node = selectors.area_node_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    children = selectors.area_children(user=request.user, node=node).select_related("estate")
    context = {
        "node": node,
        "ancestors": selectors.area_ancestors_visible(user=request.user, node=node),
        "children": children[:500],
        "children_count": node.numchild,
        "units": selectors.units_visible(user=request.user).filter(area=node)[:100],
        "estates": selectors.estates_visible(user=request.user).filter(community=node) if node.kind == "community" else [],
    }
    if core_selectors.can_see_history(request.user):
        context["events"] = core_selectors.history_for(user=request.user, obj=node)[:50]
    return render(request, "areas/node.html", context)
