"""The working-day calendar as the case pipeline's deadlines see it (data: chinesecalendar, seeded
by migration 0003; 2026 is the last year the package knows)."""

import datetime as dt
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse

from gongzhi.accounts.tests import factories as users
from gongzhi.areas.tests import factories as areas
from gongzhi.core import calendar, services
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN = SystemActor(label="test")


def at(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Each test starts from the database: no in-memory calendar or warning left by another test."""
    calendar.clear_cache()
    calendar._warned_years.clear()
    yield
    calendar.clear_cache()
    calendar._warned_years.clear()


# --- working days -------------------------------------------------------------------------------


def test_three_working_days_after_the_day_before_national_day_end_on_the_make_up_saturday():
    # given a case accepted on 30 September 2026 at 10:00 (1–7 October off, Saturday 10 October worked)
    start = at(2026, 9, 30, 10)
    # when its 3-working-day deadline is computed
    deadline = calendar.add_working_days(start, 3)
    # then it is Saturday 10 October, 10:00 (8th, 9th, 10th)
    assert deadline == at(2026, 10, 10, 10)
    assert deadline.utcoffset() == dt.timedelta(hours=8)


def test_the_spring_festival_2026_is_off_and_its_make_up_saturdays_are_worked():
    # given the 2026 Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked
    festival = [dt.date(2026, 2, 15) + dt.timedelta(days=i) for i in range(9)]
    # then no festival day is a working day, both make-up Saturdays are
    assert not any(calendar.is_working_day(d) for d in festival)
    assert calendar.is_working_day(dt.date(2026, 2, 14))
    assert calendar.is_working_day(dt.date(2026, 2, 28))
    assert not calendar.is_working_day(dt.date(2026, 2, 21))  # an ordinary Saturday inside the holiday
    assert calendar.is_working_day(dt.date(2026, 2, 24))  # back to work on Tuesday


def test_a_deadline_spanning_the_spring_festival_skips_it():
    # given a request received on Thursday 12 February 2026 at 15:30
    start = at(2026, 2, 12, 15, 30)
    # when 5 working days are added
    deadline = calendar.add_working_days(start, 5)
    # then they are Fri 13, Sat 14 (make-up), Tue 24, Wed 25, Thu 26 February
    assert deadline == at(2026, 2, 26, 15, 30)
    # and the working hours over the festival count only the make-up Saturday
    assert calendar.working_hours_between(at(2026, 2, 13, 17), at(2026, 2, 24, 10)) == 1 + 8 + 1


def test_a_year_without_holiday_data_falls_back_to_monday_to_friday_with_one_warning(caplog):
    # given 2027, for which no holidays are known yet
    assert not CalendarYear.objects.filter(year=2027).exists()
    # when deadlines in 2027 are computed, twice
    with caplog.at_level(logging.WARNING, logger="gongzhi.core.calendar"):
        first = calendar.add_working_days(at(2027, 1, 1, 10), 1)  # Friday 1 January 2027
        second = calendar.add_working_days(at(2027, 9, 30, 10), 3)
        friday_is_working = calendar.is_working_day(dt.date(2027, 1, 1))
    # then Monday to Friday count, nothing fails
    assert friday_is_working
    assert first == at(2027, 1, 4, 10)
    assert second == at(2027, 10, 5, 10)
    # and a warning names the year, once for this process
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "2027" in r.getMessage()]
    assert len(warnings) == 1
    assert not calendar.is_known_year(2027)


def test_a_deadline_from_the_end_of_a_known_year_runs_into_the_fallback_year():
    # given 30 December 2026 (2026 known, 2027 not)
    # when 5 working days are added, then 31 Dec, 1 (Fri), 4, 5, 6 January 2027 count
    assert calendar.add_working_days(at(2026, 12, 30, 10), 5) == at(2027, 1, 6, 10)


def test_a_request_received_on_a_weekend_counts_from_the_next_working_day():
    # given a request received on Saturday 14 March 2026 at 10:00
    # when given 1 working day, then Monday is the day it is taken as received, Tuesday the deadline
    assert calendar.add_working_days(at(2026, 3, 14, 10), 1) == at(2026, 3, 17, 10)
    # and on a holiday, too: Thursday 1 October → received Thursday 8th → due Friday 9th
    assert calendar.add_working_days(at(2026, 10, 1, 9), 1) == at(2026, 10, 9, 9)


def test_zero_working_days_is_the_start_itself():
    assert calendar.add_working_days(at(2026, 3, 14, 10), 0) == at(2026, 3, 14, 10)


def test_negative_days_or_hours_are_refused():
    with pytest.raises(ValueError):
        calendar.add_working_days(at(2026, 3, 10, 10), -1)
    with pytest.raises(ValueError):
        calendar.add_working_hours(at(2026, 3, 10, 10), -0.5)


def test_working_days_in_2026(caplog):
    # 261 weekdays, 19 of them holidays, 6 make-up weekend days
    with caplog.at_level(logging.WARNING, logger="gongzhi.core.calendar"):
        assert calendar.working_days_between(dt.date(2025, 12, 31), dt.date(2026, 12, 31)) == 248
    assert not caplog.records  # nothing in 2027 was needed, so nothing to warn about


def test_a_long_span_of_working_days_crosses_years():
    # given 400 working days from 30 September 2026, when counted back, then they match
    deadline = calendar.add_working_days(at(2026, 9, 30, 10), 400)
    assert calendar.working_days_between(dt.date(2026, 9, 30), deadline.date()) == 400
    assert calendar.is_working_day(deadline.date())


# --- working hours ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        pytest.param(at(2026, 3, 10, 11), 2, at(2026, 3, 10, 14), id="across lunch"),
        pytest.param(at(2026, 3, 10, 17), 2, at(2026, 3, 11, 10), id="overnight"),
        pytest.param(at(2026, 3, 13, 17), 2, at(2026, 3, 16, 10), id="over the weekend"),
        pytest.param(at(2026, 9, 30, 17), 3, at(2026, 10, 8, 11), id="over National Day"),
        pytest.param(at(2026, 2, 13, 17), 3, at(2026, 2, 14, 11), id="onto a make-up Saturday"),
        pytest.param(at(2026, 3, 10, 9), 8, at(2026, 3, 10, 18), id="a full day ends at 18:00"),
        pytest.param(at(2026, 3, 10, 9), 3, at(2026, 3, 10, 12), id="a full morning ends at 12:00"),
        pytest.param(at(2026, 3, 10, 9), 16, at(2026, 3, 11, 18), id="two full days"),
        pytest.param(at(2026, 3, 10, 12, 30), 1, at(2026, 3, 10, 14), id="start in the lunch break"),
        pytest.param(at(2026, 3, 10, 7), 1, at(2026, 3, 10, 10), id="start before work"),
        pytest.param(at(2026, 3, 10, 20), 1, at(2026, 3, 11, 10), id="start after work"),
        pytest.param(at(2026, 3, 14, 10), 1, at(2026, 3, 16, 10), id="start on a Saturday"),
        pytest.param(at(2026, 3, 10, 10), Decimal("1.5"), at(2026, 3, 10, 11, 30), id="decimal hours"),
        pytest.param(at(2026, 3, 10, 10), 0.25, at(2026, 3, 10, 10, 15), id="a quarter hour"),
    ],
)
def test_add_working_hours(start, hours, expected):
    assert calendar.add_working_hours(start, hours) == expected


def test_working_hours_between_is_the_inverse_of_add_working_hours():
    starts = [at(2026, 2, 12, 15, 30), at(2026, 9, 30, 11, 45), at(2026, 3, 14, 8), at(2026, 12, 31, 17)]
    for start in starts:
        for hours in (0.5, 3, 7.25, 8, 19, 41.5, 200):
            assert calendar.working_hours_between(
                start, calendar.add_working_hours(start, hours)
            ) == pytest.approx(hours)


def test_working_hours_between_outside_working_time_is_zero_and_reversed_is_negative():
    assert calendar.working_hours_between(at(2026, 3, 14, 8), at(2026, 3, 15, 20)) == 0
    assert calendar.working_hours_between(at(2026, 3, 10, 12, 10), at(2026, 3, 10, 12, 50)) == 0
    assert calendar.working_hours_between(at(2026, 3, 10, 14), at(2026, 3, 10, 10)) == -3


def test_results_are_in_local_time_whatever_the_input_zone():
    # given 02:00 UTC on Tuesday 10 March 2026 (10:00 in Shanghai)
    start = dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC)
    # when 1 working hour is added, then the result is 11:00 local time
    result = calendar.add_working_hours(start, 1)
    assert result == at(2026, 3, 10, 11)
    assert result.tzinfo.key == "Asia/Shanghai"


def test_working_periods_come_from_settings(settings):
    # given a district that works 08:30–12:00 and 14:30–17:30
    settings.WORKING_PERIODS = [("08:30", "12:00"), ("14:30", "17:30")]
    # then a 4-hour task started at 11:00 is due at 17:30, close of business
    assert calendar.add_working_hours(at(2026, 3, 10, 11), 4) == at(2026, 3, 10, 17, 30)
    assert calendar.end_of_working_day(dt.date(2026, 3, 10)) == at(2026, 3, 10, 17, 30)


def test_end_of_working_day_moves_past_holidays():
    assert calendar.end_of_working_day(dt.date(2026, 10, 3)) == at(2026, 10, 8, 18)
    assert calendar.end_of_working_day(dt.date(2026, 10, 10)) == at(2026, 10, 10, 18)


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: calendar.add_working_days(naive, 1),
        lambda naive: calendar.add_working_hours(naive, 1),
        lambda naive: calendar.working_hours_between(naive, at(2026, 3, 10, 12)),
        lambda naive: calendar.working_hours_between(at(2026, 3, 10, 12), naive),
        lambda naive: calendar.is_working_day(naive),
        lambda naive: calendar.end_of_working_day(naive),
    ],
)
def test_naive_datetimes_are_refused(call):
    # given a datetime without a time zone, then no deadline is computed from it
    with pytest.raises(ValueError, match="naive"):
        call(dt.datetime(2026, 3, 10, 10))


# --- editing the calendar -----------------------------------------------------------------------


def test_an_admin_edit_of_a_calendar_day_changes_deadlines_at_once(client):
    # given Monday 16 March 2026, an ordinary working day, already read by this process
    monday = dt.date(2026, 3, 16)
    assert calendar.is_working_day(monday)
    assert calendar.add_working_days(at(2026, 3, 13, 10), 1) == at(2026, 3, 16, 10)
    client.force_login(users.superuser())
    # when a superuser makes it a holiday in the admin
    response = client.post(
        reverse("admin:core_calendarday_add"),
        {"date": "2026-03-16", "kind": "holiday", "name": "Local holiday"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # then it is off at once, and deadlines move
    assert not calendar.is_working_day(monday)
    assert calendar.add_working_days(at(2026, 3, 13, 10), 1) == at(2026, 3, 17, 10)
    # and when the superuser deletes it again, Monday works again
    day = CalendarDay.objects.get(date=monday)
    response = client.post(reverse("admin:core_calendarday_delete", args=[day.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert calendar.is_working_day(monday)
    actions = list(AuditEvent.objects.filter(object_id=str(day.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["core.calendar_day.create", "core.calendar_day.delete"]


def test_the_admin_explains_a_make_up_day_on_a_weekday(client):
    client.force_login(users.superuser())
    response = client.post(
        reverse("admin:core_calendarday_add"), {"date": "2026-03-17", "kind": "workday", "name": ""}
    )
    assert response.status_code == 200
    assert not CalendarDay.objects.filter(date=dt.date(2026, 3, 17)).exists()
    assert "kind" in response.context["adminform"].form.errors


def test_staff_other_than_district_admins_may_look_at_but_not_edit_the_calendar(client):
    nodes = areas.tree()
    staff = users.user("community_staff", nodes=[nodes["community"]])
    client.force_login(staff)
    assert client.get(reverse("admin:core_calendarday_changelist")).status_code == 200
    assert client.get(reverse("admin:core_calendarday_add")).status_code == 403
    with pytest.raises(Forbidden):
        services.calendar_day_save(actor=staff, date=dt.date(2026, 3, 16), kind="holiday", name="x")


def test_a_district_admin_edits_the_calendar():
    nodes = areas.tree()
    admin = users.user("district_admin", nodes=[nodes["district"]])
    day = services.calendar_day_save(actor=admin, date=dt.date(2026, 3, 16), kind="holiday", name="区庆")
    assert not calendar.is_working_day(dt.date(2026, 3, 16))
    # moving the row to another date frees the first
    services.calendar_day_save(actor=admin, day=day, date=dt.date(2026, 3, 20), kind="holiday", name="区庆")
    assert calendar.is_working_day(dt.date(2026, 3, 16))
    assert not calendar.is_working_day(dt.date(2026, 3, 20))
    event = AuditEvent.objects.filter(action="core.calendar_day.update").get()
    assert event.before == {"date": "2026-03-16"} and event.after == {"date": "2026-03-20"}
    assert event.actor == admin


def test_a_make_up_working_day_must_be_a_weekend_day():
    with pytest.raises(InvalidInput) as exc:
        services.calendar_day_save(actor=ADMIN, date=dt.date(2026, 3, 17), kind="workday", name="")
    assert "kind" in exc.value.fields


def test_an_unknown_kind_names_the_field():
    with pytest.raises(InvalidInput) as exc:
        services.calendar_day_save(actor=ADMIN, date=dt.date(2026, 3, 17), kind="party", name="")
    assert "kind" in exc.value.fields


def test_declaring_a_year_known_stops_the_fallback_warning(caplog):
    # given the 2027 holidays entered by hand and the year declared complete
    services.calendar_day_save(actor=ADMIN, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    services.calendar_year_save(actor=ADMIN, year=2027, source="国务院办公厅通知")
    # when a 2027 deadline is computed, then the holiday counts and nothing is logged
    with caplog.at_level(logging.WARNING, logger="gongzhi.core.calendar"):
        assert calendar.add_working_days(at(2026, 12, 31, 10), 1) == at(2027, 1, 4, 10)
    assert not [r for r in caplog.records if "2027" in r.getMessage()]
    assert calendar.is_known_year(2027)


def test_a_year_outside_the_sensible_range_is_refused():
    with pytest.raises(InvalidInput) as exc:
        services.calendar_year_save(actor=ADMIN, year=20270)
    assert "year" in exc.value.fields


def test_an_edit_committed_by_another_process_is_seen_after_the_version_check(monkeypatch):
    # given this process has read the calendar
    monday = dt.date(2026, 3, 16)
    assert calendar.is_working_day(monday)
    # when another process adds a holiday and bumps the shared version (as its commit does)
    CalendarDay.objects.create(date=monday, kind="holiday", name="elsewhere")
    cache.set(calendar.VERSION_KEY, "another-process", timeout=None)
    # then this process sees it once its version check is due
    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0)
    assert not calendar.is_working_day(monday)


def test_a_committed_edit_bumps_the_shared_version(django_capture_on_commit_callbacks):
    before = cache.get(calendar.VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        services.calendar_day_save(actor=ADMIN, date=dt.date(2026, 3, 16), kind="holiday", name="x")
    assert cache.get(calendar.VERSION_KEY) not in (None, before)


def test_deadlines_still_compute_when_the_shared_cache_is_down(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(calendar.cache, "get", broken)
    monkeypatch.setattr(calendar.cache, "set", broken)
    assert calendar.add_working_days(at(2026, 9, 30, 10), 3) == at(2026, 10, 10, 10)
    services.calendar_day_save(actor=ADMIN, date=dt.date(2026, 3, 16), kind="holiday", name="x")
    assert not calendar.is_working_day(dt.date(2026, 3, 16))


def test_the_admin_changes_a_day_and_declares_a_year_through_the_services(client):
    # given a superuser in the admin and the seeded National Day
    client.force_login(users.superuser())
    day = CalendarDay.objects.get(date=dt.date(2026, 10, 1))
    # when they rename the day
    response = client.post(
        reverse("admin:core_calendarday_change", args=[day.pk]),
        {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
    )
    assert response.status_code == 302
    # and declare 2027 known
    response = client.post(reverse("admin:core_calendaryear_add"), {"year": "2027", "source": "国办发明电"})
    assert response.status_code == 302
    # then both are saved, audited, and the calendar knows 2027
    day.refresh_from_db()
    assert day.name == "国庆节"
    update = AuditEvent.objects.get(action="core.calendar_day.update")
    assert update.before == {"name": "National Day"} and update.after == {"name": "国庆节"}
    assert AuditEvent.objects.filter(action="core.calendar_year.create", object_repr="2027").exists()
    assert calendar.is_known_year(2027)


def test_with_a_per_process_cache_an_edit_elsewhere_is_seen_through_the_audit_log(monkeypatch):
    # given processes that share no cache (LocMemCache, the embedded default), and this one has read
    # the calendar
    monkeypatch.setattr(calendar, "USE_AUDIT_SIGNAL", True)
    monkeypatch.setattr(calendar, "VERSION_CHECK_SECONDS", 0)
    monday = dt.date(2026, 3, 16)
    assert calendar.is_working_day(monday)
    # when another process makes Monday a holiday (simulated: its rows and event, no local reset)
    monkeypatch.setattr(calendar, "invalidate", lambda: None)
    services.calendar_day_save(actor=ADMIN, date=monday, kind="holiday", name="elsewhere")
    # then this process sees it at its next check
    assert not calendar.is_working_day(monday)


def test_every_calendar_edit_is_a_signal_for_other_processes():
    services.calendar_year_save(actor=ADMIN, year=2027)
    day = services.calendar_day_save(actor=ADMIN, date=dt.date(2027, 1, 1), kind="holiday", name="")
    services.calendar_day_save(actor=ADMIN, day=day, date=dt.date(2027, 1, 1), kind="holiday", name="元旦")
    services.calendar_day_delete(actor=ADMIN, day=day)
    services.calendar_year_delete(actor=ADMIN, calendar_year=CalendarYear.objects.get(year=2027))
    assert set(
        AuditEvent.objects.filter(action__startswith="core.calendar").values_list("action", flat=True)
    ) <= set(calendar.EDIT_ACTIONS)
