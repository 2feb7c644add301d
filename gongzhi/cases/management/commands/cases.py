"""`gongzhi cases seed-catalogue` adds the seeded catalogue's missing matters (each audited, on
behalf of `--as-user` when given); `gongzhi cases sla-sweep` runs the SLA sweep once (what the
periodic task does)."""

from django.db import transaction

from gongzhi.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Case pipeline: seed-catalogue | sla-sweep"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("seed-catalogue", help="Add the seeded catalogue's missing groups and matters.")
        sub.add_parser("sla-sweep", help="Raise warnings and supervision for overdue cases, notify, auto-close.")

    def handle(self, *args, action: str, **options):
        if action == "seed-catalogue":
            from gongzhi.cases import catalogue_data

            with transaction.atomic():
                added = catalogue_data.load(actor=self.actor)
            self.stdout.write(self.style.SUCCESS(f"Catalogue: {added} matters added."))
        elif action == "sla-sweep":
            from gongzhi.cases import tasks

            counts = tasks.sweep()
            self.stdout.write(self.style.SUCCESS(" ".join(f"{k}={v}" for k, v in counts.items())))
