"""`gongzhi serve`: the web server. In DEBUG, Django's development server on 127.0.0.1; otherwise
gunicorn after collecting the static files."""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = _("Run the web server: the development server when DEBUG is on, gunicorn otherwise.")

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help=_("Port (default: env PORT or 8000)."))
        parser.add_argument(
            "--bind",
            default=None,
            help=_(
                "Address for gunicorn (default: 127.0.0.1:PORT if --port is given, else env BIND, else 127.0.0.1:PORT)."
            ),
        )
        parser.add_argument(
            "--workers", type=int, default=None, help=_("gunicorn worker processes (default: 2 × cores + 1).")
        )

    def handle(self, *args, port, bind, workers, **options):
        explicit_port = port
        port = port or int(os.environ.get("PORT") or 8000)
        if settings.DEBUG:
            call_command("runserver", f"127.0.0.1:{port}")
            return
        if not bind:
            bind = f"127.0.0.1:{port}" if explicit_port else (os.environ.get("BIND") or f"127.0.0.1:{port}")
        workers = workers or default_workers()
        if workers < 1:
            raise CommandError(_("--workers must be at least 1."))
        call_command("collectstatic", interactive=False, verbosity=options.get("verbosity", 1))
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "gongzhi.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        self.stdout.write(
            _("Starting gunicorn on %(bind)s with %(workers)s workers.") % {"bind": bind, "workers": workers}
        )
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn
