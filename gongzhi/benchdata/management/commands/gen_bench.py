"""`gongzhi gen-bench`: build a district-sized benchmark dataset (see gongzhi/benchdata/generator.py)."""

import datetime as dt
import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Build a district of --people residents and --cases cases of history (PostgreSQL; COPY)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=650_000)
        parser.add_argument("--cases", type=int, default=5_000_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", type=float, default=3.0, help="years of history (default 3)")
        parser.add_argument("--until", default=None,
                            help="end of the history, ISO date or datetime (UTC; default now). Same seed and "
                                 "--until give the same data.")
        parser.add_argument("--stall-share", type=float, default=0.003,
                            help="share of cases left open part-way (overdue backlog; 1.0: every case open)")
        parser.add_argument("--database-url", default=None,
                            help="generate into this database (same as setting DATABASE_URL)")

    def handle(self, *args, people, cases, seed, years, until, stall_share, database_url, **options):
        if database_url and database_url != os.environ.get("DATABASE_URL"):
            # Settings are read at start-up: run again with the URL in the environment.
            import subprocess
            import sys

            argv = list(sys.argv)
            out = []
            skip = False
            for a in argv:
                if skip:
                    skip = False
                    continue
                if a == "--database-url":
                    skip = True
                    continue
                if a.startswith("--database-url="):
                    continue
                out.append(a)
            env = {**os.environ, "DATABASE_URL": database_url}
            raise SystemExit(subprocess.call([sys.executable, "-m", "gongzhi.cli", *out[1:]], env=env))  # noqa: S603
        from gongzhi.benchdata.generator import generate

        end = None
        if until:
            end = dt.datetime.fromisoformat(until)
            if end.tzinfo is None:
                end = end.replace(tzinfo=dt.UTC)
        try:
            generate(people=people, cases=cases, seed=seed, years=years, until=end, stall_share=stall_share,
                     out=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
