"""`gongzhi residents import FILE --user NAME` and `gongzhi residents export --user NAME [-o FILE]`.

Both act as the named user (their area scope and permissions) and are audited."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.context import action_context
from gongzhi.core.errors import DomainError


class Command(BaseCommand):
    help = "Import residents from the .xlsx template, or export them, as a given user."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export", "template"])
        parser.add_argument("file", nargs="?", help="The .xlsx file to import (import) or to write (export, template).")
        parser.add_argument("--user", help="Act as this user (required for import and export).")
        parser.add_argument("--reveal", action="store_true", help="Export full ID numbers and phones (needs permission).")
        parser.add_argument("--no-create-households", action="store_true", help="Do not create unknown rooms.")

    def handle(self, *args, action: str, file: str | None, user: str | None, reveal: bool, no_create_households: bool, **options):
        from gongzhi.accounts.models import User
        from gongzhi.residents import services, xlsx

        if action == "template":
            target = Path(file or "residents-template.xlsx")
            target.write_bytes(xlsx.template_bytes())
            self.stdout.write(str(target))
            return
        if not user:
            raise CommandError("--user is required")
        try:
            actor = User.objects.get(username=user, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"No active user {user!r}") from exc
        with action_context(source="command:residents"):
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
