"""`gongzhi privacy anonymise [--dry-run]`: run the retention job now and print the counts."""

from gongzhi.core.commands import AuditedCommand
from gongzhi.privacy import services


class Command(AuditedCommand):
    help = "Privacy (PIPL): anonymise what is past retention (--dry-run: only count it)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        anonymise = sub.add_parser("anonymise", help="Anonymise records past their retention period.")
        anonymise.add_argument("--dry-run", action="store_true", help="Count what would be anonymised; change nothing.")

    def handle(self, *args, **options):
        counts = services.run_retention(actor=self.actor, dry_run=options["dry_run"])
        verb = "would anonymise" if options["dry_run"] else "anonymised"
        for kind, n in counts.items():
            self.stdout.write(f"{kind}: {verb} {n}")
