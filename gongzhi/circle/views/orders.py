"""Order pages, phone first: the menu and the order form (点单), my orders, an order with the actions
the workflow offers the user (dispatch, accept, decline, deliver with check-in, rate, cancel,
withdraw), the centre's dispatch board (派单) and the provider's page (接单)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as scoped

from ..models import OPEN_ORDER_STATES, OrdererKind, OrderState
from ..selectors import orders as selectors
from ..services import orders as services
from ..workflow import ORDER_WORKFLOW

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class OrderForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"))
    place = forms.TypedChoiceField(label=pgettext_lazy("circle", "Where"), coerce=int)
    orderer_kind = forms.ChoiceField(label=gettext_lazy("Ordered for"), choices=OrdererKind.choices,
                                     initial=OrdererKind.RESIDENT)
    wanted_at = forms.DateTimeField(label=gettext_lazy("Wanted at"), widget=DATETIME_INPUT,
                                    input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    description = forms.CharField(label=pgettext_lazy("circle", "What is needed"), max_length=services.DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    provider = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, services_list, places, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.code, s.name) for s in services_list]
        self.fields["place"].choices = [(p.pk, p.full_name) for p in places]
        if not staff:
            self.fields["orderer_kind"].widget = forms.HiddenInput()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=services.REASON_MAX, required=False)


class DispatchForm(forms.Form):
    provider = forms.TypedChoiceField(label=gettext_lazy("Provider"), coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (c.provider.pk, f"{c.provider.name}" + (f" · {c.distance_m} m" if c.distance_m is not None else "")
             + ("" if c.suitable else f" ({c.reason})")) for c in candidates]


class DeliverForm(forms.Form):
    latitude = forms.CharField(label=gettext_lazy("Latitude"), required=False,
                               widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "checkin-lat"}))
    longitude = forms.CharField(label=gettext_lazy("Longitude"), required=False,
                                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "checkin-lng"}))
    note = forms.CharField(label=gettext_lazy("Delivery note"), max_length=services.NOTE_MAX, required=False)


class RateForm(forms.Form):
    stars = forms.TypedChoiceField(label=gettext_lazy("Stars"), coerce=int, choices=[(n, "★" * n) for n in range(5, 0, -1)],
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=gettext_lazy("Comment"), max_length=services.NOTE_MAX, required=False)


@page_requires("circle.order")
def order_new(request):
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("service", "")
    chosen_provider = selectors.provider_for_order(user=user, pk=source.get("provider"))
    places = selectors.order_places(user=user, chosen=source.get("place"))
    own = [p for p in places if p.kind == "household"]
    home = own[0] if own else (places[0] if places else None)
    menu = selectors.menu(place=home)
    service = selectors.service_by_code(code)
    if service is None and request.method == "GET":
        return render(request, "circle/orders/menu.html", {"menu": menu, "provider": chosen_provider,
                                                            "place": source.get("place", "")})
    staff = can(user, "circle.dispatch")
    initial = {"service": code, "place": source.get("place") or (home.pk if home else ""),
               "provider": chosen_provider.pk if chosen_provider else None,
               "wanted_at": timezone.localtime().replace(second=0, microsecond=0) + timezone.timedelta(hours=1)}
    form = OrderForm(request.POST or None, initial=initial, services_list=menu.services, places=places, staff=staff)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = services.order_create(
                    actor=user, service=data["service"], place=data["place"], description=data["description"],
                    wanted_at=data["wanted_at"], orderer_kind=data["orderer_kind"] or OrdererKind.RESIDENT,
                    provider=data["provider"] or None)
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Order %(number)s is placed.") % {"number": order.number})
                return redirect("circle:order", order_id=order.pk)
    return render(request, "circle/orders/new.html", {
        "form": form, "service": service, "provider": chosen_provider, "menu": menu}, status=status)


@page_requires("circle.order")
def my_orders(request):
    rows = list(selectors.my_orders(user=request.user)[:100])
    return render(request, "circle/orders/mine.html", {
        "open": [r for r in rows if r.state in OPEN_ORDER_STATES],
        "done": [r for r in rows if r.state not in OPEN_ORDER_STATES]})


def _detail_context(request, order, forms_given: dict | None = None) -> dict:
    user = request.user
    offered = ORDER_WORKFLOW.offered(user, order)
    actions = {t.action for t in offered}
    forms_given = forms_given or {}
    context = {"order": order, "steps": selectors.order_steps(order), "offered": offered,
               "overdue": selectors.is_overdue(order), "is_orderer": order.ordered_by_id == user.pk,
               "is_provider": bool(order.provider and order.provider.user_id == user.pk)}
    if "dispatch" in actions:
        found = selectors.candidates(user=user, order=order)
        context["candidates"] = found
        context["dispatch_form"] = forms_given.get("dispatch") or DispatchForm(candidates=found)
    if "deliver" in actions:
        context["deliver_form"] = forms_given.get("deliver") or DeliverForm()
    if "rate" in actions:
        context["rate_form"] = forms_given.get("rate") or RateForm()
    for action in ("decline", "cancel", "withdraw"):
        if action in actions:
            context[f"{action}_form"] = forms_given.get(action) or ReasonForm(prefix=action)
    context["simple_actions"] = [t for t in offered if t.action == "accept"]
    return context


@scoped
def order_detail(request, order_id: int):
    order = selectors.order_get(user=request.user, pk=order_id)
    return render(request, "circle/orders/order.html", _detail_context(request, order))


BACK = {"board": "circle:dispatch", "provider": "circle:provider-orders"}


@require_POST
@scoped
def order_act(request, order_id: int):
    user = request.user
    order = selectors.order_get(user=user, pk=order_id)
    action = request.POST.get("action", "")
    form = None
    try:
        if action == "dispatch":
            form = DispatchForm(request.POST, candidates=selectors.candidates(user=user, order=order)
                                if can(user, "circle.dispatch", order) else [])
            provider = request.POST.get("provider")
            services.order_dispatch(actor=user, order=order, provider=provider)
        elif action == "accept":
            services.order_accept(actor=user, order=order)
        elif action in ("decline", "cancel", "withdraw"):
            form = ReasonForm(request.POST, prefix=action)
            reason = request.POST.get(f"{action}-reason", "")
            call = {"decline": services.order_decline, "cancel": services.order_cancel,
                    "withdraw": services.order_withdraw}[action]
            call(actor=user, order=order, reason=reason)
        elif action == "deliver":
            form = DeliverForm(request.POST)
            services.order_deliver(actor=user, order=order, latitude=request.POST.get("latitude"),
                                   longitude=request.POST.get("longitude"), note=request.POST.get("note", ""))
        elif action == "rate":
            form = RateForm(request.POST)
            services.order_rate(actor=user, order=order, stars=request.POST.get("stars"),
                                comment=request.POST.get("comment", ""))
        else:
            messages.error(request, _("Choose an action."))
            return redirect("circle:order", order_id=order.pk)
    except DomainError as exc:
        _raise_not_found(exc)
        if exc.status == 403:
            raise
        if form is None or exc.status == 409:
            messages.error(request, exc.message)
            return redirect("circle:order", order_id=order.pk)
        form.is_valid()
        if "checkin" in exc.fields:  # the service names the check-in as a whole: beside the latitude
            exc = type(exc)(exc.message, code=exc.code,
                            fields={("latitude" if k == "checkin" else k): v for k, v in exc.fields.items()})
        add_domain_errors(form, exc)
        order = selectors.order_get(user=user, pk=order_id)
        return render(request, "circle/orders/order.html", _detail_context(request, order, {action: form}),
                      status=422)
    messages.success(request, _("Done: %(action)s.") % {"action": ORDER_WORKFLOW.transition(action).label})
    back = BACK.get(request.POST.get("back", ""))
    if back:
        return redirect(back)
    if not selectors.my_orders(user=user).filter(pk=order.pk).exists() and \
            not selectors.provider_orders(user=user).filter(pk=order.pk).exists() and not can(user, "circle.view_list"):
        return redirect("circle:provider-orders")  # a declined order is no longer the provider's to see
    return redirect("circle:order", order_id=order.pk)


@page_requires("circle.dispatch")
def dispatch_board(request):
    user = request.user
    service, state = request.GET.get("service", ""), request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    found = selectors.board(user=user, service=service, state=state, overdue=overdue)
    ordered = [o for g in found["groups"] if g["state"] == OrderState.ORDERED for o in g["orders"]]
    candidates = selectors.candidates_for(user=user, orders=ordered[:50])
    for order in ordered:
        if order.pk in candidates:
            order.dispatch_form = DispatchForm(candidates=candidates[order.pk], auto_id=f"id_{order.pk}_%s")
            order.suitable = [c for c in candidates[order.pk] if c.suitable]
    return render(request, "circle/orders/board.html", {
        **found, "service": service, "state": state, "overdue_only": overdue,
        "services": selectors.menu().services, "states": OrderState.choices,
        "withdraw_form": ReasonForm(prefix="withdraw")})


@page_requires("circle.view")
def provider_page(request):
    rows = list(selectors.provider_orders(user=request.user))
    for row in rows:
        row.actions = {t.action for t in ORDER_WORKFLOW.offered(request.user, row)}
        row.is_overdue = selectors.is_overdue(row)
    return render(request, "circle/orders/provider.html", {
        "open": [r for r in rows if r.state in OPEN_ORDER_STATES],
        "done": [r for r in rows if r.state not in OPEN_ORDER_STATES][:30],
        "decline_form": ReasonForm(prefix="decline"), "deliver_form": DeliverForm()})


urlpatterns = [
    path("orders/", my_orders, name="orders"),
    path("orders/new/", order_new, name="order-new"),
    path("orders/<int:order_id>/", order_detail, name="order"),
    path("orders/<int:order_id>/act/", order_act, name="order-act"),
    path("dispatch/", dispatch_board, name="dispatch"),
    path("provider/", provider_page, name="provider-orders"),
]
