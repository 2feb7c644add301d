"""The volunteers' store API (/api/volunteers/store/…): the goods a volunteer may redeem, redeem,
my orders (with the pick-up code), cancel; for staff: goods, stock, the orders, the hand-over by
code. The points ledger (/points/…) and the monthly publicity (/publicity/…) routers join here."""


import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import ledger as ledger_selectors
from ..selectors import store as selectors
from ..services import store as services
from . import ledger, publicity

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class StoreGoodsOut(Schema):
    id: int
    name: str
    area_id: int
    area_name: str
    place: str
    price: int
    stock: int
    description: str
    is_active: bool

    @staticmethod
    def resolve_area_name(obj) -> str:
        return obj.area.name


class StoreGoodsIn(Schema):
    name: str
    price: int
    stock: int = 0
    place: str = ""
    description: str = ""


class StoreGoodsNewIn(StoreGoodsIn):
    area_id: Id


class StoreGoodsUpdateIn(StoreGoodsIn):
    is_active: bool = True


class StoreQuantityIn(Schema):
    quantity: int = 1


class StoreCancelIn(Schema):
    reason: str = ""


class StoreCodeIn(Schema):
    code: str


class StoreOrderOut(Schema):
    id: int
    goods_id: int
    goods_name: str
    volunteer_id: int
    volunteer_name: str
    quantity: int
    points: int
    state: str
    state_label: str
    pickup_code: str
    place: str
    placed_at: dt.datetime
    picked_up_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str

    @staticmethod
    def resolve_goods_name(obj) -> str:
        return obj.goods.name

    @staticmethod
    def resolve_volunteer_name(obj) -> str:
        return obj.volunteer.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_place(obj) -> str:
        return obj.goods.place

    @staticmethod
    def resolve_pickup_code(obj, context) -> str:
        """Only the volunteer who redeemed sees the code (staff type it in from the volunteer)."""
        request = context["request"]
        return obj.pickup_code if selectors.is_mine(obj, request.auth) else ""


@router.get("/store/goods", response={200: list[StoreGoodsOut], **READ_ERRORS}, summary="Goods I may redeem")
def store_goods(request: HttpRequest):
    from ..selectors.accounts import volunteer_of

    volunteer = volunteer_of(request.auth)
    return list(selectors.goods_offered(volunteer=volunteer)) if volunteer else []


@router.post("/store/goods/{goods_id}/redeem", response={201: StoreOrderOut, **WRITE_ERRORS},
             summary="Redeem goods with my points")
def store_redeem(request: HttpRequest, goods_id: int, payload: StoreQuantityIn):
    goods = selectors.goods_offered_get(user=request.auth, pk=goods_id)
    return Status(201, services.order_place(actor=request.auth, goods=goods, quantity=payload.quantity))


@router.get("/store/orders/mine", response={200: list[StoreOrderOut], **READ_ERRORS}, summary="My redemptions")
@paginate(Pagination)
def store_my_orders(request: HttpRequest):
    return selectors.my_orders(user=request.auth)


@router.get("/store/orders/{order_id}", response={200: StoreOrderOut, **READ_ERRORS}, summary="A redemption")
def store_order(request: HttpRequest, order_id: int):
    return selectors.order_get(user=request.auth, pk=order_id)


@router.post("/store/orders/{order_id}/cancel", response={200: StoreOrderOut, **WRITE_ERRORS},
             summary="Cancel before pick-up (points and stock come back)")
def store_order_cancel(request: HttpRequest, order_id: int, payload: StoreCancelIn):
    order = selectors.order_get(user=request.auth, pk=order_id)
    return services.order_cancel(actor=request.auth, order=order, reason=payload.reason)


@router.get("/store/manage/goods", response={200: list[StoreGoodsOut], **READ_ERRORS}, summary="Goods of the stores in scope")
@paginate(Pagination)
def store_manage_goods(request: HttpRequest, area_id: Id | None = None, q: str = ""):
    from gongzhi.core.permissions import require

    require(request.auth, "volunteers.view_list")
    area = ledger_selectors.area_for(user=request.auth, area_id=area_id)
    return selectors.goods_list(user=request.auth, area=area, q=q)


@router.post("/store/manage/goods", response={201: StoreGoodsOut, **WRITE_ERRORS}, summary="New goods")
def store_goods_new(request: HttpRequest, payload: StoreGoodsNewIn):
    data = payload.dict()
    return Status(201, services.goods_create(actor=request.auth, area=data.pop("area_id"), **data))


@router.get("/store/manage/goods/{goods_id}", response={200: StoreGoodsOut, **READ_ERRORS}, summary="Goods")
def store_goods_get(request: HttpRequest, goods_id: int):
    return selectors.goods_get(user=request.auth, pk=goods_id)


@router.put("/store/manage/goods/{goods_id}", response={200: StoreGoodsOut, **WRITE_ERRORS}, summary="Change goods")
def store_goods_update(request: HttpRequest, goods_id: int, payload: StoreGoodsUpdateIn):
    goods = selectors.goods_get(user=request.auth, pk=goods_id)
    return services.goods_update(actor=request.auth, goods=goods, **payload.dict())


@router.post("/store/manage/goods/{goods_id}/restock", response={200: StoreGoodsOut, **WRITE_ERRORS},
             summary="Add delivered items to the stock")
def store_goods_restock(request: HttpRequest, goods_id: int, payload: StoreQuantityIn):
    goods = selectors.goods_get(user=request.auth, pk=goods_id)
    return services.goods_restock(actor=request.auth, goods=goods, quantity=payload.quantity)


@router.get("/store/manage/orders", response={200: list[StoreOrderOut], **READ_ERRORS},
            summary="Redemptions at the stores in scope")
@paginate(Pagination)
def store_manage_orders(request: HttpRequest, area_id: Id | None = None, state: str = ""):
    from gongzhi.core.permissions import require

    require(request.auth, "volunteers.view_list")
    area = ledger_selectors.area_for(user=request.auth, area_id=area_id)
    return selectors.orders_list(user=request.auth, area=area, state=state)


@router.post("/store/handover", response={200: StoreOrderOut, **WRITE_ERRORS},
             summary="Hand over: the volunteer's pick-up code")
def store_handover(request: HttpRequest, payload: StoreCodeIn):
    return services.order_pick_up_by_code(actor=request.auth, area=None, code=payload.code)


router.add_router("", ledger.router)
router.add_router("", publicity.router)
