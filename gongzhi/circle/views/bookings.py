"""Room booking pages, phone first: a room's week (free and taken slots) with the booking form, my
bookings (cancel), and a point's bookings for its keeper and the area's staff (check in, no-show,
cancel). The point's own page belongs to the points pages."""

from __future__ import annotations

import datetime as dt

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
from gongzhi.core.permissions import scoped_page as scoped

from ..models import BookingState
from ..selectors import bookings as selectors
from ..services import bookings as services
from ..workflow import BOOKING_WORKFLOW


def _raise_not_found(exc: DomainError) -> None:
    if exc.status == 404:
        raise exc


class BookingForm(forms.Form):
    starts_at = forms.CharField(label=pgettext_lazy("circle", "Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    slots = forms.TypedChoiceField(label=gettext_lazy("How long"), coerce=int)
    people = forms.IntegerField(label=pgettext_lazy("circle", "People"), min_value=1, initial=1)
    purpose = forms.CharField(label=gettext_lazy("What for"), max_length=200)

    def __init__(self, *args, room, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slots"].choices = [(n, _("%(minutes)d minutes") % {"minutes": n * room.slot_minutes})
                                        for n in range(1, room.max_slots + 1)]
        self.fields["people"].max_value = room.capacity
        self.fields["people"].widget.attrs["max"] = room.capacity


def _week_start(request) -> dt.date:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return today
    return min(max(start, today), today + dt.timedelta(days=60))


@scoped
def room_book(request, room_id: int):
    room = selectors.room_get(user=request.user, pk=room_id)
    start = _week_start(request)
    chosen = request.GET.get("at", "")
    form = BookingForm(request.POST or None, room=room, initial={"starts_at": chosen, "slots": 1})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.booking_create(actor=request.user, room=room, starts_at=data["starts_at"],
                                        slots=data["slots"], purpose=data["purpose"], people=data["people"])
            except DomainError as exc:
                _raise_not_found(exc)
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The room is booked."))
                return redirect("circle:my-bookings")
    return render(request, "circle/bookings/room_book.html", {
        "room": room, "form": form, "days": selectors.room_days(room=room, start=start),
        "previous": start - dt.timedelta(days=7) if start > timezone.localdate() else None,
        "next": start + dt.timedelta(days=7)}, status=status)


@scoped
def my_bookings(request):
    rows = list(selectors.my_bookings(user=request.user)[:100])
    now = timezone.now()
    for r in rows:
        r.may_cancel = r.state == BookingState.BOOKED and r.starts_at > now
    return render(request, "circle/bookings/my_bookings.html", {"rows": rows})


@scoped
def point_bookings(request, point_id: int):
    point = selectors.point_for_bookings(user=request.user, pk=point_id)
    rows = selectors.point_bookings(user=request.user, point=point)
    for r in rows:
        r.offered = {t.action for t in BOOKING_WORKFLOW.offered(request.user, r)}
    return render(request, "circle/bookings/point_bookings.html", {"point": point, "rows": rows,
                                                                   "now": timezone.now()})


ACTIONS = {
    "check_in": (services.booking_check_in, gettext_lazy("Checked in.")),
    "cancel": (services.booking_cancel, gettext_lazy("The booking is cancelled.")),
    "no_show": (services.booking_no_show, gettext_lazy("Recorded as a no-show.")),
}


def _act(action: str):
    service, done = ACTIONS[action]

    @require_POST
    @scoped
    def view(request, booking_id: int):
        row = selectors.booking_get(user=request.user, pk=booking_id)
        try:
            service(actor=request.user, booking=row)
        except DomainError as exc:
            _raise_not_found(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, str(done))
        if row.booked_by_id == request.user.pk and action == "cancel":
            return redirect("circle:my-bookings")
        return redirect("circle:point-bookings", point_id=row.room.point_id)

    view.__name__ = f"booking_{action}"
    return view


urlpatterns = [
    path("rooms/<int:room_id>/book/", room_book, name="room-book"),
    path("bookings/", my_bookings, name="my-bookings"),
    path("bookings/<int:booking_id>/cancel/", _act("cancel"), name="booking-cancel"),
    path("bookings/<int:booking_id>/check-in/", _act("check_in"), name="booking-check-in"),
    path("bookings/<int:booking_id>/no-show/", _act("no_show"), name="booking-no-show"),
    path("points/<int:point_id>/bookings/", point_bookings, name="point-bookings"),
]
