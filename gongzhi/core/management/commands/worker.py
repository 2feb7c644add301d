"""`gongzhi worker`: runs the background tasks (django-tasks database backend) of the given queues,
and enqueues the periodic jobs (`gongzhi.core.periodic`, e.g. the SLA sweep) when they are due."""

import logging
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connections
from django.db.utils import OperationalError
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from gongzhi.core import periodic

QUEUES = ("default", "sla", "notifications")
logger = logging.getLogger("django_tasks_db")


def default_queues() -> str:
    return ",".join(settings.TASKS.get("default", {}).get("QUEUES") or QUEUES)


def refresh_connections() -> None:
    """Drop expired connections between tasks, as requests do (never inside a transaction: a
    worker run by a test or a caller's atomic block keeps its connection)."""
    if not any(c.in_atomic_block for c in connections.all(initialized_only=True)):
        close_old_connections()


class SchedulingWorker(Worker):
    """django-tasks-db's worker loop, plus a look at the periodic jobs every `schedule_every`
    seconds (and once at the start, so `--batch` from cron also runs what is due). `run` and
    `claim` follow `Worker.run` of django-tasks-db 0.13 (pinned): recheck them when upgrading."""

    def __init__(self, *, schedule_every: float | None, **kwargs):
        super().__init__(**kwargs)
        self.schedule_every = schedule_every
        self._next_schedule = 0.0

    def schedule(self) -> None:
        if self.schedule_every is None or time.monotonic() < self._next_schedule:
            return
        self._next_schedule = time.monotonic() + self.schedule_every
        periodic.schedule_due(queues=self.queue_names)

    def claim(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result, True
            except OperationalError as exc:
                if is_locked_database_exception(exc):  # SQLite busy: try again next round
                    return None, False
                raise

    def run(self) -> None:
        logger.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spread workers started together
        while self.running:
            refresh_connections()
            self.schedule()
            task_result, retrieved = self.claim()
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and retrieved and task_result is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            refresh_connections()
            if self.running and not task_result:
                time.sleep(self.interval)


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
        parser.add_argument(
            "--no-schedule", action="store_true",
            help=_("Do not enqueue the periodic jobs (the SLA sweep); another worker does."),
        )
        parser.add_argument(
            "--schedule-every", type=float, default=15,
            help=_("Seconds between looks at the periodic jobs (default: %(default)s)."),
        )

    def handle(self, *args, queues, batch, max_tasks, interval, no_schedule, schedule_every, verbosity, **options):
        DbWorkerCommand(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity)
        worker = SchedulingWorker(
            queue_names=queues.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
            schedule_every=None if no_schedule else schedule_every,
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()
