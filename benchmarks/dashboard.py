"""Benchmark: the leaders' dashboard of the district and of every street, for last month, on a
database built by `gongzhi gen-bench` (roll-ups built by the generator, or `gongzhi rollups --rebuild`).

    .venv/bin/python benchmarks/dashboard.py [--database-url URL] [--repeat 20] [--month 2026-11]

For each node: the server time of the page (GET through Django's test client, in-process: the view,
every query and the template), of the API (`/api/dashboard/nodes/{id}`) and of the selector alone,
p50/p95 in milliseconds over `--repeat` runs after a warm-up, as the district administrator. Prints
one JSON line and a table.

Target (issue 18): the district's and any street's dashboard ≤ 300 ms p95 server time, flat
(≤ 1.5×) from 500,000 to 5,000,000 cases.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--month", default=None, help="YYYY-MM (default: last month)")
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from gongzhi.accounts.models import User
    from gongzhi.areas.models import AreaNode
    from gongzhi.dashboard import selectors
    from gongzhi.dashboard.periods import last_month, parse_month

    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    machine = bench.machine()
    admin = User.objects.filter(role="district_admin", username="bench_admin").first()
    if admin is None:
        raise SystemExit("No generated district here: run `gongzhi gen-bench` first.")
    month = parse_month(args.month) if args.month else last_month()
    # The page as the administrator sees it after the second factor (its check is one middleware
    # step; the benchmark signs in with the session alone).
    settings.ACCOUNTS_2FA_REQUIRED_ROLES = []
    settings.ACCOUNTS_2FA_SUPERUSERS = False
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    district = AreaNode.objects.get(kind="district", code="620103")
    nodes = [district, *AreaNode.objects.filter(kind="street", path__startswith=district.path).order_by("path")]
    rows, results = [], {}
    for node in nodes:
        page_url = reverse("dashboard:node", args=[node.pk]) + f"?month={month.key}"
        api_url = f"/api/dashboard/nodes/{node.pk}?month={month.key}"
        assert client.get(page_url).status_code == 200
        page = bench.timings(lambda url=page_url: client.get(url), repeat=args.repeat)
        api = bench.timings(lambda url=api_url: client.get(url), repeat=args.repeat)
        selector = bench.timings(lambda node=node: selectors.overview(user=admin, node=node, month=month),
                                 repeat=args.repeat)
        cases = selectors.overview(user=admin, node=node, month=month).headline["counts"]["cases"]
        label = f"{node.kind} {node.name}"
        results[label] = {"page": page, "api": api, "selector": selector, "cases_in_month": cases}
        rows.append((label, cases, page["p50_ms"], page["p95_ms"], api["p95_ms"], selector["p95_ms"]))
    worst = max(r["page"]["p95_ms"] for r in results.values())
    bench.emit("dashboard", {"machine": machine, "sizes": bench.sizes(), "month": month.key,
                             "worst_page_p95_ms": worst, "results": results},
               rows, headers=("node", "cases in month", "page p50 ms", "page p95 ms", "API p95 ms", "selector p95 ms"))
    print(f"worst page p95: {worst} ms (target ≤ 300 ms) — {bench.machine_line(machine)}")


if __name__ == "__main__":
    main()
