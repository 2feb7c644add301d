"""Driver: the same benchmarks at 500,000 and at 5,000,000 cases, and their ratios (cost must stay flat
as history grows: each figure at 5M within 1.5× of its figure at 500k).

    .venv/bin/python benchmarks/scale.py [--generate] [--small-cases 500000] [--large-cases 5000000]
        [--people 650000] [--small-url URL] [--large-url URL] [--skip intake,pgbench]

With --generate, each database (default gongzhi_bench_500k / gongzhi_bench_5m on 127.0.0.1) is
created if missing, migrated and filled by `gongzhi gen-bench` (same seed and end date, so the
district is the same and only the history differs: at --cases-per-year, 500,000 cases are 1.4
years and 5,000,000 are 14 years, so a month or a year holds as many cases in both — the question
is whether older history makes today's work slower); otherwise the databases must exist. Then
runs benchmarks/intake.py, inbox.py, figures.py, sla.py and pgbench_intake.py against each (one
after the other, never at once), reads their JSON lines, and prints one JSON line with both sets
of figures and the ratios, plus a table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from gongzhi.benchdata.env import bench_env  # noqa: E402

BENCHMARKS = {
    "intake": ["intake.py", "--requests", "6000", "--seconds", "45"],
    "inbox": ["inbox.py", "--repeat", "30"],
    "figures": ["figures.py", "--repeat", "15"],
    "sla": ["sla.py", "--repeat", "3"],
    "pgbench": ["pgbench_intake.py", "--seconds", "20"],
}

# (label, benchmark, path into its JSON, lower is better?)
FIGURES = [
    ("intake cases/s", "intake", ("cases_per_second",), False),
    ("intake p99 ms", "intake", ("p99_ms",), True),
    ("inbox page worst p95 ms", "inbox", ("worst_p95_ms", "page"), True),
    ("inbox API worst p95 ms", "inbox", ("worst_p95_ms", "api"), True),
    ("inbox selector worst p95 ms", "inbox", ("worst_p95_ms", "selector"), True),
    ("三率 street-month p95 ms", "figures", ("figures", "street-month", "p95_ms"), True),
    ("三率 district-year p95 ms", "figures", ("figures", "district-year", "p95_ms"), True),
    ("SLA sweep catch-up s", "sla", ("catch_up_seconds",), True),
    ("SLA sweep steady s", "sla", ("steady_seconds_median",), True),
    ("pgbench intake inserts/s", "pgbench", ("intakes_per_second",), False),
]


def _dig(data: dict | None, path: tuple):
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _ensure(url: str, *, cases: int, people: int, seed: int, until: str, years: float) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            print(f"{name}: exists, kept (drop it to generate again)", flush=True)
            return
        conn.execute(f'CREATE DATABASE "{name}"')
    env = bench_env(url)
    cli = [sys.executable, "-m", "gongzhi.cli"]
    subprocess.run([*cli, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    subprocess.run([*cli, "gen-bench", "--people", str(people), "--cases", str(cases), "--seed", str(seed),  # noqa: S603
                    "--until", until, "--years", f"{years:.3f}"], env=env, cwd=ROOT, check=True)


def run(name: str, url: str) -> dict | None:
    command = [sys.executable, str(HERE / BENCHMARKS[name][0]), *BENCHMARKS[name][1:], "--database-url", url]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
    sys.stdout.write(done.stdout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small-url", default="postgres://postgres@127.0.0.1:5432/gongzhi_bench_500k")
    parser.add_argument("--large-url", default="postgres://postgres@127.0.0.1:5432/gongzhi_bench_5m")
    parser.add_argument("--small-cases", type=int, default=500_000)
    parser.add_argument("--large-cases", type=int, default=5_000_000)
    parser.add_argument("--people", type=int, default=650_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--until", default="2026-11-22T00:00:00")
    parser.add_argument("--cases-per-year", type=int, default=360_000,
                        help="the district's yearly volume: history grows in years, not in density "
                             "(500k ≈ 1.4 years, 5M ≈ 14 years of 30,000 requests a month)")
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--skip", default="", help="comma-separated benchmarks to leave out (intake, inbox, …)")
    args = parser.parse_args()

    skip = {s for s in args.skip.split(",") if s}
    sets = {"small": (args.small_url, args.small_cases), "large": (args.large_url, args.large_cases)}
    if args.generate:
        for url, cases in sets.values():
            _ensure(url, cases=cases, people=args.people, seed=args.seed, until=args.until,
                    years=cases / args.cases_per_year)
    results: dict[str, dict] = {}
    for label, (url, _cases) in sets.items():
        results[label] = {name: run(name, url) for name in BENCHMARKS if name not in skip}
    rows, ratios = [], {}
    for label, bench_name, path, _lower in FIGURES:
        small = _dig(results["small"].get(bench_name), path)
        large = _dig(results["large"].get(bench_name), path)
        ratio = round(float(large) / float(small), 2) if small and large is not None else None
        ratios[label] = ratio
        rows.append((label, small, large, ratio))
    print(json.dumps({"benchmark": "scale", "small_cases": args.small_cases, "large_cases": args.large_cases,
                      "ratios": ratios, "results": results}, ensure_ascii=False, default=str))
    widths = [32, 14, 14, 8]
    header = ("figure", f"{args.small_cases:,}", f"{args.large_cases:,}", "ratio")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    print("Aim: each latency at the large size within 1.5× of the small (ratio ≤ 1.5).")


if __name__ == "__main__":
    main()
