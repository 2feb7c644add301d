"""Base for management commands that change data: they act as the system on behalf of an
optional `--as-user`, inside an action context, so every audit event names the command."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from .actors import SystemActor
from .context import action_context


class AuditedCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        self._command_name = subcommand
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--as-user", dest="as_user", help="Record the changes as done on behalf of this user.")
        return parser

    def execute(self, *args, **options):
        name = getattr(self, "_command_name", self.__module__.rsplit(".", 1)[-1])
        user = None
        if options.get("as_user"):
            User = get_user_model()  # noqa: N806 — core sits below accounts
            try:
                user = User.objects.get(username=options["as_user"])
            except User.DoesNotExist as exc:
                raise CommandError(f"No user named {options['as_user']!r}.") from exc
        self.actor = SystemActor(label=f"command:{name}", on_behalf_of=user)
        with action_context(source=f"command:{name}"):
            return super().execute(*args, **options)
