"""`gongzhi rollups --check` compares the daily case roll-ups with a full recount of the cases and
lists where they differ (exit status 1 if anywhere); `gongzhi rollups --rebuild` replaces them by the
recount (after a bulk load, or to repair). `--since YYYY-MM-DD` limits either to the days from then."""

import datetime as dt

from django.core.management.base import CommandError

from gongzhi.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Daily case roll-ups: --check against a full recount, or --rebuild from it."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--check", action="store_true", help="List the days and places that differ.")
        group.add_argument("--rebuild", action="store_true", help="Replace the roll-ups by a full recount.")
        parser.add_argument("--since", type=dt.date.fromisoformat, default=None, help="Only days from this date.")

    def handle(self, *args, check: bool, rebuild: bool, since: dt.date | None, **options):
        from gongzhi.cases import rollups

        if rebuild:
            written = rollups.rebuild(actor=self.actor, since=since)
            self.stdout.write(self.style.SUCCESS(f"Roll-ups rebuilt: {written} rows."))
            return
        differences = rollups.check(since=since)
        for d in differences[:50]:
            key = " ".join(f"{name}={value}" for name, value in d["key"].items())
            changed = {c: (d["stored"][c], d["counted"][c]) for c in d["counted"] if d["stored"][c] != d["counted"][c]}
            self.stdout.write(f"{d['grain']} {key}: "
                              + ", ".join(f"{c} kept {a}, counted {b}" for c, (a, b) in changed.items()))
        if differences:
            raise CommandError(f"{len(differences)} roll-up rows differ from a full recount (gongzhi rollups --rebuild).")
        self.stdout.write(self.style.SUCCESS("Roll-ups agree with a full recount."))
