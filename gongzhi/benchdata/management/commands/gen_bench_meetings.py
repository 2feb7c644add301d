"""`gongzhi gen-bench-meetings`: a district-year of bodies, meetings and decisions for the meetings
figures benchmark (see gongzhi/benchdata/meetings.py)."""

import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Add a year of bodies, meetings and decisions (default 650 / 10,000 / 30,000) to the generated "
            "district, building a bare district of 9 streets and 80 communities first if there is none.")

    def add_arguments(self, parser):
        parser.add_argument("--bodies", type=int, default=650)
        parser.add_argument("--meetings", type=int, default=10_000)
        parser.add_argument("--decisions", type=int, default=30_000)
        parser.add_argument("--year", type=int, default=None, help="the year of meetings (default: last year)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database-url", default=None,
                            help="generate into this database (same as setting DATABASE_URL)")

    def handle(self, *args, bodies, meetings, decisions, year, seed, database_url, **options):
        if database_url and database_url != os.environ.get("DATABASE_URL"):
            # Settings are read at start-up: run again with the URL in the environment.
            import subprocess
            import sys

            argv = [a for a in sys.argv if not a.startswith("--database-url")]
            if "--database-url" in sys.argv:
                i = sys.argv.index("--database-url")
                argv = sys.argv[:i] + sys.argv[i + 2:]
            env = {**os.environ, "DATABASE_URL": database_url}
            raise SystemExit(subprocess.call([sys.executable, "-m", "gongzhi.cli", *argv[1:]], env=env))  # noqa: S603
        from gongzhi.benchdata.meetings import generate_meetings

        try:
            generate_meetings(seed=seed, year=year, bodies=bodies, meetings=meetings, decisions=decisions,
                              out=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
