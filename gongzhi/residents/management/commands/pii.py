"""`gongzhi pii rekey`: re-encrypt every encrypted column under the newest key.

Rotate a key: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), restart,
run `gongzhi pii rekey`, then remove the old keys. The audit event names the command (and the
`--as-user` on whose behalf it ran)."""

from django.core.management.base import CommandError

from gongzhi.core import audit, pii
from gongzhi.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Personal data: `rekey` re-encrypts all encrypted columns under the newest key."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rekey"])
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--only", nargs="*", metavar="APP", help="Only these apps (default: every app).")

    def handle(self, *args, action: str, batch_size: int, only: list[str] | None, verbosity: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be positive")
        counts = pii.rekey_all(
            batch_size=batch_size, app_labels=only or None,
            progress=(lambda label, done: self.stdout.write(f"  {label}: {done}")) if verbosity > 1 else None,
        )
        audit.record(
            actor=self.actor, action="core.pii.rekey", after={"rows": counts, "keys": len(pii._keys())},
            note="re-encrypted under the newest key",
        )
        if verbosity:
            for label, count in counts.items():
                self.stdout.write(f"{label}: {count} rows re-encrypted")
            self.stdout.write(self.style.SUCCESS("Done."))
