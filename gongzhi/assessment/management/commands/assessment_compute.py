"""`gongzhi assessment-compute [--month 2026-11] [--node <area code or id>] [--close]`: compute (and
with --close, close) the grid workers' scores of a month, as the system. Closed months are skipped."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas.models import AreaNode
from gongzhi.assessment.services.scoring import month_close, month_compute
from gongzhi.core.actors import SystemActor
from gongzhi.core.errors import DomainError


class Command(BaseCommand):
    help = "Compute the grid workers' monthly scores (and close a street's month with --close)."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM (default: the current month)")
        parser.add_argument("--node", default="", help="an area node's code or id (default: every area)")
        parser.add_argument("--close", action="store_true", help="close the month of the node after computing it")

    def handle(self, *args, month="", node="", close=False, **options):
        actor = SystemActor(label="command:assessment-compute")
        area = None
        if node:
            area = AreaNode.objects.filter(code=node).first() or (
                AreaNode.objects.filter(pk=int(node)).first() if node.isdigit() else None)
            if area is None:
                raise CommandError(f"No area node {node}")
        try:
            if close:
                if area is None:
                    raise CommandError("--close needs --node (the street whose month is closed)")
                closed = month_close(actor=actor, month=month, node=area)
                self.stdout.write(f"closed {closed} month(s)")
                return
            result = month_compute(actor=actor, month=month or None, node=area)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{result.month:%Y-%m}: {result.workers} workers, {result.events} events, {result.lines} lines written, "
            f"{result.removed} removed, {result.closed_skipped} closed months skipped, {result.seconds} s"
        )
