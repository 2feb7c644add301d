"""Benchmark: 三率 (response, resolution, satisfaction, composite) and the closed-at-level shares
through `cases.selectors.figures`, for a street and the last full month, and for the district
and the last 365 days, on a database built by `gongzhi gen-bench`.

    .venv/bin/python benchmarks/figures.py [--database-url URL] [--repeat 20]

Each figure is computed `--repeat` times after a warm-up (the district administrator asks; the
busiest street is taken); p50/p95 in milliseconds. Prints one JSON line and a table.

Target (issue 7): district-year p95 ≤ 200 ms at 5,000,000 cases, within 1.5× of 500,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import connection
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.areas.models import AreaNode
    from gongzhi.cases import selectors

    machine = bench.machine()
    admin = User.objects.filter(role="district_admin", username="bench_admin").first()
    if admin is None:
        raise SystemExit("No generated district here: run `gongzhi gen-bench` first.")
    district = AreaNode.objects.get(kind="district", code="620103")
    with connection.cursor() as cursor:
        cursor.execute("SELECT substr(location_path, 1, 8) p FROM cases_case GROUP BY p ORDER BY count(*) DESC LIMIT 1")
        street = AreaNode.objects.get(path=cursor.fetchone()[0])
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    month_end = today.replace(day=1)
    month_start = (month_end - dt.timedelta(days=1)).replace(day=1)
    cases = {
        "street-month": (street, dt.datetime.combine(month_start, dt.time.min, tzinfo=tz),
                         dt.datetime.combine(month_end, dt.time.min, tzinfo=tz)),
        "district-year": (district, dt.datetime.combine(today - dt.timedelta(days=365), dt.time.min, tzinfo=tz),
                          dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)),
    }
    rows, results = [], {}
    for label, (node, start, end) in cases.items():
        data = selectors.figures(user=admin, node=node, start=start, end=end)
        t = bench.timings(lambda node=node, start=start, end=end: selectors.figures(
            user=admin, node=node, start=start, end=end), repeat=args.repeat)
        levels = {k: str(v["share"]) for k, v in data["closed_by_level"].items()}
        results[label] = {"node": node.code, "start": start.date(), "end": end.date(), "cases": data["counts"]["cases"],
                          "response_rate": data["response_rate"], "resolution_rate": data["resolution_rate"],
                          "satisfaction_rate": data["satisfaction_rate"], "composite": data["composite"],
                          "level_shares": levels, **t}
        rows.append((label, f"{node.name} {start:%Y-%m-%d}–{end:%Y-%m-%d}", f"{data['counts']['cases']:,}",
                     f"{data['response_rate']} / {data['resolution_rate']} / {data['satisfaction_rate']}",
                     f"{t['p50_ms']} / {t['p95_ms']}"))
    figures = {"machine": machine, "sizes": bench.sizes(), "repeat": args.repeat, "figures": results,
               "target": {"district_year_p95_ms": 200}}
    bench.emit("figures", figures, rows,
               headers=("figure", "node and period", "cases", "response / resolution / satisfaction", "p50/p95 ms"))
    print(bench.machine_line(machine))


if __name__ == "__main__":
    main()
