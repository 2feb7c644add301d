"""Pages of the points store (积分超市): the volunteer's store (goods of their area and the areas
above, redeem, the pick-up code, cancel before pick-up) and the staff's (goods, stock, the orders,
the hand-over screen where the volunteer's code is entered). The ledger's and the publicity's pages
join here (views/ledger.py, views/publicity.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped

from ..models import OrderState
from ..selectors import ledger as ledger_selectors
from ..selectors import store as selectors
from ..selectors.accounts import volunteer_balance, volunteer_of
from ..services import store as services
from . import ledger, publicity

PER_PAGE = 50


class RedeemForm(forms.Form):
    quantity = forms.CharField(label=gettext_lazy("Quantity"), initial="1", max_length=6)


class GoodsForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    price = forms.CharField(label=gettext_lazy("Points"), max_length=9)
    stock = forms.CharField(label=gettext_lazy("In stock"), max_length=9, initial="0")
    place = forms.CharField(label=gettext_lazy("Pick-up place"), max_length=200, required=False)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)


class GoodsEditForm(GoodsForm):
    is_active = forms.BooleanField(label=gettext_lazy("On offer"), required=False, initial=True)


class RestockForm(forms.Form):
    quantity = forms.CharField(label=gettext_lazy("Items delivered"), max_length=6)


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Pick-up code"), max_length=6)


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for cancelling"), max_length=200, required=False)


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


# --- the volunteer's store -----------------------------------------------------------------------


def _store_page(request, forms_by_goods=None, status=200):
    volunteer = volunteer_of(request.user)
    goods = list(selectors.goods_offered(volunteer=volunteer)) if volunteer else []
    forms_by_goods = forms_by_goods or {}
    rows = [(g, forms_by_goods.get(g.pk) or RedeemForm(prefix=f"g{g.pk}")) for g in goods]
    return render(request, "volunteers/store/store.html", {
        "volunteer": volunteer, "rows": rows,
        "balance": volunteer_balance(volunteer=volunteer) if volunteer else 0,
        "waiting": selectors.my_orders(user=request.user).filter(state=OrderState.PLACED).count(),
    }, status=status)


@scoped
def store(request):
    return _store_page(request)


@require_POST
@scoped
def redeem(request, goods_id: int):
    goods = selectors.goods_offered_get(user=request.user, pk=goods_id)
    form = RedeemForm(request.POST, prefix=f"g{goods.pk}")
    form.is_valid()
    try:
        order = services.order_place(actor=request.user, goods=goods, quantity=form.data.get(f"g{goods.pk}-quantity", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        form = RedeemForm(request.POST, prefix=f"g{goods.pk}")
        form.is_valid()
        add_domain_errors(form, exc)
        return _store_page(request, {goods.pk: form}, status=422)
    messages.success(request, _("Redeemed. Show the pick-up code at the service centre."))
    return redirect("volunteers:order", order_id=order.pk)


@scoped
def my_orders(request):
    page = Paginator(selectors.my_orders(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "volunteers/store/my_orders.html", {"page": page})


@scoped
def order_detail(request, order_id: int):
    order = selectors.order_get(user=request.user, pk=order_id)
    mine = selectors.is_mine(order, request.user)
    return render(request, "volunteers/store/order.html", {
        "order": order, "mine": mine, "cancel_form": CancelForm(), "code_form": CodeForm(),
        "can_keep": can(request.user, "volunteers.keep_store", order),
    })


@require_POST
@scoped
def order_cancel(request, order_id: int):
    order = selectors.order_get(user=request.user, pk=order_id)
    try:
        services.order_cancel(actor=request.user, order=order, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Cancelled: the points are back."))
    return redirect("volunteers:order", order_id=order.pk)


# --- the staff's store ---------------------------------------------------------------------------


def _goods_page(request, area, form, status=200):
    q = (request.GET.get("q") or "").strip()
    rows = selectors.goods_list(user=request.user, area=area, q=q)
    return render(request, "volunteers/store/goods.html", {
        "area": area, "areas": ledger_selectors.scope_areas(user=request.user), "rows": rows[:300], "q": q,
        "form": form, "can_keep": can(request.user, "volunteers.keep_store", area),
        "waiting": selectors.orders_list(user=request.user, area=area, state=OrderState.PLACED).count(),
    }, status=status)


@page_requires("volunteers.view_list")
@scoped
def goods_list(request):
    area = ledger_selectors.area_for(user=request.user, area_id=request.GET.get("area"))
    if request.method == "POST":
        form = GoodsForm(request.POST)
        if form.is_valid():
            try:
                services.goods_create(actor=request.user, area=area, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Goods added."))
                return redirect(f"{request.path}?area={area.pk}")
        return _goods_page(request, area, form, status=422)
    return _goods_page(request, area, GoodsForm())


def _edit_page(request, goods, form, restock_form, status=200):
    return render(request, "volunteers/store/goods_edit.html", {
        "goods": goods, "form": form, "restock_form": restock_form,
        "orders": selectors.orders_list(user=request.user).filter(goods=goods)[:50],
    }, status=status)


@page_requires("volunteers.keep_store")
@scoped
def goods_edit(request, goods_id: int):
    goods = selectors.goods_get(user=request.user, pk=goods_id)
    if request.method == "POST":
        form = GoodsEditForm(request.POST)
        if form.is_valid():
            try:
                services.goods_update(actor=request.user, goods=goods, **form.cleaned_data)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("volunteers:store-goods-edit", goods_id=goods.pk)
        return _edit_page(request, goods, form, RestockForm(), status=422)
    initial = {key: getattr(goods, key) for key in ("name", "price", "stock", "place", "description", "is_active")}
    return _edit_page(request, goods, GoodsEditForm(initial=initial), RestockForm())


@require_POST
@page_requires("volunteers.keep_store")
@scoped
def goods_restock(request, goods_id: int):
    goods = selectors.goods_get(user=request.user, pk=goods_id)
    form = RestockForm(request.POST)
    form.is_valid()
    try:
        services.goods_restock(actor=request.user, goods=goods, quantity=form.data.get("quantity", ""))
    except DomainError as exc:
        _raise_not_found(exc)
        add_domain_errors(form, exc)
        initial = {key: getattr(goods, key) for key in ("name", "price", "stock", "place", "description", "is_active")}
        return _edit_page(request, goods, GoodsEditForm(initial=initial), form, status=422)
    messages.success(request, _("Restocked."))
    return redirect("volunteers:store-goods-edit", goods_id=goods.pk)


@page_requires("volunteers.view_list")
@scoped
def order_list(request):
    area = ledger_selectors.area_for(user=request.user, area_id=request.GET.get("area"))
    state = request.GET.get("state", "")
    page = Paginator(selectors.orders_list(user=request.user, area=area, state=state), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "volunteers/store/orders.html", {
        "area": area, "areas": ledger_selectors.scope_areas(user=request.user), "page": page, "state": state,
        "states": OrderState.choices,
    })


@page_requires("volunteers.keep_store")
@scoped
def handover(request):
    form = CodeForm(request.POST or None)
    handed = None
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            handed = services.order_pick_up_by_code(actor=request.user, area=None, code=form.data.get("code", ""))
        except DomainError as exc:
            _raise_not_found(exc)
            add_domain_errors(form, exc)
            status = 422
        else:
            messages.success(request, _("Handed over: %(goods)s × %(quantity)d to %(name)s.") % {
                "goods": handed.goods.name, "quantity": handed.quantity, "name": handed.volunteer.name})
            form = CodeForm()
    return render(request, "volunteers/store/handover.html", {"form": form, "handed": handed}, status=status)


urlpatterns = [
    path("store/", store, name="store"),
    path("store/goods/<int:goods_id>/redeem/", redeem, name="store-redeem"),
    path("store/orders/mine/", my_orders, name="my-orders"),
    path("store/orders/<int:order_id>/", order_detail, name="order"),
    path("store/orders/<int:order_id>/cancel/", order_cancel, name="order-cancel"),
    path("store/goods/", goods_list, name="store-goods"),
    path("store/goods/<int:goods_id>/edit/", goods_edit, name="store-goods-edit"),
    path("store/goods/<int:goods_id>/restock/", goods_restock, name="store-goods-restock"),
    path("store/orders/", order_list, name="store-orders"),
    path("store/handover/", handover, name="store-handover"),
    *ledger.urlpatterns,
    *publicity.urlpatterns,
]
