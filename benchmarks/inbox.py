"""Benchmark: a staff inbox — the page (`/cases/?box=…`) and its API (`/api/cases/?box=…`) — for a
grid worker, a community's staff and a street's staff, on a database built by `gongzhi gen-bench`.

    .venv/bin/python benchmarks/inbox.py [--database-url URL] [--repeat 40]

For each user (the staff of the busiest grid, community and street: most open cases held) and
each of their boxes (triage, to claim, in progress, due soon, overdue), the first page of 50 with
its count is requested in-process through Django's full stack (middleware, auth, scope, template
or schema; DEBUG off, as deployed), `--repeat` times after a warm-up; p50/p95 in milliseconds.
The selector alone (`cases.selectors.inbox`, first page + count) is timed too, so the cost of the
query can be told from the cost of rendering. Prints one JSON line and a table.

Target (issue 7): inbox p95 ≤ 30 ms at 5,000,000 cases, within 1.5× of its figure at 500,000.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def busiest(role: str, depth: int) -> str:
    """Username of the generated staff member bound to the node (at tree depth) holding most open cases."""
    from django.db import connection

    from gongzhi.accounts.models import User

    step = 4
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT substr(area_path, 1, %s) p, count(*) FROM cases_case WHERE state IN "
            "('submitted','accepted','dispatched','in_progress','reopened') AND length(area_path) >= %s "
            "GROUP BY p ORDER BY 2 DESC LIMIT 1",
            [depth * step, depth * step],
        )
        path = cursor.fetchone()[0]
    return User.objects.filter(role=role, area_bindings__node__path=path).order_by("pk").values_list(
        "username", flat=True).first()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.cases import selectors

    call_command("collectstatic", interactive=False, verbosity=0)
    machine = bench.machine()
    users = {"grid worker": busiest("grid_worker", 4), "community": busiest("community_staff", 3),
             "street": busiest("street_staff", 2)}
    rows, results = [], {}
    worst = {"page": 0.0, "api": 0.0, "selector": 0.0}
    for label, username in users.items():
        user = User.objects.get(username=username)
        token = bench.token_for(username, "inbox-benchmark")
        page_client = Client(HTTP_HOST="127.0.0.1")
        page_client.force_login(user)
        api_client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
        for box in [b for b in selectors.boxes_for(user) if b not in ("whistle", "verify")]:
            def page(box=box, page_client=page_client):
                response = page_client.get("/cases/", {"box": box})
                assert response.status_code == 200, response.status_code

            def api(box=box, api_client=api_client):
                response = api_client.get("/api/cases/", {"box": box, "page_size": 50})
                assert response.status_code == 200, response.status_code

            def selector(box=box, user=user):
                qs = selectors.inbox(user=user, box=box, now=timezone.now())
                list(qs[:50])
                return qs.count()

            count = selector()
            r = {"count": count, "page": bench.timings(page, repeat=args.repeat),
                 "api": bench.timings(api, repeat=args.repeat), "selector": bench.timings(selector, repeat=args.repeat)}
            results[f"{label}/{box}"] = r
            for kind in worst:
                worst[kind] = max(worst[kind], r[kind]["p95_ms"])
            rows.append((label, username, box, f"{count:,}", f"{r['page']['p50_ms']} / {r['page']['p95_ms']}",
                         f"{r['api']['p50_ms']} / {r['api']['p95_ms']}",
                         f"{r['selector']['p50_ms']} / {r['selector']['p95_ms']}"))
    figures = {"machine": machine, "sizes": bench.sizes(), "users": users, "repeat": args.repeat,
               "worst_p95_ms": worst, "boxes": results, "target": {"p95_ms": 30}}
    bench.emit("inbox", figures, rows, headers=("user", "username", "box", "cases in box", "page p50/p95 ms",
                                                "API p50/p95 ms", "selector p50/p95 ms"))
    print(f"worst p95: page {worst['page']} ms, API {worst['api']} ms, selector {worst['selector']} ms "
          f"(target ≤ 30 ms); {bench.machine_line(machine)}")


if __name__ == "__main__":
    main()
