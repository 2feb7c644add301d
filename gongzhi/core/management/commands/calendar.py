"""`gongzhi calendar sync` adds the holidays a newer chinesecalendar package knows;
`gongzhi calendar show YEAR` prints a year's holidays and make-up working days.

Changes are recorded as done by "command:calendar", on behalf of `--as-user NAME` when given
(`gongzhi calendar sync --as-user quadmin`)."""

import argparse
import datetime as dt

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gongzhi.core import calendar
from gongzhi.core.commands import AuditedCommand
from gongzhi.core.models import CalendarDay, CalendarYear
from gongzhi.core.services import calendar_sync


class Command(AuditedCommand):
    help = _(
        "Working-day calendar: `sync` adds the holidays known to the chinesecalendar package; `show YEAR` lists a year."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sync = sub.add_parser(
            "sync", help=_("Add the holidays and make-up working days the chinesecalendar package knows.")
        )
        # Also accepted after the subcommand (the base command reads it before).
        sync.add_argument("--as-user", dest="as_user", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        show = sub.add_parser("show", help=_("List the holidays and make-up working days of a year."))
        show.add_argument("year", type=int)

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "sync":
            self.sync()
        else:
            self.show(options["year"])

    def sync(self) -> None:
        result = calendar_sync(actor=self.actor)
        if not result["days"] and not result["years"]:
            self.stdout.write(_("The calendar is up to date with %(source)s.") % {"source": result["source"]})
            return
        if result["years"]:
            self.stdout.write(
                _("Years added: %(years)s") % {"years": ", ".join(str(y) for y in result["years"])}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("%(count)s days added from %(source)s.")
                % {"count": len(result["days"]), "source": result["source"]}
            )
        )
        added = set(result["days"])
        if added:
            rows = CalendarDay.objects.filter(date__gte=min(added), date__lte=max(added)).order_by("date")
            for row in rows:
                if row.date in added:
                    self.stdout.write(f"  {row.date.isoformat()}  {row.get_kind_display()}  {row.name}")

    def show(self, year: int) -> None:
        if not 1 <= year <= 9998:
            raise CommandError(_("Enter a year between 1 and 9998."))
        known = CalendarYear.objects.filter(year=year).first()
        if known:
            self.stdout.write(
                _("%(year)s: holidays known (%(source)s)") % {"year": year, "source": known.source or "—"}
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    _("%(year)s: no holiday calendar; Monday to Friday are counted as working days.")
                    % {"year": year}
                )
            )
        days = CalendarDay.objects.filter(date__year=year).order_by("date")
        for day in days:
            self.stdout.write(f"  {day.date.isoformat()}  {day.get_kind_display()}  {day.name}")
        working = calendar.working_days_between(dt.date(year - 1, 12, 31), dt.date(year, 12, 31))
        self.stdout.write(_("Working days in %(year)s: %(count)s") % {"year": year, "count": working})
