"""The service guide API (/api/circle/…): /matters (list, search by name; create), /matters/{matter_id}
(detail, change), /matters/{matter_id}/slots (the free half-hours of the next two weeks),
/matters/{matter_id}/appointments (book a slot), /appointments/mine, /appointments/{appointment_id}/
cancel | arrive | serve | no-show, and /halls/{point_id}/queue (the day's queue, for the hall's
keeper and the area's staff)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from gongzhi.core.errors import Id, errors
from gongzhi.core.pagination import Pagination

from ..selectors import guide as selectors
from ..services import guide as services

router = Router()
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
READ_ERRORS = errors(401, 403, 404, 422)


class CircleMatterOut(Schema):
    id: int
    hall_id: int
    hall_name: str
    name: str
    level: str
    level_label: str
    materials: list[str]
    time_limit_days: int
    fees: str
    window: str
    bookable: bool
    notes: str
    active: bool

    @staticmethod
    def resolve_hall_id(obj) -> int:
        return obj.point_id

    @staticmethod
    def resolve_hall_name(obj) -> str:
        return obj.point.name

    @staticmethod
    def resolve_level_label(obj) -> str:
        return str(obj.get_level_display())


class CircleMatterIn(Schema):
    hall_id: Id
    name: str
    level: str = "community"
    materials: list[str] = []
    time_limit_days: int = 0
    fees: str = ""
    window: str = ""
    bookable: bool = True
    notes: str = ""
    active: bool = True


class CircleMatterPatch(Schema):
    name: str | None = None
    level: str | None = None
    materials: list[str] | None = None
    time_limit_days: int | None = None
    fees: str | None = None
    window: str | None = None
    bookable: bool | None = None
    notes: str | None = None
    active: bool | None = None


class CircleSlotOut(Schema):
    starts_at: dt.datetime
    left: int


class CircleSlotDayOut(Schema):
    day: dt.date
    slots: list[CircleSlotOut]


class CircleBookIn(Schema):
    starts_at: dt.datetime


class CircleAppointmentOut(Schema):
    id: int
    matter_id: int
    matter_name: str
    hall_id: int
    hall_name: str
    person_id: int
    starts_at: dt.datetime
    state: str
    state_label: str
    ticket: int | None = None
    arrived_at: dt.datetime | None = None
    served_at: dt.datetime | None = None

    @staticmethod
    def resolve_matter_name(obj) -> str:
        return obj.matter.name

    @staticmethod
    def resolve_hall_id(obj) -> int:
        return obj.matter.point_id

    @staticmethod
    def resolve_hall_name(obj) -> str:
        return obj.matter.point.name

    @staticmethod
    def resolve_state_label(obj) -> str:
        return str(obj.get_state_display())


class CircleQueueRowOut(CircleAppointmentOut):
    person_name: str

    @staticmethod
    def resolve_person_name(obj) -> str:
        return selectors.person_name(obj.person)


class CircleQueueOut(Schema):
    hall_id: int
    day: dt.date
    arrived: list[CircleQueueRowOut]
    coming: list[CircleQueueRowOut]
    served: list[CircleQueueRowOut]
    no_shows: list[CircleQueueRowOut]


@router.get("/matters", response={200: list[CircleMatterOut], **READ_ERRORS},
            summary="The guide of every hall I see (q: search names)")
@paginate(Pagination)
def circle_matters(request: HttpRequest, q: str = "", hall_id: int | None = None):
    return selectors.matters_list(user=request.auth, query=q[:50], hall=hall_id)


@router.post("/matters", response={201: CircleMatterOut, **WRITE_ERRORS}, summary="Add a matter to a hall's guide")
def circle_matter_create(request: HttpRequest, payload: CircleMatterIn):
    data = payload.dict()
    hall = data.pop("hall_id")
    return Status(201, services.matter_create(actor=request.auth, hall=hall, **data))


@router.get("/matters/{matter_id}", response={200: CircleMatterOut, **READ_ERRORS}, summary="A matter")
def circle_matter_get(request: HttpRequest, matter_id: int):
    return selectors.matter_get(user=request.auth, pk=matter_id)


@router.patch("/matters/{matter_id}", response={200: CircleMatterOut, **WRITE_ERRORS}, summary="Change a matter")
def circle_matter_update(request: HttpRequest, matter_id: int, payload: CircleMatterPatch):
    return services.matter_update(actor=request.auth, matter=matter_id, **payload.dict())


@router.get("/matters/{matter_id}/slots", response={200: list[CircleSlotDayOut], **READ_ERRORS},
            summary="The free half-hours of the next two weeks")
def circle_matter_slots(request: HttpRequest, matter_id: int):
    return selectors.matter_slots(matter=selectors.matter_get(user=request.auth, pk=matter_id))


@router.post("/matters/{matter_id}/appointments", response={201: CircleAppointmentOut, **WRITE_ERRORS},
             summary="Book a half hour (refused beside starts_at; code slot_full when no place is left)")
def circle_appointment_book(request: HttpRequest, matter_id: int, payload: CircleBookIn):
    made = services.appointment_book(actor=request.auth, matter=matter_id, starts_at=payload.starts_at)
    return Status(201, selectors.appointment_get(user=request.auth, pk=made.pk))


@router.get("/appointments/mine", response={200: list[CircleAppointmentOut], **READ_ERRORS},
            summary="My appointments")
@paginate(Pagination)
def circle_my_appointments(request: HttpRequest):
    return selectors.my_appointments(user=request.auth)


def _after(request, row):
    return selectors.appointment_get(user=request.auth, pk=row.pk)


@router.post("/appointments/{appointment_id}/cancel", response={200: CircleAppointmentOut, **WRITE_ERRORS},
             summary="Cancel an appointment before its slot")
def circle_appointment_cancel(request: HttpRequest, appointment_id: int):
    return _after(request, services.appointment_cancel(actor=request.auth, appointment=appointment_id))


@router.post("/appointments/{appointment_id}/arrive", response={200: CircleAppointmentOut, **WRITE_ERRORS},
             summary="The person is at the hall: the day's next ticket")
def circle_appointment_arrive(request: HttpRequest, appointment_id: int):
    return _after(request, services.appointment_arrive(actor=request.auth, appointment=appointment_id))


@router.post("/appointments/{appointment_id}/serve", response={200: CircleAppointmentOut, **WRITE_ERRORS},
             summary="Served")
def circle_appointment_serve(request: HttpRequest, appointment_id: int):
    return _after(request, services.appointment_serve(actor=request.auth, appointment=appointment_id))


@router.post("/appointments/{appointment_id}/no-show", response={200: CircleAppointmentOut, **WRITE_ERRORS},
             summary="Nobody came")
def circle_appointment_no_show(request: HttpRequest, appointment_id: int):
    return _after(request, services.appointment_no_show(actor=request.auth, appointment=appointment_id))


@router.get("/halls/{point_id}/queue", response={200: CircleQueueOut, **READ_ERRORS},
            summary="The hall's queue of the day (its keeper, the area's staff)")
def circle_hall_queue(request: HttpRequest, point_id: int):
    q = selectors.hall_queue(user=request.auth, pk=point_id)
    return {"hall_id": q.hall.pk, "day": q.day, "arrived": q.arrived, "coming": q.coming, "served": q.served,
            "no_shows": q.no_shows}
