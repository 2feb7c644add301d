"""The care API: branches — /api/care/branches (list, set up), /branches/{branch_id} (with its
carers), /branches/{branch_id}/carers (add); /carers/{carer_id} (change), /carers/{carer_id}/active,
/carers/{carer_id}/leave (add) and /carers/{carer_id}/leave/{leave_id} (remove)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from gongzhi.core.errors import Day, Id, errors

from ..selectors import branches as selectors
from ..services import branches as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CareLeaveOut(Schema):
    id: int
    start_on: dt.date
    end_on: dt.date
    reason: str


class CareCarerOut(Schema):
    id: int
    branch_id: int
    kind: str
    name: str
    party_group_id: int | None = None
    member_id: int | None = None
    volunteer_id: int | None = None
    user_id: int | None = None
    max_per_week: int
    unavailable_weekdays: list[int]
    active: bool
    leaves: list[CareLeaveOut]

    @staticmethod
    def resolve_leaves(obj) -> list:
        return list(obj.leaves.all())


class CareBranchOut(Schema):
    id: int
    organization_id: int
    name: str
    area_id: int
    secretary_id: int | None = None

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj)


class CareBranchDetailOut(CareBranchOut):
    carers: list[CareCarerOut]


class CareBranchIn(Schema):
    organization_id: Id
    secretary_id: Id | None = None


class CareCarerIn(Schema):
    kind: str
    party_group_id: Id | None = None
    member_id: Id | None = None
    volunteer_id: Id | None = None
    user_id: Id | None = None
    max_per_week: int = 2
    unavailable_weekdays: list[int] = []


class CareCarerChangeIn(Schema):
    max_per_week: int | None = None
    unavailable_weekdays: list[int] | None = None
    user_id: Id | None = None


class CareCarerActiveIn(Schema):
    active: bool


class CareLeaveIn(Schema):
    start_on: Day
    end_on: Day
    reason: str = ""


class _Detail:
    def __init__(self, branch):
        self._branch = branch
        self.carers = selectors.branch_carers(branch=branch)

    def __getattr__(self, name):
        return getattr(self._branch, name)

    def __str__(self) -> str:
        return str(self._branch)


@router.get("/branches", response={200: list[CareBranchOut], **READ_ERRORS}, summary="Care branches I see")
def care_branches(request: HttpRequest):
    return list(selectors.branches_list(user=request.auth)[:500])


@router.post("/branches", response={201: CareBranchOut, **WRITE_ERRORS}, summary="Set up a care branch")
def care_branch_create(request: HttpRequest, payload: CareBranchIn):
    return Status(201, services.branch_create(actor=request.auth, organization=payload.organization_id,
                                              secretary=payload.secretary_id))


@router.get("/branches/{branch_id}", response={200: CareBranchDetailOut, **READ_ERRORS},
            summary="A care branch with its carers and their leave")
def care_branch_get(request: HttpRequest, branch_id: int):
    return _Detail(selectors.branch_get(user=request.auth, pk=branch_id))


class CareBranchChangeIn(Schema):
    secretary_id: Id | None = None


@router.patch("/branches/{branch_id}", response={200: CareBranchOut, **WRITE_ERRORS},
              summary="Change a care branch's secretary")
def care_branch_update(request: HttpRequest, branch_id: int, payload: CareBranchChangeIn):
    return services.branch_update(actor=request.auth, branch=branch_id, secretary=payload.secretary_id)


@router.post("/branches/{branch_id}/carers", response={201: CareCarerOut, **WRITE_ERRORS},
             summary="Put a party group, member or volunteer on the branch's rota")
def care_carer_add(request: HttpRequest, branch_id: int, payload: CareCarerIn):
    return Status(201, services.carer_add(
        actor=request.auth, branch=branch_id, kind=payload.kind, party_group=payload.party_group_id,
        member=payload.member_id, volunteer=payload.volunteer_id, user=payload.user_id,
        max_per_week=payload.max_per_week, unavailable_weekdays=payload.unavailable_weekdays))


@router.patch("/carers/{carer_id}", response={200: CareCarerOut, **WRITE_ERRORS}, summary="Change a carer")
def care_carer_update(request: HttpRequest, carer_id: int, payload: CareCarerChangeIn):
    return services.carer_update(actor=request.auth, carer=carer_id, max_per_week=payload.max_per_week,
                                 unavailable_weekdays=payload.unavailable_weekdays, user=payload.user_id)


@router.post("/carers/{carer_id}/active", response={200: CareCarerOut, **WRITE_ERRORS},
             summary="Take a carer off the rota or put them back")
def care_carer_active(request: HttpRequest, carer_id: int, payload: CareCarerActiveIn):
    return services.carer_deactivate(actor=request.auth, carer=carer_id, active=payload.active)


@router.post("/carers/{carer_id}/leave", response={201: CareLeaveOut, **WRITE_ERRORS}, summary="Record a carer's leave")
def care_leave_add(request: HttpRequest, carer_id: int, payload: CareLeaveIn):
    return Status(201, services.leave_add(actor=request.auth, carer=carer_id, start_on=payload.start_on,
                                          end_on=payload.end_on, reason=payload.reason))


@router.delete("/carers/{carer_id}/leave/{leave_id}", response={204: None, **WRITE_ERRORS},
               summary="Remove a carer's leave")
def care_leave_remove(request: HttpRequest, carer_id: int, leave_id: int):
    carer = selectors.carer_get(user=request.auth, pk=carer_id)
    services.leave_remove(actor=request.auth, leave=carer.leaves.filter(pk=leave_id).first() or 0)
    return Status(204, None)
