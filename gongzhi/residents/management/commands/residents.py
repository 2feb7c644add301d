"""`gongzhi residents import FILE --user NAME` and `gongzhi residents export --user NAME [-o FILE]`.

Both act as the named user (their area scope and permissions: `--user`, or `--as-user` like every
command that changes data) and are audited as that user, with the command as the source."""

from pathlib import Path

from django.core.management.base import CommandError

from gongzhi.core.actors import actor_user
from gongzhi.core.commands import AuditedCommand
from gongzhi.core.errors import DomainError


class Command(AuditedCommand):
    help = "Import residents from the .xlsx template, or export them, as a given user."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export", "template"])
        parser.add_argument("file", nargs="?", help="The .xlsx file to import (import) or to write (export, template).")
        parser.add_argument("--user", help="Act as this user (required for import and export; or --as-user).")
        parser.add_argument("--reveal", action="store_true", help="Export full ID numbers and phones (needs permission).")
        parser.add_argument("--no-create-households", action="store_true", help="Do not create unknown rooms.")

    def _acting_user(self, user: str | None):
        from gongzhi.accounts.models import User

        on_behalf = actor_user(self.actor)
        if user and on_behalf is not None and on_behalf.username != user:
            raise CommandError("--user and --as-user name different users.")
        name = user or (on_behalf.username if on_behalf is not None else None)
        if not name:
            raise CommandError("--user is required")
        try:
            return User.objects.get(username=name, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {name!r}") from exc

    def handle(self, *args, action: str, file: str | None, user: str | None, reveal: bool, no_create_households: bool, **options):
        from gongzhi.residents import services, xlsx

        if action == "template":
            target = Path(file or "residents-template.xlsx")
            target.write_bytes(xlsx.template_bytes())
            self.stdout.write(str(target))
            return
        actor = self._acting_user(user)
        try:
            if action == "import":
                if not file:
                    raise CommandError("Name the .xlsx file to import.")
                with open(file, "rb") as handle:
                    result = services.residents_import(
                        actor=actor, file=handle, file_name=Path(file).name, create_households=not no_create_households
                    )
                if not result.ok:
                    for number, messages in result.errors[:50]:
                        self.stderr.write(f"row {number}: {'；'.join(messages)}")
                    raise CommandError(
                        f"{len(result.errors)} bad rows; nothing imported. Report: {result.job.report.path}"
                    )
                self.stdout.write(self.style.SUCCESS(
                    f"{result.rows} rows: {result.created} created, {result.updated} updated, "
                    f"{result.households_created} rooms created in {result.seconds:.1f}s"
                ))
            else:
                target = Path(file or "residents-export.xlsx")
                target.write_bytes(services.residents_export(actor=actor, reveal=reveal, filters={"command": True}))
                self.stdout.write(str(target))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
