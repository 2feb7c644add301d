"""`gongzhi dashboard-reports [--month YYYY-MM] [--node CODE] [--force]`: make the monthly reports of
the streets and communities now (last month by default; only those that have none, unless --force)."""

from __future__ import annotations

import time

from django.core.management.base import CommandError

from gongzhi.areas.models import AreaNode
from gongzhi.core.commands import AuditedCommand
from gongzhi.core.errors import InvalidInput

from ...periods import last_month, parse_month
from ...services import reports


class Command(AuditedCommand):
    help = "Make the monthly reports of the streets and communities (last month by default)."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--node", help="The code of one street or community.")
        parser.add_argument("--force", action="store_true", help="Make again the reports that exist.")

    def handle(self, *args, **options):
        try:
            month = parse_month(options["month"]) if options["month"] else last_month()
        except InvalidInput as exc:
            raise CommandError(str(exc)) from exc
        nodes = AreaNode.objects.filter(kind__in=reports.REPORT_KINDS, is_active=True)
        if options["node"]:
            nodes = nodes.filter(code=options["node"])
            if not nodes.exists():
                raise CommandError(f"No active street or community with the code {options['node']!r}.")
        started = time.monotonic()
        made = reports.make_due_reports(actor=self.actor, month=month, nodes=nodes, force=options["force"])
        self.stdout.write(f"{len(made)} reports for {month.key} in {time.monotonic() - started:.1f} s")
