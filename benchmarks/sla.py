"""Benchmark: the SLA sweep (`cases.tasks.sweep`) over all open cases of a database built by
`gongzhi gen-bench`.

    .venv/bin/python benchmarks/sla.py [--database-url URL] [--repeat 3] [--no-commit]

Two figures, because they differ by an order of magnitude and mean different things:

- **catch-up**: the first sweep over a history nobody swept — every open case past a deadline gets
  its supervision rows and notifications (what happens once after an import or a long outage).
  Run inside a transaction that is rolled back, so the database is left as it was.
- **steady state**: the sweep as it runs every few minutes: everything overdue is supervised
  already (a committed sweep first, unless --no-commit), so a run only looks for what fell due
  since. This is the figure the ≤ 30 s target is about: the sweep is scheduled every few minutes
  and must finish well within its period however many cases are open.

Prints one JSON line and a table. Target (issue 7): ≤ 30 s over 1,000,000 open cases
(generate such a database with `gongzhi gen-bench --people 20000 --cases 1080000 --stall-share 1
--years 0.1`: every case stops part-way, about 1,017,000 stay open).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


class _Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-commit", action="store_true", help="only the catch-up figure (rolled back)")
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import connection, transaction
    from django.utils import timezone

    from gongzhi.cases import tasks
    from gongzhi.cases.models import OPEN_STATES, Case, Supervision

    machine = bench.machine()
    now = timezone.now()
    open_cases = Case.objects.filter(state__in=OPEN_STATES).count()
    overdue = Case.objects.filter(state__in=OPEN_STATES, handling_due__lte=now).count()
    existing = Supervision.objects.count()

    def timed_sweep() -> tuple[float, dict]:
        started = time.perf_counter()
        counts = tasks.sweep(now=now)
        return time.perf_counter() - started, counts

    # Catch-up, rolled back (on_commit hooks are discarded with the transaction).
    catch_up_seconds, catch_up = None, None
    try:
        with transaction.atomic():
            catch_up_seconds, catch_up = timed_sweep()
            raise _Rollback
    except _Rollback:
        pass
    rows = [("machine", bench.machine_line(machine)),
            ("open cases / overdue now", f"{open_cases:,} / {overdue:,}"),
            ("catch-up sweep (rolled back)", f"{catch_up_seconds:.1f} s: {catch_up}")]
    steady = []
    if not args.no_commit:
        first_seconds, first = timed_sweep()  # committed: from now on the sweep is in steady state
        rows.append(("first committed sweep", f"{first_seconds:.1f} s: {first}"))
        connection.cursor().execute("ANALYZE cases_supervision")
        for _ in range(args.repeat):
            seconds, counts = timed_sweep()
            steady.append(seconds)
        rows.append((f"steady-state sweep (median of {args.repeat})",
                     f"{sorted(steady)[len(steady) // 2]:.2f} s (max {max(steady):.2f} s)"))
    figures = {
        "machine": machine, "sizes": bench.sizes(), "open_cases": open_cases, "overdue": overdue,
        "supervisions_before": existing, "catch_up_seconds": round(catch_up_seconds, 2), "catch_up_counts": catch_up,
        "steady_seconds_median": round(sorted(steady)[len(steady) // 2], 2) if steady else None,
        "steady_seconds_max": round(max(steady), 2) if steady else None,
        "target": {"seconds": 30, "open_cases": 1_000_000},
    }
    bench.emit("sla_sweep", figures, rows)


if __name__ == "__main__":
    main()
