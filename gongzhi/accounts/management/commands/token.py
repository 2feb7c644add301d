from django.core.management.base import CommandError

from gongzhi.accounts import services
from gongzhi.accounts.models import ApiToken, User
from gongzhi.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Personal API tokens: `token create --user NAME --name LABEL` (prints the token once), `token revoke PREFIX`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", required=True)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        sub.add_parser("list")

    def handle(self, *args, action: str, **options):
        if action == "create":
            try:
                user = User.objects.get(username=options["user"])
            except User.DoesNotExist as exc:
                raise CommandError(f"No user named {options['user']!r}.") from exc
            _, raw = services.api_token_create(actor=self.actor, user=user, name=options["name"])
            self.stdout.write(raw)
        elif action == "revoke":
            tokens = ApiToken.objects.filter(prefix=options["prefix"], revoked_at=None)
            if not tokens:
                raise CommandError("No active token with that prefix.")
            for token in tokens:
                services.api_token_revoke(actor=self.actor, token=token)
            self.stdout.write(f"Revoked {len(tokens)} token(s).")
        else:
            for token in ApiToken.objects.select_related("user").order_by("created_at"):
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(f"{token.prefix}  {token.user.username:20} {token.name:30} {state}")
