"""The states of orders, room bookings and hall appointments (run by `gongzhi.core.workflow`).

    order:       ordered ─dispatch─▶ dispatched ─accept─▶ accepted ─deliver─▶ delivered ─rate─▶ rated
                 dispatched ─decline (a reason)─▶ ordered (back on the centre's board);
                 ordered | dispatched ─cancel─▶ cancelled (who ordered it, or the centre)
    booking:     booked ─check_in─▶ checked_in; booked ─cancel─▶ cancelled; booked ─no_show─▶ no_show
    appointment: booked ─arrive─▶ arrived ─serve─▶ served; booked ─cancel─▶ cancelled;
                 booked ─no_show─▶ no_show
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Appointment, AppointmentState, BookingState, Order, OrderState, RoomBooking

S, B, A = OrderState, BookingState, AppointmentState

ORDER_WORKFLOW = bind(
    Workflow(
        "circle.order",
        (
            Transition("dispatch", pgettext_lazy("order", "Dispatch"), (S.ORDERED,), (S.DISPATCHED,),
                       permission="circle.dispatch"),
            Transition("accept", pgettext_lazy("order", "Accept"), (S.DISPATCHED,), (S.ACCEPTED,),
                       permission="circle.provide"),
            Transition("decline", pgettext_lazy("order", "Decline"), (S.DISPATCHED,), (S.ORDERED,),
                       permission="circle.provide"),
            Transition("deliver", pgettext_lazy("order", "Delivered"), (S.ACCEPTED,), (S.DELIVERED,),
                       permission="circle.provide"),
            Transition("rate", pgettext_lazy("order", "Rate"), (S.DELIVERED,), (S.RATED,), permission="circle.rate"),
            Transition("cancel", pgettext_lazy("order", "Cancel the order"), (S.ORDERED, S.DISPATCHED),
                       (S.CANCELLED,), permission="circle.cancel_own"),
            Transition("withdraw", pgettext_lazy("order", "Cancel (centre)"), (S.ORDERED, S.DISPATCHED, S.ACCEPTED),
                       (S.CANCELLED,), permission="circle.dispatch"),
        ),
    ),
    Order,
)

BOOKING_WORKFLOW = bind(
    Workflow(
        "circle.booking",
        (
            Transition("check_in", pgettext_lazy("booking", "Check in"), (B.BOOKED,), (B.CHECKED_IN,),
                       permission="circle.run_point"),
            Transition("cancel", pgettext_lazy("booking", "Cancel"), (B.BOOKED,), (B.CANCELLED,),
                       permission="circle.book"),
            Transition("no_show", pgettext_lazy("booking", "No-show"), (B.BOOKED,), (B.NO_SHOW,),
                       permission="circle.run_point"),
        ),
    ),
    RoomBooking,
)

APPOINTMENT_WORKFLOW = bind(
    Workflow(
        "circle.appointment",
        (
            Transition("arrive", pgettext_lazy("appointment", "Arrived"), (A.BOOKED,), (A.ARRIVED,),
                       permission="circle.run_point"),
            Transition("serve", pgettext_lazy("appointment", "Served"), (A.ARRIVED,), (A.SERVED,),
                       permission="circle.run_point"),
            Transition("cancel", pgettext_lazy("appointment", "Cancel"), (A.BOOKED,), (A.CANCELLED,),
                       permission="circle.book"),
            Transition("no_show", pgettext_lazy("appointment", "No-show"), (A.BOOKED,), (A.NO_SHOW,),
                       permission="circle.run_point"),
        ),
    ),
    Appointment,
)
