"""Scoped read endpoints for the party organisation tree, its members and the alliances.
Phone numbers leave the server masked (138****5678)."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gongzhi.core.errors import errors
from gongzhi.core.pagination import Pagination

from . import selectors, services
from .models import PartyMember, PartyOrganization

router = Router(tags=["party"])


class OrganizationOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    code: str
    depth: int
    parent_id: int | None = None
    area_id: int
    area_name: str
    unit_id: int | None = None
    is_grid_branch: bool
    secretary_name: str
    founded_on: datetime.date | None = None
    is_active: bool
    children_count: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_id(obj) -> int | None:
        if hasattr(obj, "parent_pk"):
            return obj.parent_pk
        parent = PartyOrganization.objects.get_parent(obj) if obj.depth > 1 else None
        return parent.pk if parent else None

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_children_count(obj) -> int:
        return obj.numchild


class OrganizationDetailOut(OrganizationOut):
    unit_name: str | None = None
    members_count: int
    member_count_total: int

    @staticmethod
    def resolve_unit_name(obj) -> str | None:
        return obj.unit.name if obj.unit_id else None

    @staticmethod
    def resolve_members_count(obj) -> int:
        return obj.members.count()

    @staticmethod
    def resolve_member_count_total(obj) -> int:
        return PartyMember.objects.filter(organization__path__startswith=obj.path).count()


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    birth_year: int | None = None
    joined_on: datetime.date | None = None
    status: str
    organization_id: int
    organization_name: str
    is_in_service: bool
    employer: str
    home_community_id: int | None = None
    phone_masked: str  # the stored masked copy; the number itself never leaves through the API

    @staticmethod
    def resolve_organization_name(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_employer(obj) -> str:
        return obj.employer_display


class AllianceOut(Schema):
    id: int
    level: str
    level_label: str
    name: str
    area_id: int
    area_name: str
    leading_organization_id: int
    leading_organization_name: str
    meeting_cadence: str
    meeting_interval_days: int
    is_active: bool

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name

    @staticmethod
    def resolve_leading_organization_name(obj) -> str:
        return obj.leading_organization.name


class AllianceMemberOut(Schema):
    id: int
    alliance_id: int
    unit_id: int
    unit_name: str
    representative_name: str
    representative_title: str
    role: str
    joined_on: datetime.date | None = None

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name


@router.get("/organizations", response={200: list[OrganizationOut], **errors(400, 401, 403, 404, 422)}, summary="Party organisations in my scope")
@paginate(Pagination)
def list_organizations(
    request: HttpRequest, kind: str | None = None, area: int | None = None, parent: int | None = None, q: str = ""
):
    return selectors.organizations_visible(user=request.auth, kind=kind, area_id=area, parent_id=parent, search=q)


@router.get("/organizations/{org_id}", response={200: OrganizationDetailOut, **errors(400, 401, 403, 404, 422)}, summary="One party organisation")
def get_organization(request: HttpRequest, org_id: int):
    return selectors.organization_get(user=request.auth, pk=org_id)


@router.get(
    "/organizations/{org_id}/children", response={200: list[OrganizationOut], **errors(400, 401, 403, 404, 422)}, summary="Organisations directly below one"
)
@paginate(Pagination)
def organization_children(request: HttpRequest, org_id: int):
    org = selectors.organization_get(user=request.auth, pk=org_id)
    return selectors.organization_children(user=request.auth, organization=org)


@router.get(
    "/organizations/{org_id}/members",
    response={200: list[MemberOut], **errors(400, 401, 403, 404, 422)},
    summary="Members of an organisation (with those of the branches and groups below it unless descendants=false)",
)
@paginate(Pagination)
def organization_members(request: HttpRequest, org_id: int, descendants: bool = True):
    org = selectors.organization_get(user=request.auth, pk=org_id)
    return selectors.organization_members(user=request.auth, organization=org, descendants=descendants)


@router.get("/members", response={200: list[MemberOut], **errors(400, 401, 403, 404, 422)}, summary="Party members in my scope (incl. 双报到 to it)")
@paginate(Pagination)
def list_members(request: HttpRequest, organization: int | None = None, q: str = ""):
    return selectors.members_visible(user=request.auth, organization_id=organization, search=q)


@router.get("/members/{member_id}", response={200: MemberOut, **errors(400, 401, 403, 404, 422)}, summary="One party member")
def get_member(request: HttpRequest, member_id: int):
    return selectors.member_get(user=request.auth, pk=member_id)


class PhoneRevealIn(Schema):
    reason: str = ""


class MemberPhoneOut(Schema):
    id: int
    phone: str


@router.post("/members/{member_id}/reveal", response={200: MemberPhoneOut, **errors(400, 401, 403, 404, 409, 413, 422)},
             summary="Reveal a party member's full phone (logged)")
def reveal_member_phone(request: HttpRequest, member_id: int, payload: PhoneRevealIn):
    member = selectors.member_get(user=request.auth, pk=member_id)
    return {"id": member.pk, "phone": services.member_reveal_phone(actor=request.auth, member=member,
                                                                      reason=payload.reason)}


@router.get("/alliances", response={200: list[AllianceOut], **errors(400, 401, 403, 404, 422)}, summary="Alliances (大联盟/大工委/大党委) in my scope")
@paginate(Pagination)
def list_alliances(request: HttpRequest, level: str | None = None):
    return selectors.alliances_visible(user=request.auth, level=level)


@router.get("/alliances/{alliance_id}", response={200: AllianceOut, **errors(400, 401, 403, 404, 422)}, summary="One alliance")
def get_alliance(request: HttpRequest, alliance_id: int):
    return selectors.alliance_get(user=request.auth, pk=alliance_id)


@router.get("/alliances/{alliance_id}/members", response={200: list[AllianceMemberOut], **errors(400, 401, 403, 404, 422)}, summary="An alliance's member units")
@paginate(Pagination)
def alliance_members(request: HttpRequest, alliance_id: int):
    alliance = selectors.alliance_get(user=request.auth, pk=alliance_id)
    return selectors.alliance_members(user=request.auth, alliance=alliance)
