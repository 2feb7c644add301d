"""`gongzhi restore FILE [--key-file PATH] [--yes] [--check]`: put a `gongzhi backup` archive back.

The key and every byte of the archive are checked before anything is touched; a database holding
data is replaced only with `--yes`; a backup made by newer code is refused. The audit event is
written after the restore, into the restored database. `--check` only opens and verifies the
archive (a drill that changes nothing)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import backup as backups
from gongzhi.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = _("Restore the database and the media folder from a gongzhi backup archive.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The archive to restore."))
        parser.add_argument("--key-file", help=_("The file holding the backup key (else GONGZHI_BACKUP_KEY)."))
        parser.add_argument("--yes", action="store_true", help=_("Replace a database that holds data."))
        parser.add_argument("--check", action="store_true",
                            help=_("Only check the key and the archive; change nothing."))

    def handle(self, *args, file, key_file=None, yes=False, check=False, **options):
        connections.close_all()
        try:
            key = backups.load_key(key_file)
            result = backups.restore(file, key, db=settings.DATABASES["default"], media_root=settings.MEDIA_ROOT,
                                     overwrite=yes, check_only=check)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            connections.close_all()  # the next query opens the restored database
        facts = backups.describe(result.manifest)
        summary = (f"backup of {facts['created_at']} (gongzhi {facts['gongzhi_version']}, {facts['engine']} "
                   f"database {facts['name']}, {facts['media_files']} media files)")
        if check:
            self.stdout.write(self.style.SUCCESS(_("The archive is whole and the key opens it: %(summary)s.") % {
                "summary": summary}))
            if result.pending_migrations:
                self.stdout.write(_("After a restore, run `gongzhi migrate` (%(count)s migrations to apply).") % {
                    "count": len(result.pending_migrations)})
            return
        self.stdout.write(self.style.SUCCESS(_("Restored the %(summary)s.") % {"summary": summary}))
        try:
            audit.record(actor=self.actor, action="core.restore", note=f"{file}: {summary}")
        except DatabaseError:
            self.stderr.write(_("The restore could not be recorded in the audit trail before `gongzhi migrate`."))
        if result.pending_migrations:
            self.stdout.write(self.style.WARNING(
                _("The backup was made by older code: run `gongzhi migrate` now (%(count)s migrations: %(names)s).")
                % {"count": len(result.pending_migrations), "names": ", ".join(result.pending_migrations[:10])}
            ))
