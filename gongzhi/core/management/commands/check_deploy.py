"""`gongzhi check-deploy`: what an operator runs before going live (and after each upgrade). Prints
one line per check in Chinese and English and exits non-zero when any check fails; see
gongzhi.core.deploy_checks and docs/DEPLOY.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gongzhi.core import deploy_checks


class Command(BaseCommand):
    help = _(
        "Check a deployment before going live: DEBUG off, keys set, Django's deployment checks, "
        "database reachable and migrated, cache, static and media files, clock in sync, a worker alive."
    )
    requires_system_checks = []  # they are one of the checks, reported in the same list

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker-wait", type=float, default=20.0,
            help=_("Seconds to wait for a task worker to run the probe task (default: %(default)s)."),
        )

    def handle(self, *args, worker_wait, **options):
        findings = deploy_checks.run_all(worker_wait=worker_wait)
        for finding in findings:
            self.stdout.write(finding.line())
        failed = [f for f in findings if not f.ok]
        warned = [f for f in findings if f.warning]
        summary = (
            f"{len(findings) - len(failed) - len(warned)} 项通过，{len(warned)} 项提醒，{len(failed)} 项失败 / "
            f"{len(findings) - len(failed) - len(warned)} passed, {len(warned)} warning(s), {len(failed)} failed"
        )
        if failed:
            raise CommandError(summary)
        self.stdout.write(summary)
