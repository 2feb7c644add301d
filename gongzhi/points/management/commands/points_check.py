"""`gongzhi points-check [--programme volunteers]`: recompute every kept balance from its entries
and list each account that differs (exit status 1 when any does)."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.points.models import Programme
from gongzhi.points.selectors import mismatches


class Command(BaseCommand):
    help = "Check every points balance against its ledger entries."

    def add_arguments(self, parser):
        parser.add_argument("--programme", choices=Programme.values, default=None)

    def handle(self, *args, programme=None, **options):
        found = mismatches(programme=programme)
        for m in found:
            self.stdout.write(
                f"account {m.account_id} {m.name}: balance kept {m.kept}, from entries {m.computed}; "
                f"earned kept {m.kept_earned}, from entries {m.computed_earned}; "
                f"spent kept {m.kept_spent}, from entries {m.computed_spent}"
            )
        if found:
            raise CommandError(f"{len(found)} account(s) differ from their entries.")
        self.stdout.write("every balance matches its entries")
