"""`gongzhi apikey create --name NAME [--area CODE] [--channel online ...] [--rate N]` prints the new
key once; `gongzhi apikey revoke PREFIX`; `gongzhi apikey list`."""

from django.core.management.base import CommandError

from gongzhi.areas.models import AreaNode
from gongzhi.core.commands import AuditedCommand
from gongzhi.core.errors import DomainError
from gongzhi.integrations import selectors, services


class Command(AuditedCommand):
    help = "API keys for integrations (Open311 clients): create | revoke PREFIX | list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a key and print it once.")
        create.add_argument("--name", required=True)
        create.add_argument("--area", help="Code of the area node the key is limited to.")
        create.add_argument("--channel", action="append", dest="channels",
                            help="A channel the key may file on (repeatable; default online).")
        create.add_argument("--rate", type=int, dest="rate_limit", help="Requests per minute (default 60).")
        create.add_argument("--note", default="")
        revoke = sub.add_parser("revoke", help="Revoke the active keys with this prefix.")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="List keys (prefix, name, area, channels, rate, state, last use).")

    def handle(self, *args, action: str, **options):
        try:
            if action == "create":
                self._create(options)
            elif action == "revoke":
                self._revoke(options["prefix"])
            else:
                self._list()
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _create(self, options):
        area = None
        if options.get("area"):
            area = AreaNode.objects.filter(code=options["area"]).first()
            if area is None:
                raise CommandError(f"No area node with code {options['area']!r}.")
        key, raw = services.apikey_create(
            actor=self.actor, name=options["name"], area=area, channels=options.get("channels"),
            rate_limit=options.get("rate_limit"), note=options.get("note") or "",
        )
        self.stdout.write(raw)
        self.stderr.write(f"Key {key.prefix}… for {key.name!r} issued; it is not stored and will not be shown again.")

    def _revoke(self, prefix: str):
        keys = list(selectors.api_keys(user=self.actor).filter(prefix=prefix, revoked_at=None))
        if not keys:
            raise CommandError("No active key with that prefix.")
        for key in keys:
            services.apikey_revoke(actor=self.actor, key=key)
        self.stdout.write(f"Revoked {len(keys)} key(s).")

    def _list(self):
        for key in selectors.api_keys(user=self.actor).order_by("created_at"):
            state = "revoked" if key.revoked_at else "active"
            area = key.area.code if key.area_id else "-"
            used = key.last_used_at.isoformat(timespec="seconds") if key.last_used_at else "never"
            self.stdout.write(
                f"{key.prefix}  {key.name:24} {area:14} {','.join(key.channels):16} {key.rate_limit:>5}/min "
                f"{state:8} {used}"
            )
