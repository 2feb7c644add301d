"""The orders API (点单 → 派单 → 接单 → 评单): /api/circle/orders (order, mine), /orders/board (the
centre's board), /orders/provider (the provider account's orders), /orders/{order_id} (detail with
its steps and the actions offered), /orders/{order_id}/candidates (providers to dispatch to) and
one POST per step: dispatch, accept, decline, deliver (check-in), rate, cancel, withdraw."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..models import OrdererKind
from ..selectors import orders as selectors
from ..services import orders as services
from ..workflow import ORDER_WORKFLOW

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CircleOrderOut(Schema):
    id: int
    number: str
    service: str
    service_name: str
    orderer_kind: str
    place_id: int
    place_name: str
    description: str
    wanted_at: dt.datetime
    state: str
    state_label: str
    provider_id: int | None = None
    provider_name: str = ""
    due_at: dt.datetime | None = None
    overdue_at: dt.datetime | None = None
    overdue: bool
    created_at: dt.datetime
    dispatched_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    checkin_distance_m: int | None = None
    delivery_note: str
    stars: int | None = None
    rating_comment: str
    rated_at: dt.datetime | None = None
    cancel_reason: str
    declines: list[dict]

    @staticmethod
    def resolve_service(obj) -> str:
        return obj.service.code

    @staticmethod
    def resolve_service_name(obj) -> str:
        return obj.service.name

    @staticmethod
    def resolve_place_name(obj) -> str:
        return obj.place.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_provider_name(obj) -> str:
        return obj.provider.name if obj.provider_id else ""

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return selectors.is_overdue(obj)


class CircleOrderStepOut(Schema):
    action: str
    label: str
    at: dt.datetime
    note: str


class CircleOrderDetailOut(CircleOrderOut):
    steps: list[CircleOrderStepOut]
    actions: list[str]


class CircleCandidateOut(Schema):
    provider_id: int
    name: str
    distance_m: int | None = None
    suitable: bool
    field: str
    reason: str


class CircleOrderIn(Schema):
    service: str = Field(..., min_length=1, max_length=40, description="The menu item's code, e.g. locksmith")
    place_id: Id
    description: str = Field(..., max_length=services.DESCRIPTION_MAX)
    wanted_at: dt.datetime
    orderer_kind: str = OrdererKind.RESIDENT.value
    provider_id: Id | None = None


class CircleDispatchIn(Schema):
    provider_id: Id


class CircleReasonIn(Schema):
    reason: str = Field(..., max_length=services.REASON_MAX)


class CircleDeliverIn(Schema):
    latitude: float
    longitude: float
    note: str = Field("", max_length=services.NOTE_MAX)


class CircleRateIn(Schema):
    stars: int
    comment: str = Field("", max_length=services.NOTE_MAX)


def _detail(request, order) -> dict:
    row = selectors.order_get(user=request.auth, pk=order.pk)
    row.steps = [vars(s) for s in selectors.order_steps(row)]
    row.actions = [t.action for t in ORDER_WORKFLOW.offered(request.auth, row)]
    return row


@router.post("/orders", response={201: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Order from the menu (straight to a provider when one is given)")
def circle_order_create(request: HttpRequest, payload: CircleOrderIn):
    order = services.order_create(actor=request.auth, service=payload.service, place=payload.place_id,
                                  description=payload.description, wanted_at=payload.wanted_at,
                                  orderer_kind=payload.orderer_kind, provider=payload.provider_id)
    return Status(201, _detail(request, order))


@router.get("/orders", response={200: list[CircleOrderOut], **READ_ERRORS}, summary="My orders")
@paginate(Pagination)
def circle_orders_mine(request: HttpRequest):
    return selectors.my_orders(user=request.auth)


@router.get("/orders/board", response={200: list[CircleOrderOut], **READ_ERRORS},
            summary="The centre's dispatch board (open orders of the area by default)")
def circle_orders_board(request: HttpRequest, service: str = "", state: str = "", overdue: bool = False):
    found = selectors.board(user=request.auth, service=service, state=state, overdue=overdue)
    return [o for g in found["groups"] for o in g["orders"]]


@router.get("/orders/provider", response={200: list[CircleOrderOut], **READ_ERRORS},
            summary="The orders dispatched to the signed-in provider account")
@paginate(Pagination)
def circle_orders_provider(request: HttpRequest, state: str = ""):
    return selectors.provider_orders(user=request.auth, state=state)


@router.get("/orders/{order_id}", response={200: CircleOrderDetailOut, **READ_ERRORS},
            summary="An order with its steps and the actions offered")
def circle_order_get(request: HttpRequest, order_id: int):
    return _detail(request, selectors.order_get(user=request.auth, pk=order_id))


@router.get("/orders/{order_id}/candidates", response={200: list[CircleCandidateOut], **READ_ERRORS},
            summary="Providers to dispatch an order to (suitable ones nearest first, the others with why)")
def circle_order_candidates(request: HttpRequest, order_id: int):
    order = selectors.order_get(user=request.auth, pk=order_id)
    return [{"provider_id": c.provider.pk, "name": c.provider.name, "distance_m": c.distance_m,
             "suitable": c.suitable, "field": c.field, "reason": c.reason}
            for c in selectors.candidates(user=request.auth, order=order)]


@router.post("/orders/{order_id}/dispatch", response={200: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Dispatch an order to a provider (the centre)")
def circle_order_dispatch(request: HttpRequest, order_id: int, payload: CircleDispatchIn):
    return _detail(request, services.order_dispatch(actor=request.auth, order=order_id, provider=payload.provider_id))


@router.post("/orders/{order_id}/accept", response={200: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Accept an order (the provider)")
def circle_order_accept(request: HttpRequest, order_id: int):
    return _detail(request, services.order_accept(actor=request.auth, order=order_id))


@router.post("/orders/{order_id}/decline", response={200: CircleOrderOut, **WRITE_ERRORS},
             summary="Decline an order with a reason (the provider; back to the centre)")
def circle_order_decline(request: HttpRequest, order_id: int, payload: CircleReasonIn):
    row = services.order_decline(actor=request.auth, order=order_id, reason=payload.reason)
    return row  # the provider no longer sees it: answered from the row itself


@router.post("/orders/{order_id}/deliver", response={200: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Delivered, with check-in at the place (the provider's position)")
def circle_order_deliver(request: HttpRequest, order_id: int, payload: CircleDeliverIn):
    return _detail(request, services.order_deliver(actor=request.auth, order=order_id, latitude=payload.latitude,
                                                   longitude=payload.longitude, note=payload.note))


@router.post("/orders/{order_id}/rate", response={200: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Rate a delivered order, 1–5 stars (who ordered it)")
def circle_order_rate(request: HttpRequest, order_id: int, payload: CircleRateIn):
    return _detail(request, services.order_rate(actor=request.auth, order=order_id, stars=payload.stars,
                                                comment=payload.comment))


@router.post("/orders/{order_id}/cancel", response={200: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Cancel one's own order before it is accepted")
def circle_order_cancel(request: HttpRequest, order_id: int, payload: CircleReasonIn):
    return _detail(request, services.order_cancel(actor=request.auth, order=order_id, reason=payload.reason))


@router.post("/orders/{order_id}/withdraw", response={200: CircleOrderDetailOut, **WRITE_ERRORS},
             summary="Cancel an order of the area (the centre)")
def circle_order_withdraw(request: HttpRequest, order_id: int, payload: CircleReasonIn):
    return _detail(request, services.order_withdraw(actor=request.auth, order=order_id, reason=payload.reason))
