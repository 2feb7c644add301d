"""Matrix objects of the hall's guide and of room bookings. In each district a convenience room
(the hall) with a room to book; district 1's hall has an active matter, an appointment and a room
booking of someone outside the world's users; district 2's matter is hidden (inactive) and its
room's point closed, so that nobody of district 1 sees them. Who sees what is asked of the models'
own `visible_to` and of the gate (the queue: the hall's keeper and the area's staff), not repeated
here.

Keys: matter_id, appointment_id, booking_id, "halls.point_id" (the queue and the new-matter form)
and "rooms.room_id" (the booking page, a room's slots). `/circle/points/<point_id>/bookings/` uses
the points module's "points.point_id" (a point of the directory: its keeper and staff get the page,
anyone else who sees the point a 403)."""

import datetime as dt
import inspect

from django.utils import timezone

from gongzhi.accounts.tests.factories import user
from gongzhi.circle.models import Appointment, Matter, Room, RoomBooking, ServicePoint
from gongzhi.circle.services.guide import may_run
from gongzhi.core.tests.matrix import Param, World

from . import factories


def _side(nodes: dict, *, inside: bool) -> dict:
    tag = "一" if inside else "二"
    hall = factories.point(nodes["community"], name=f"矩阵便民服务室{tag}", kind="convenience_room",
                           hours=factories.ALWAYS)
    station = factories.point(nodes["community"], name=f"矩阵驿站{tag}", active=inside)
    matter = factories.matter(hall, name=f"矩阵事项{tag}", active=inside)
    room = factories.room(station, name=f"矩阵会客厅{tag}")
    someone = user("resident", username=f"matrix-guide-{tag}-{timezone.now().timestamp()}")
    when = timezone.now() + dt.timedelta(days=2)
    appointment = Appointment.objects.create(matter=matter, person=someone, starts_at=when)
    booking = RoomBooking.objects.create(room=room, booked_by=someone, starts_at=when,
                                         ends_at=when + dt.timedelta(minutes=30), purpose="矩阵")
    return {"hall": hall, "matter": matter, "room": room, "appointment": appointment, "booking": booking}


def _elsewhere() -> str:
    """The keys the other circle matrix modules declare (each key is declared once)."""
    from . import matrix_orders, matrix_points

    return inspect.getsource(matrix_points) + inspect.getsource(matrix_orders)


def objects(world: World) -> dict[str, Param]:
    inside, outside = _side(world.d1, inside=True), _side(world.d2, inside=False)
    users = world.users.items()

    def seen(model, pk) -> frozenset:
        return frozenset(role for role, u in users if model.objects.visible_to(u).filter(pk=pk).exists())

    def param(key: str, model) -> Param:
        return Param(inside=inside[key].pk, outside=outside[key].pk, seen_by=seen(model, inside[key].pk))

    runners = frozenset(role for role, u in users
                        if ServicePoint.objects.visible_to(u).filter(pk=inside["hall"].pk).exists()
                        and may_run(u, inside["hall"]))
    found = {
        "matter_id": param("matter", Matter),
        "appointment_id": param("appointment", Appointment),
        "booking_id": param("booking", RoomBooking),
        "halls.point_id": Param(inside=inside["hall"].pk, outside=outside["hall"].pk, seen_by=runners),
        "rooms.room_id": param("room", Room),
    }
    elsewhere = _elsewhere()
    return {key: value for key, value in found.items() if f'"{key}"' not in elsewhere}
