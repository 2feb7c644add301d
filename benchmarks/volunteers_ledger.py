"""Benchmark: the volunteers' points ledger (issue 16) on a district of 50,000 volunteers and
2,000,000 entries over twelve months: a balance read (the kept balance, one row: O(1), shown by the
same read on a database with a tenth of the data), the monthly publicity of one community and of
the whole district (`gongzhi.points.selectors.month_totals` for the last full month), and
`gongzhi points-check` over every account.

    createdb -h 127.0.0.1 -U postgres gz_bench_data; createdb -h 127.0.0.1 -U postgres gz_bench_data_small
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gz_bench_data gongzhi migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gz_bench_data_small gongzhi migrate
    gongzhi gen-bench-volunteers --database-url postgres://postgres@127.0.0.1:5432/gz_bench_data
    gongzhi gen-bench-volunteers --database-url postgres://postgres@127.0.0.1:5432/gz_bench_data_small \
        --volunteers 5000 --entries 200000
    .venv/bin/python benchmarks/volunteers_ledger.py \
        --database-url postgres://postgres@127.0.0.1:5432/gz_bench_data \
        --small-database-url postgres://postgres@127.0.0.1:5432/gz_bench_data_small [--explain]

On SQLite at a small scale (to see it runs there):

    DATABASE_URL=sqlite:////tmp/gz_vol.sqlite3 gongzhi migrate
    DATABASE_URL=sqlite:////tmp/gz_vol.sqlite3 gongzhi gen-bench-volunteers --volunteers 2000 --entries 50000 \
        --households 2000 --shape 2,8,40
    .venv/bin/python benchmarks/volunteers_ledger.py --database-url sqlite:////tmp/gz_vol.sqlite3

Balance: 1,000 random volunteers, each read once through `selectors.balance` (p50/p95). Monthly
publicity: 20 runs; the community runs go through 20 different communities (a cold one each time);
the district runs read the whole district. `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of the
publicity's queries on PostgreSQL. Prints one JSON line and a table, in milliseconds.

Measured 2026-12-04 (2 cores shared, load 3.7, PostgreSQL 15, shared_buffers 128MB), p50/p95 ms:
balance 7.6/15.6 at 2,000,000 entries and 8.7/17.9 at 200,000 (flat: one row by the unique
(programme, holder_type, holder_id) index); community publicity 88/153; district publicity
4,068/9,318 (misses 3 s: two `pk__in` lists of 36,466 ids) and 1,683/2,035 with the one-query
variant; points-check 14.2 s over 50,000 accounts (15.2 s as `gongzhi points-check`).

Targets: community publicity p95 ≤ 200 ms; district publicity p95 ≤ 3 s; balance read flat in the
size of the ledger.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def balance_reads(count: int, seed: int) -> dict:
    """p50/p95 of `selectors.balance` for `count` random volunteers (each read once)."""
    from gongzhi.points import selectors
    from gongzhi.points.models import Entry
    from gongzhi.volunteers.models import Volunteer

    ids = list(Volunteer.objects.values_list("pk", flat=True))
    picked = random.Random(seed).sample(ids, min(count, len(ids)))
    holders = iter([Volunteer(pk=pk) for pk in picked] * 2)
    result = bench.timings(lambda: selectors.balance(programme="volunteers", holder=next(holders)),
                           repeat=len(picked) - 2, warmup=2)
    return {**result, "volunteers": len(ids), "entries": Entry.objects.count()}


def explain(queries: list[tuple[str, tuple]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] if len(row[0]) < 400 else row[0][:400] + " …" for row in cursor.fetchall()))
            print("-" * 60)


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--small-database-url", default=None,
                        help="the same generator at a tenth of the data, for the balance read")
    parser.add_argument("--balances", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--balance-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    bench.setup(args.database_url)
    if args.balance_only:
        print(json.dumps(balance_reads(args.balances, args.seed)))
        return
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gongzhi.areas.models import AreaKind, AreaNode
    from gongzhi.benchdata.generator import DISTRICT_CODE
    from gongzhi.points import selectors
    from gongzhi.points.models import Account, Entry

    district = AreaNode.objects.filter(code=DISTRICT_CODE).first()
    if district is None or not Entry.objects.exists():
        raise SystemExit("No generated ledger here: run `gongzhi gen-bench-volunteers` first.")
    communities = list(AreaNode.objects.filter(kind=AreaKind.COMMUNITY, path__startswith=district.path).order_by("path"))
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # the last full month
    start, end = selectors.month_bounds(month)
    machine = bench.machine()
    sizes = {"communities": len(communities), "accounts": Account.objects.count(), "entries": Entry.objects.count(),
             "month": f"{month:%Y-%m}", "entries_in_month": Entry.objects.filter(created_at__gte=start, created_at__lt=end).count()}

    balance = balance_reads(args.balances, args.seed)
    small = None
    if args.small_database_url:
        done = subprocess.run([sys.executable, __file__, "--database-url", args.small_database_url, "--balance-only",  # noqa: S603
                               "--balances", str(args.balances), "--seed", str(args.seed)],
                              capture_output=True, text=True, check=True)
        small = json.loads(done.stdout.strip().splitlines()[-1])

    rng = random.Random(args.seed)
    picked = rng.sample(communities, min(args.repeat, len(communities)))
    cycle = iter(picked * (args.repeat // len(picked) + 3))
    lines_seen: list[int] = []

    def community_month():
        lines_seen.append(len(selectors.month_totals(programme="volunteers", area=next(cycle), month=month)))

    district_lines: list[int] = []

    def district_month():
        district_lines.append(len(selectors.month_totals(programme="volunteers", area=district, month=month)))

    community = bench.timings(community_month, repeat=args.repeat, warmup=1)
    whole = bench.timings(district_month, repeat=args.repeat, warmup=1)

    started = time.perf_counter()
    call_command("points_check", stdout=open("/dev/null", "w"))  # noqa: SIM115 - raises when any account differs
    check_s = round(time.perf_counter() - started, 1)

    if args.explain and connection.vendor == "postgresql":
        captured: list[tuple[str, tuple]] = []

        def wrapper(execute, sql, params, many, context):
            captured.append((sql, params))
            return execute(sql, params, many, context)

        for area in (picked[0], district):
            captured.clear()
            with connection.execute_wrapper(wrapper):
                selectors.month_totals(programme="volunteers", area=area, month=month)
            print(f"== month_totals({area.name}) ==")
            explain(captured)

    out = {"machine": machine, "sizes": sizes, "balance": balance, "balance_tenth": small,
           "community_month": {**community, "accounts_per_run_mean": round(sum(lines_seen) / max(len(lines_seen), 1))},
           "district_month": {**whole, "accounts": district_lines[-1] if district_lines else 0},
           "points_check_s": check_s,
           "target": {"community_month_p95_ms": 200, "district_month_p95_ms": 3000}}
    rows = [
        (f"balance read, {balance['entries']:,} entries", f"{balance['p50_ms']} / {balance['p95_ms']}", balance["max_ms"]),
    ]
    if small:
        rows.append((f"balance read, {small['entries']:,} entries (a tenth)", f"{small['p50_ms']} / {small['p95_ms']}",
                     small["max_ms"]))
    rows += [
        (f"month publicity, one community ({month:%Y-%m})", f"{community['p50_ms']} / {community['p95_ms']}",
         community["max_ms"]),
        (f"month publicity, whole district ({month:%Y-%m})", f"{whole['p50_ms']} / {whole['p95_ms']}", whole["max_ms"]),
        (f"points-check, {sizes['accounts']:,} accounts", f"{check_s * 1000:.0f}", ""),
    ]
    bench.emit("volunteers_ledger", out, rows, headers=("read", "p50/p95 ms", "max ms"))
    print(f"community publicity p95 {community['p95_ms']} ms (target ≤ 200); district p95 {whole['p95_ms']} ms "
          f"(target ≤ 3000); balance p95 {balance['p95_ms']} ms"
          + (f" vs {small['p95_ms']} ms at a tenth" if small else "")
          + f"; points-check {check_s} s; {bench.machine_line(machine)}")


if __name__ == "__main__":
    main()
