"""Reads of the area tree and registries, always scoped to the acting user."""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from gongzhi.core import scope
from gongzhi.core.errors import NotFound

from .models import AreaNode, Department, Estate, Unit


def with_parent_id(qs: QuerySet) -> QuerySet:
    """Annotate each node with its parent's id in the same query (the parent's path is the
    node's path less one step)."""
    parent = AreaNode.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - AreaNode.steplen)
    ).values("pk")[:1]
    return qs.annotate(parent_pk=Subquery(parent))


def area_nodes_visible(*, user, kind: str | None = None, parent_id: int | None = None, search: str = "") -> QuerySet:
    qs = AreaNode.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if parent_id:
        parent = area_node_get(user=user, pk=parent_id)
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return with_parent_id(qs).order_by("path")


def area_node_get(*, user, pk: int) -> AreaNode:
    node = with_parent_id(AreaNode.objects.visible_to(user)).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def area_roots_for(*, user) -> list[AreaNode]:
    """The top nodes a user may browse from: their bound nodes (or the tree's roots)."""
    paths = scope.scope_paths(user)
    if paths is None:
        return list(AreaNode.objects.get_root_nodes())
    return list(AreaNode.objects.filter(path__in=paths).order_by("path"))


def area_children(*, user, node: AreaNode) -> QuerySet:
    return with_parent_id(AreaNode.objects.get_children(node).visible_to(user)).order_by("code")


def area_ancestors_visible(*, user, node: AreaNode) -> list[AreaNode]:
    return list(AreaNode.objects.get_ancestors(node).visible_to(user))


def estates_visible(*, user) -> QuerySet:
    return Estate.objects.visible_to(user).select_related("community", "property_company")


def units_visible(*, user) -> QuerySet:
    return Unit.objects.visible_to(user).select_related("area")


def estate_get(*, user, pk: int) -> Estate:
    estate = estates_visible(user=user).filter(pk=pk).first()
    if estate is None:
        raise NotFound()
    return estate


def unit_get(*, user, pk: int) -> Unit:
    unit = units_visible(user=user).filter(pk=pk).first()
    if unit is None:
        raise NotFound()
    return unit


def departments_visible(*, user) -> QuerySet:
    """Departments of the districts the user works in (a district's departments serve all of it)."""
    return Department.objects.visible_to(user).select_related("district")
