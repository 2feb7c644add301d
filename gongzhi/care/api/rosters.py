"""The care API: rotation rosters — /api/care/rosters (list, generate), /rosters/{roster_id} (with
its turns and the loads per carer), publish, withdraw; /rosters/turns/{turn_id}/swap (ask to
exchange a turn), /rosters/swaps (list) and /rosters/swaps/{swap_id}/approve|refuse|withdraw.
A roster that cannot be fair answers 400 with code "unfair" and the reasons in fields["__all__"]."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Day, Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import rosters as selectors
from ..services import rosters as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CareRosterOut(Schema):
    id: int
    branch_id: int
    branch_name: str
    start_on: dt.date
    end_on: dt.date
    state: str
    state_label: str
    turn_count: int
    min_load: int
    max_load: int
    spread: int
    generated_at: dt.datetime
    published_at: dt.datetime | None = None

    @staticmethod
    def resolve_branch_name(obj) -> str:
        return str(obj.branch)

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class CareRosterTurnOut(Schema):
    id: int
    date: dt.date
    plan_id: int
    household_id: int
    address: str
    carer_id: int
    carer_name: str
    state: str
    state_label: str

    @staticmethod
    def resolve_household_id(obj) -> int:
        return obj.plan.household_id

    @staticmethod
    def resolve_address(obj) -> str:
        return getattr(obj, "address", "") or obj.plan.household.name

    @staticmethod
    def resolve_carer_name(obj) -> str:
        return obj.carer.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class CareRosterLoadOut(Schema):
    carer_id: int
    name: str
    turns: int
    done: int
    missed: int


class CareRosterDetailOut(CareRosterOut):
    turns: list[CareRosterTurnOut]
    loads: list[CareRosterLoadOut]
    current_spread: int


class CareRosterGenerateIn(Schema):
    branch_id: Id
    start_on: Day
    end_on: Day


class CareRosterNoteIn(Schema):
    note: str = ""


class CareSwapIn(Schema):
    other_turn_id: Id
    reason: str = ""


class CareSwapOut(Schema):
    id: int
    roster_id: int
    turn: CareRosterTurnOut
    other_turn: CareRosterTurnOut
    reason: str
    state: str
    state_label: str
    requested_at: dt.datetime
    decided_at: dt.datetime | None = None

    @staticmethod
    def resolve_roster_id(obj) -> int:
        return obj.turn.roster_id

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class _Detail:
    """The roster with its turns and loads, for CareRosterDetailOut (`turns` is the model's manager)."""

    def __init__(self, roster):
        loads = selectors.loads(roster=roster)
        self._roster = roster
        self.turns = selectors.roster_turns(roster=roster)
        self.loads = loads["carers"]
        self.current_spread = loads["spread"]

    def __getattr__(self, name):
        return getattr(self._roster, name)


def _detail(roster) -> _Detail:
    return _Detail(roster)


@router.get("/rosters", response={200: list[CareRosterOut], **READ_ERRORS}, summary="Care rosters I see")
@paginate(Pagination)
def care_rosters(request: HttpRequest, branch_id: Id | None = None, state: str = ""):
    return selectors.rosters_list(user=request.auth, branch=branch_id, state=state)


@router.post("/rosters", response={201: CareRosterDetailOut, **WRITE_ERRORS},
             summary="Generate a fair draft roster for a branch and period")
def care_roster_generate(request: HttpRequest, payload: CareRosterGenerateIn):
    roster = services.roster_generate(actor=request.auth, branch=payload.branch_id, start_on=payload.start_on,
                                      end_on=payload.end_on)
    return Status(201, _detail(roster))


@router.get("/rosters/swaps", response={200: list[CareSwapOut], **READ_ERRORS}, summary="Swap requests I see")
@paginate(Pagination)
def care_swaps(request: HttpRequest, state: str = "", roster_id: Id | None = None):
    return selectors.swaps_list(user=request.auth, state=state, roster=roster_id)


@router.get("/rosters/{roster_id}", response={200: CareRosterDetailOut, **READ_ERRORS},
            summary="A roster with its turns and the turns per carer")
def care_roster_get(request: HttpRequest, roster_id: int):
    return _detail(selectors.roster_get(user=request.auth, pk=roster_id))


@router.post("/rosters/{roster_id}/publish", response={200: CareRosterOut, **WRITE_ERRORS},
             summary="Publish a draft roster (its carers are told)")
def care_roster_publish(request: HttpRequest, roster_id: int):
    return services.roster_publish(actor=request.auth, roster=roster_id)


@router.post("/rosters/{roster_id}/withdraw", response={200: CareRosterOut, **WRITE_ERRORS},
             summary="Withdraw a roster (its planned turns are cancelled)")
def care_roster_withdraw(request: HttpRequest, roster_id: int, payload: CareRosterNoteIn):
    return services.roster_withdraw(actor=request.auth, roster=roster_id, note=payload.note)


@router.post("/rosters/turns/{turn_id}/swap", response={201: CareSwapOut, **WRITE_ERRORS},
             summary="Ask to exchange a turn with another carer's")
def care_turn_swap(request: HttpRequest, turn_id: int, payload: CareSwapIn):
    return Status(201, services.swap_request(actor=request.auth, turn=turn_id, other_turn=payload.other_turn_id,
                                             reason=payload.reason))


def _swap_action(name: str, service, summary: str):
    def operation(request: HttpRequest, swap_id: int, payload: CareRosterNoteIn):
        return service(actor=request.auth, swap=swap_id, note=payload.note)

    operation.__name__ = f"care_swap_{name}"
    router.post(f"/rosters/swaps/{{swap_id}}/{name}", response={200: CareSwapOut, **WRITE_ERRORS},
                summary=summary)(operation)


_swap_action("approve", services.swap_approve, "Approve a swap (the two carers exchange their turns)")
_swap_action("refuse", services.swap_refuse, "Refuse a swap")
_swap_action("withdraw", services.swap_withdraw, "Withdraw one's swap request")
