"""`gongzhi civility-bonus --year 2025 [--community CODE]`: compute the civility bonus of the year for
one community (by its code) or for every community; an approved (frozen) one is left as it is."""

from django.core.management.base import CommandError

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.civility.services.bonus import bonus_compute
from gongzhi.core.commands import AuditedCommand
from gongzhi.core.errors import DomainError


class Command(AuditedCommand):
    help = "Compute the yearly civility bonus of the communities (drafts only: an approved bonus is frozen)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--community", default="", help="The community's code (default: every community).")

    def handle(self, *args, year: int, community: str = "", **options):
        communities = AreaNode.objects.filter(kind=AreaKind.COMMUNITY, is_active=True).order_by("path")
        if community:
            communities = communities.filter(code=community)
            if not communities.exists():
                raise CommandError(f"No community with the code {community!r}.")
        for node in communities:
            try:
                run = bonus_compute(actor=self.actor, community=node, year=year)
            except DomainError as exc:
                self.stdout.write(f"{node.code} {node.name}: {exc.message}")
                continue
            self.stdout.write(f"{node.code} {node.name}: {run.households} households, {run.total} yuan")
