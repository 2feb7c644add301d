"""Reading care branches: the list, one branch with its carers (and their leave) and its plans'
count; the party groups, members and volunteers that may join its rota."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.party.models import OrgKind, PartyMember, PartyOrganization
from gongzhi.volunteers.models import Volunteer

from ..models import CareBranch, Carer, CarerLeave


def branches_list(*, user) -> QuerySet:
    return (CareBranch.objects.visible_to(user).select_related("organization", "area", "secretary")
            .annotate(carer_count=Count("carers", filter=Q(carers__active=True), distinct=True),
                      plan_count=Count("plans", filter=Q(plans__state="active"), distinct=True)))


def branch_get(*, user, pk) -> CareBranch:
    row = CareBranch.objects.visible_to(user).select_related("organization", "area", "secretary").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def branch_carers(*, branch: CareBranch) -> list[Carer]:
    return list(Carer.objects.filter(branch=branch).select_related("user").prefetch_related(
        Prefetch("leaves", queryset=CarerLeave.objects.order_by("start_on"))).order_by("-active", "kind", "name"))


def carer_get(*, user, pk) -> Carer:
    row = Carer.objects.visible_to(user).select_related("branch__organization").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def candidates(*, branch: CareBranch) -> dict:
    org = branch.organization
    return {
        "groups": list(PartyOrganization.objects.filter(kind=OrgKind.GROUP, path__startswith=org.path)
                       .exclude(care_rotas__branch=branch).order_by("path")),
        "members": list(PartyMember.objects.filter(organization__path__startswith=org.path)
                        .exclude(care_rotas__branch=branch).order_by("name")[:500]),
        # the grid's volunteers and those of the community (or street) it lies in
        "volunteers": list(Volunteer.objects.filter(
            Q(area__path__startswith=branch.area.path)
            | Q(area__path__in=[branch.area.path[:i] for i in range(AreaNode.steplen, len(branch.area.path),
                                                                     AreaNode.steplen)]))
            .exclude(care_rotas__branch=branch).order_by("name")[:500]),
    }


def branch_organizations(*, user) -> list[PartyOrganization]:
    """Party branches of the user's area without a care branch yet."""
    from gongzhi.core import scope

    paths = scope.scope_paths(user)
    qs = PartyOrganization.objects.filter(kind__in=(OrgKind.BRANCH, OrgKind.GENERAL_BRANCH), care_branch__isnull=True)
    if paths is not None:
        qs = qs.filter(scope.path_q(paths, "area"))
    return list(qs.select_related("area").order_by("path")[:500])
