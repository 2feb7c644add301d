"""`gongzhi backup FILE [--key-file PATH]`: the database and the media folder in one encrypted archive
(see gongzhi/core/backup.py and docs/BACKUP.md). `gongzhi backup --new-key PATH` writes a new key file.

The key comes from `--key-file` or the GONGZHI_BACKUP_KEY environment variable. It is not the
FIELD_ENCRYPTION_KEYS: the archive holds personal data as stored (encrypted with those), so the
operator keeps both."""

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import backup as backups
from gongzhi.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = _("Write the database and the media folder into one encrypted archive.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help=_("The archive to write."))
        parser.add_argument("--key-file", help=_("The file holding the backup key (else GONGZHI_BACKUP_KEY)."))
        parser.add_argument("--new-key", metavar="PATH", help=_("Write a new random backup key to PATH and stop."))

    def handle(self, *args, file=None, key_file=None, new_key=None, **options):
        if new_key:
            try:
                path = backups.new_key_file(new_key)
            except backups.BackupError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(_("New backup key written to %(path)s.") % {"path": path}))
            self.stdout.write(_("Keep a copy away from the backups, with the FIELD_ENCRYPTION_KEYS."))
            return
        if not file:
            raise CommandError(_("Name the archive to write: gongzhi backup FILE."))
        try:
            key = backups.load_key(key_file)
            if backups.key_file_too_open(key_file):
                self.stderr.write(_("Warning: others may read %(path)s; chmod 600 it.") % {"path": key_file})
            result = backups.backup(file, key, db=settings.DATABASES["default"], media_root=settings.MEDIA_ROOT)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        facts = backups.describe(result.manifest)
        note = (f"{result.path.name}: {facts['engine']} database {facts['name']}, "
                f"{facts['media_files']} media files, {result.size} bytes")
        audit.record(actor=self.actor, action="core.backup", note=note)
        self.stdout.write(self.style.SUCCESS(_("Backup written to %(path)s (%(note)s).") % {
            "path": result.path, "note": note}))
