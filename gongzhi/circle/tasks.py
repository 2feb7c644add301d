"""Background work of the service circle (enqueued by `gongzhi worker`, see apps.py): orders whose
step passed its time limit are flagged once; bookings and hall slots nobody came to become no-shows;
tomorrow's hall appointments are reminded once. All idempotent."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core.actors import SystemActor


@task()
def flag_overdue_orders() -> int:
    from .services.orders import flag_overdue

    return flag_overdue(actor=SystemActor(label="task:circle-orders-overdue"))


@task()
def record_no_shows() -> int:
    from .services.bookings import record_no_shows as bookings_no_shows
    from .services.guide import record_no_shows as appointments_no_shows

    actor = SystemActor(label="task:circle-no-shows")
    return bookings_no_shows(actor=actor) + appointments_no_shows(actor=actor)


@task()
def remind_appointments() -> int:
    from .services.guide import remind_appointments as remind

    return remind(actor=SystemActor(label="task:circle-reminders"))
