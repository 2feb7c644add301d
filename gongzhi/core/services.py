"""Writes to core records: the working-day calendar (district administrators and superusers only).

The audit log has no service besides `gongzhi.core.audit.record`: events are never changed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from . import audit, calendar, permissions
from .actors import Actor
from .errors import InvalidInput
from .models import CalendarDay, CalendarYear

DAY_FIELDS = ["date", "kind", "name"]
YEAR_FIELDS = ["year", "source"]
MIN_YEAR, MAX_YEAR = 1949, 2200


def can_edit_calendar(actor: Actor | None) -> bool:
    """District administrators, superusers and the system maintain the calendar."""
    return actor is not None and permissions.can(actor, "core.edit_calendar")


def _require_calendar_admin(actor: Actor) -> None:
    permissions.require(
        actor, "core.edit_calendar", message=_("Only a district administrator can edit the working-day calendar.")
    )


def calendar_day_errors(*, date: dt.date | None, kind: str | None) -> dict[str, list[str]]:
    """Rules beyond the model's own: a make-up working day falls on a weekend (a weekday works anyway)."""
    if date is not None and kind == CalendarDay.Kind.WORKDAY and date.weekday() < 5:
        return {
            "kind": [
                _("A make-up working day must fall on a Saturday or Sunday; %(date)s is a weekday.")
                % {"date": date}
            ]
        }
    return {}


@transaction.atomic
def calendar_day_save(
    *, actor: Actor, date: dt.date, kind: str, name: str = "", day: CalendarDay | None = None
) -> CalendarDay:
    """Mark `date` as a holiday or a make-up working day.

    With `day`, that row is changed (its date may move); without, the row of `date` is changed if
    there is one, else created. The calendar takes effect at once.
    """
    _require_calendar_admin(actor)
    if day is not None:
        obj = audit.lock(CalendarDay, day.pk)
        if obj is None:
            raise InvalidInput(_("This calendar day no longer exists."))
    else:
        obj = CalendarDay.objects.select_for_update().filter(date=date).first() if date else None
    before = audit.snapshot(obj, DAY_FIELDS) if obj is not None else None
    if obj is None:
        obj = CalendarDay()
    obj.date, obj.kind, obj.name = date, kind, (name or "").strip()
    errors = calendar_day_errors(date=obj.date, kind=obj.kind)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    action = "core.calendar_day.create" if before is None else "core.calendar_day.update"
    audit.save(actor=actor, obj=obj, action=action, fields=DAY_FIELDS, before=before)
    calendar.invalidate()
    return obj


@transaction.atomic
def calendar_day_delete(*, actor: Actor, day: CalendarDay) -> None:
    """Remove an exception: the date becomes an ordinary day of the week again."""
    _require_calendar_admin(actor)
    obj = audit.lock(CalendarDay, day.pk)
    if obj is None:
        return
    before = audit.snapshot(obj, DAY_FIELDS)
    audit.record(actor=actor, action="core.calendar_day.delete", obj=obj, before=before)
    obj.delete()
    calendar.invalidate()


@transaction.atomic
def calendar_year_save(
    *, actor: Actor, year: int, source: str = "", calendar_year: CalendarYear | None = None
) -> CalendarYear:
    """Declare the holidays of `year` complete (it stops falling back to Mon–Fri with a warning).

    With `calendar_year`, that row is changed; without, the row of `year` is changed or created.
    """
    _require_calendar_admin(actor)
    if year is not None and not (MIN_YEAR <= year <= MAX_YEAR):
        message = _("Enter a year between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
        raise InvalidInput(message, fields={"year": [message]})
    if calendar_year is not None:
        obj = audit.lock(CalendarYear, calendar_year.pk)
        if obj is None:
            raise InvalidInput(_("This calendar year no longer exists."))
    else:
        obj = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = audit.snapshot(obj, YEAR_FIELDS) if obj is not None else None
    if obj is None:
        obj = CalendarYear()
    obj.year, obj.source = year, (source or "").strip()
    action = "core.calendar_year.create" if before is None else "core.calendar_year.update"
    audit.save(actor=actor, obj=obj, action=action, fields=YEAR_FIELDS, before=before)
    calendar.invalidate()
    return obj


@transaction.atomic
def calendar_year_delete(*, actor: Actor, calendar_year: CalendarYear) -> None:
    """Mark a year's holidays as unknown again (its exceptions stay; Mon–Fri warnings resume)."""
    _require_calendar_admin(actor)
    obj = audit.lock(CalendarYear, calendar_year.pk)
    if obj is None:
        return
    audit.record(
        actor=actor, action="core.calendar_year.delete", obj=obj, before=audit.snapshot(obj, YEAR_FIELDS)
    )
    obj.delete()
    calendar.invalidate()


@transaction.atomic
def calendar_sync(*, actor: Actor) -> dict:
    """Add the holidays the chinesecalendar package knows and the database lacks (see calendar_data)."""
    from .calendar_data import seed_calendar

    _require_calendar_admin(actor)
    result = seed_calendar()
    if result["days"] or result["years"]:
        audit.record(
            actor=actor,
            action="core.calendar.sync",
            after={"source": result["source"], "years": result["years"], "days": result["days"]},
        )
    return result
