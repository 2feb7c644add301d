"""`gongzhi gen-bench-volunteers`: 50,000 volunteers, their points accounts and 2,000,000 ledger
entries over the last twelve months in the generated district (see gongzhi/benchdata/volunteers.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gz_bench_data gongzhi migrate
    gongzhi gen-bench-volunteers --database-url postgres://postgres@127.0.0.1:5432/gz_bench_data
    gongzhi points-check   # (same DATABASE_URL) every kept balance matches its entries
"""

import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Add volunteers (default 50,000), their points accounts and a year of ledger entries (default "
            "2,000,000) to the generated district, building a district of 9 streets, 80 communities and "
            "40,000 households first if there is none.")

    def add_arguments(self, parser):
        parser.add_argument("--volunteers", type=int, default=50_000)
        parser.add_argument("--entries", type=int, default=2_000_000)
        parser.add_argument("--households", type=int, default=40_000,
                            help="households of the district built when there is none")
        parser.add_argument("--shape", default="9,80,500",
                            help="streets,communities,grids of the district built when there is none")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database-url", default=None,
                            help="generate into this database (same as setting DATABASE_URL)")

    def handle(self, *args, volunteers, entries, households, shape, seed, database_url, **options):
        if database_url and database_url != os.environ.get("DATABASE_URL"):
            # Settings are read at start-up: run again with the URL in the environment.
            import subprocess
            import sys

            argv = list(sys.argv)
            if "--database-url" in argv:
                i = argv.index("--database-url")
                argv = argv[:i] + argv[i + 2:]
            argv = [a for a in argv if not a.startswith("--database-url=")]
            env = {**os.environ, "DATABASE_URL": database_url}
            raise SystemExit(subprocess.call([sys.executable, "-m", "gongzhi.cli", *argv[1:]], env=env))  # noqa: S603
        from gongzhi.benchdata.volunteers import generate_volunteers

        try:
            streets, communities, grids = (int(x) for x in shape.split(","))
        except ValueError as exc:
            raise CommandError("--shape is streets,communities,grids, e.g. 9,80,500") from exc
        try:
            generate_volunteers(seed=seed, volunteers=volunteers, entries=entries, households=households,
                                shape=(streets, communities, grids),
                                out=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
