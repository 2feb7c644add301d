"""`gongzhi gen-bench-disclosure`: five years of open-books items (default 100,000) in the generated
district, for the due board and public page benchmark (see gongzhi/benchdata/disclosure.py)."""

import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Add five years of disclosure items (default 100,000) to the generated district, building a bare "
            "district of 9 streets and 80 communities first if there is none.")

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--database-url", default=None,
                            help="generate into this database (same as setting DATABASE_URL)")

    def handle(self, *args, items, years, seed, database_url, **options):
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
        from gongzhi.benchdata.disclosure import generate_disclosure

        try:
            generate_disclosure(seed=seed, items=items, years=years,
                                out=lambda line: (self.stdout.write(line), self.stdout.flush()))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
