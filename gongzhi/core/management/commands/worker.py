"""`gongzhi worker`: runs the background tasks (django-tasks database backend) of the given queues."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

QUEUES = ("default", "sla", "notifications")


def default_queues() -> str:
    return ",".join(settings.TASKS.get("default", {}).get("QUEUES") or QUEUES)


class Command(BaseCommand):
    help = _("Run a background worker for the queues default, sla and notifications.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues", default=default_queues(), help=_("Comma-separated queues (default: %(default)s).")
        )
        parser.add_argument("--batch", action="store_true", help=_("Run the waiting tasks, then exit."))
        parser.add_argument("--max-tasks", type=int, default=None, help=_("Exit after this many tasks."))
        parser.add_argument(
            "--interval", type=float, default=1, help=_("Seconds to wait when the queues are empty.")
        )

    def handle(self, *args, queues, batch, max_tasks, interval, verbosity, **options):
        call_command(
            "db_worker",
            queue_name=queues,
            batch=batch,
            max_tasks=max_tasks,
            interval=interval,
            verbosity=verbosity,
        )
