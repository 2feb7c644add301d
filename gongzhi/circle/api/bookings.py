"""The room booking API (/api/circle/…): /rooms/{room_id}/slots (the room's week, free and taken),
/bookings (book a room: refused beside the field; code overlap when another booking holds the
time), /bookings/mine, /bookings/{booking_id}/cancel | check-in | no-show."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import bookings as selectors
from ..services import bookings as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CircleRoomSlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str


class CircleRoomDayOut(Schema):
    day: dt.date
    slots: list[CircleRoomSlotOut]


class CircleBookingIn(Schema):
    room_id: Id
    starts_at: dt.datetime
    slots: int = 1
    purpose: str
    people: int = 1


class CircleBookingOut(Schema):
    id: int
    room_id: int
    room_name: str
    point_id: int
    point_name: str
    booked_by_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str
    people: int
    state: str
    state_label: str
    checked_in_at: dt.datetime | None = None

    @staticmethod
    def resolve_room_name(obj) -> str:
        return obj.room.name

    @staticmethod
    def resolve_point_id(obj) -> int:
        return obj.room.point_id

    @staticmethod
    def resolve_point_name(obj) -> str:
        return obj.room.point.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


@router.get("/rooms/{room_id}/slots", response={200: list[CircleRoomDayOut], **READ_ERRORS},
            summary="A room's slots for a week (from: the first day, default today)")
def circle_room_slots(request: HttpRequest, room_id: int, start: dt.date | None = None):
    room = selectors.room_get(user=request.auth, pk=room_id)
    return selectors.room_days(room=room, start=start)


@router.post("/bookings", response={201: CircleBookingOut, **WRITE_ERRORS}, summary="Book a room")
def circle_booking_create(request: HttpRequest, payload: CircleBookingIn):
    made = services.booking_create(actor=request.auth, room=payload.room_id, starts_at=payload.starts_at,
                                   slots=payload.slots, purpose=payload.purpose, people=payload.people)
    return Status(201, selectors.booking_get(user=request.auth, pk=made.pk))


@router.get("/bookings/mine", response={200: list[CircleBookingOut], **READ_ERRORS}, summary="My bookings")
@paginate(Pagination)
def circle_my_bookings(request: HttpRequest):
    return selectors.my_bookings(user=request.auth)


def _after(request, row):
    return selectors.booking_get(user=request.auth, pk=row.pk)


@router.post("/bookings/{booking_id}/cancel", response={200: CircleBookingOut, **WRITE_ERRORS},
             summary="Cancel a booking")
def circle_booking_cancel(request: HttpRequest, booking_id: int):
    return _after(request, services.booking_cancel(actor=request.auth, booking=booking_id))


@router.post("/bookings/{booking_id}/check-in", response={200: CircleBookingOut, **WRITE_ERRORS},
             summary="Check a booking in (the point's keeper, from 15 minutes before)")
def circle_booking_check_in(request: HttpRequest, booking_id: int):
    return _after(request, services.booking_check_in(actor=request.auth, booking=booking_id))


@router.post("/bookings/{booking_id}/no-show", response={200: CircleBookingOut, **WRITE_ERRORS},
             summary="Nobody came")
def circle_booking_no_show(request: HttpRequest, booking_id: int):
    return _after(request, services.booking_no_show(actor=request.auth, booking=booking_id))
