"""Seed statutory holidays and make-up working days for every year the chinesecalendar package
knows. `gongzhi calendar sync` does the same later, when a newer package knows more years."""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    version = getattr(chinese_calendar, "__version__", "")
    years = set()
    rows = {}
    for day, name in chinese_calendar.holidays.items():
        years.add(day.year)
        if day.weekday() < 5 or name:
            rows[day] = CalendarDay(date=day, kind="holiday", name=str(name or ""))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows[day] = CalendarDay(date=day, kind="workday", name=str(name or ""))
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([r for d, r in rows.items() if d not in existing], batch_size=500)
    known = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source=f"chinesecalendar {version}".strip()) for y in sorted(years - known)]
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
