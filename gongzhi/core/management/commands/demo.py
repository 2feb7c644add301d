import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from gongzhi.core import components
from gongzhi.core.actors import SystemActor
from gongzhi.core.context import action_context
from gongzhi.core.demo import DemoContext


class Command(BaseCommand):
    help = "Load the demo data into an empty database (never over existing data); --reset wipes first."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete all data first, then load the demo.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")

    def handle(self, *args, reset: bool, seed: int, verbosity: int, **options):
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            _reseed_calendar()
        elif _holds_data():
            self.stdout.write("The database already holds data; the demo was not loaded (use --reset to replace it).")
            return
        started = time.monotonic()
        ctx = DemoContext(seed=seed, actor=SystemActor(label="command:demo"), verbose=verbosity > 0)
        with action_context(source="command:demo"), transaction.atomic():
            for label, load in components.demo_loaders():
                t0 = time.monotonic()
                load(ctx)
                ctx.log(f"  {label}: {time.monotonic() - t0:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f}s."))


def _reseed_calendar() -> None:
    """flush empties every table, the calendar included; put the seeded holidays back."""
    from gongzhi.core.calendar_data import seed_calendar

    seed_calendar()


def _holds_data() -> bool:
    """Whether the database already holds a district's data: any row of a model that belongs to an
    area (`area_scope_field`: the tree itself, people, cases …). What migrations seed (the calendar,
    the matter catalogue, camera alert types, rules and standards for everywhere — no area) and a
    superuser made before the first `make run` do not count."""
    for config, _component in components.installed():
        for model in config.get_models():
            field = getattr(model, "area_scope_field", None)
            if field is None:
                continue
            rows = model._default_manager.filter(**{f"{field}__isnull": False}) if field else model._default_manager
            if rows.exists():
                return True
    return False
