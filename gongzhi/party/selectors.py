"""Reads of the party organisation tree, members and alliances, always scoped to the acting user."""

from __future__ import annotations

from django.db.models import Count, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr

from gongzhi.areas.models import AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import NotFound

from .models import Alliance, AllianceMember, PartyMember, PartyOrganization

# --- organisations -----------------------------------------------------------------------------


def with_parent_pk(qs: QuerySet) -> QuerySet:
    """Annotate each organisation with its parent's id in the same query (no query per row)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - PartyOrganization.steplen)
    return qs.annotate(
        parent_pk=Subquery(PartyOrganization.objects.filter(path=parent_path).values("pk")[:1])
    )


def with_member_total(qs: QuerySet) -> QuerySet:
    """Annotate `member_total`: the members of each organisation and of everything below it."""
    members = (
        PartyMember.objects.filter(organization__path__startswith=OuterRef("path"))
        .order_by()
        .annotate(n=Func("id", function="COUNT"))
        .values("n")
    )
    return qs.annotate(member_total=Subquery(members, output_field=IntegerField()))


def organizations_visible(
    *,
    user,
    kind: str | None = None,
    area_id: int | None = None,
    parent_id: int | None = None,
    search: str = "",
) -> QuerySet:
    """Organisations in the user's scope; `area_id` keeps those attached inside that area node,
    `parent_id` the children of that organisation."""
    qs = PartyOrganization.objects.visible_to(user).select_related("area", "unit")
    if kind:
        qs = qs.filter(kind=kind)
    if area_id:
        area = AreaNode.objects.visible_to(user).filter(pk=area_id).first()
        if area is None:
            raise NotFound()
        qs = qs.filter(area__path__startswith=area.path)
    if parent_id:
        parent = organization_get(user=user, pk=parent_id)
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__startswith=search))
    return with_parent_pk(qs).order_by("path")


def organization_get(*, user, pk: int) -> PartyOrganization:
    org = PartyOrganization.objects.visible_to(user).select_related("area", "unit").filter(pk=pk).first()
    if org is None:
        raise NotFound()
    return org


def organization_roots_for(*, user) -> list[PartyOrganization]:
    """The topmost organisations the user may see (an organisation's area lies inside its parent's,
    so what a user sees is closed downwards: the tops are the visible nodes with no visible parent)."""
    paths = list(PartyOrganization.objects.visible_to(user).values_list("path", flat=True))
    tops = scope._minimal(paths)
    return list(PartyOrganization.objects.filter(path__in=tops).select_related("area").order_by("path"))


def organization_tree_for(*, user, max_rows: int = 3000) -> list[dict]:
    """The visible tree as nested dicts {"org", "children"} from the user's top organisations down,
    capped at `max_rows` organisations (deeper levels are reached through organisation pages)."""
    rows = list(
        with_member_total(PartyOrganization.objects.visible_to(user).select_related("area")).order_by("path")[:max_rows]
    )
    by_path: dict[str, dict] = {}
    roots: list[dict] = []
    step = PartyOrganization.steplen
    for org in rows:
        node = {"org": org, "children": []}
        by_path[org.path] = node
        parent = by_path.get(org.path[:-step])
        if parent is None:
            roots.append(node)
        else:
            parent["children"].append(node)
    return roots


def organization_children(*, user, organization: PartyOrganization) -> QuerySet:
    qs = PartyOrganization.objects.get_children(organization).visible_to(user).select_related("area", "unit")
    return with_member_total(with_parent_pk(qs)).order_by("path")


def organization_ancestors_visible(*, user, organization: PartyOrganization) -> list[PartyOrganization]:
    return list(PartyOrganization.objects.get_ancestors(organization).visible_to(user).select_related("area"))


# --- members -----------------------------------------------------------------------------------


def members_visible(*, user, organization_id: int | None = None, search: str = "") -> QuerySet:
    """Members of the organisations in the user's scope, plus in-service members who registered
    (双报到) with a community in the user's scope."""
    qs = PartyMember.objects.visible_to(user).select_related("organization", "employer", "home_community")
    if organization_id:
        org = organization_get(user=user, pk=organization_id)
        qs = qs.filter(organization__path__startswith=org.path)
    if search:
        qs = qs.filter(name__icontains=search)
    return qs.order_by("organization__path", "name", "id")


def organization_members(*, user, organization: PartyOrganization, descendants: bool = True) -> QuerySet:
    """Members of an organisation (the caller got it through `organization_get`), by default with
    the members of the branches and groups below it."""
    qs = PartyMember.objects.visible_to(user).select_related("organization", "employer", "home_community")
    if descendants:
        qs = qs.filter(organization__path__startswith=organization.path)
    else:
        qs = qs.filter(organization=organization)
    return qs.order_by("organization__path", "name", "id")


def member_get(*, user, pk: int) -> PartyMember:
    member = members_visible(user=user).filter(pk=pk).first()
    if member is None:
        raise NotFound()
    return member


def member_for_user(*, user) -> PartyMember | None:
    """The party member record linked to the user's own account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PartyMember.objects.select_related("organization", "home_community").filter(user=user).first()


# --- alliances ---------------------------------------------------------------------------------


def alliances_visible(*, user, level: str | None = None) -> QuerySet:
    qs = (
        Alliance.objects.visible_to(user)
        .select_related("area", "leading_organization")
        .annotate(member_count=Count("members"))
    )
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("area__path", "level")


def alliance_get(*, user, pk: int) -> Alliance:
    alliance = Alliance.objects.visible_to(user).select_related("area", "leading_organization").filter(pk=pk).first()
    if alliance is None:
        raise NotFound()
    return alliance


def alliance_members(*, user, alliance: Alliance) -> QuerySet:
    return (
        AllianceMember.objects.visible_to(user)
        .filter(alliance=alliance)
        .select_related("unit", "alliance")
        .order_by("role", "unit__name")
    )


def alliances_of_organization(*, user, organization: PartyOrganization) -> dict:
    """The alliances an organisation leads, and those its unit (if it sits in one) is a member of."""
    led = alliances_visible(user=user).filter(leading_organization=organization)
    memberships = (
        AllianceMember.objects.visible_to(user).select_related("alliance", "unit").filter(unit=organization.unit)
        if organization.unit_id
        else AllianceMember.objects.none()
    )
    return {"led": led, "memberships": memberships}
