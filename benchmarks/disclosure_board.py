"""Benchmark: the open books (issue 15) on a district of 80 communities with five years of items
(100,000): the due board of the whole district as the district administrator reads it
(`gongzhi.disclosure.board.board`), and the public page of a community without login, through the
selectors (`public_selectors.public_list` + its page count, as the page pages them) and through HTTP
(Django's test client, the full stack, DEBUG off): the list, a search, an item's page, the feed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi_bench_disclosure gongzhi migrate
    gongzhi gen-bench-disclosure --database-url postgres://postgres@127.0.0.1:5432/gongzhi_bench_disclosure
    .venv/bin/python benchmarks/disclosure_board.py \
        --database-url postgres://postgres@127.0.0.1:5432/gongzhi_bench_disclosure [--repeat 60]

Each public read cycles through the communities (a cold community each time, as visitors arrive).
p50/p95 in milliseconds; prints one JSON line and a table.

Targets: district due board p95 ≤ 200 ms; public page of a community p95 ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    if args.repeat < 30:
        raise SystemExit("--repeat must be at least 30")

    bench.setup(args.database_url)
    from django.core.paginator import Paginator
    from django.db import connection
    from django.test import Client

    from gongzhi.accounts.models import User
    from gongzhi.areas.models import AreaNode
    from gongzhi.benchdata.generator import DISTRICT_CODE
    from gongzhi.disclosure import board, public_selectors
    from gongzhi.disclosure.models import Item, ItemState

    admin = User.objects.filter(username="bench_admin").first()
    district = AreaNode.objects.filter(code=DISTRICT_CODE).first()
    if admin is None or district is None or not Item.objects.exists():
        raise SystemExit("No generated items here: run `gongzhi gen-bench-disclosure` first.")
    communities = list(AreaNode.objects.filter(kind="community", path__startswith=district.path).order_by("path"))
    machine = bench.machine()
    sizes = {"communities": len(communities), "items": Item.objects.count(),
             "published": Item.objects.filter(state=ItemState.PUBLISHED).count(),
             "superseded": Item.objects.filter(state=ItemState.SUPERSEDED).count(),
             "open": Item.objects.filter(state__in=(ItemState.PLANNED, ItemState.DRAFT)).count()}

    result = board.board(user=admin, node=district)

    def due_board():
        board.board(user=admin, node=district)

    cycle = itertools.cycle(communities)

    def public_selector():
        community = next(cycle)
        page = Paginator(public_selectors.public_list(community=community), 20).get_page(1)
        list(page.object_list)
        assert page.paginator.count > 0

    client = Client(HTTP_HOST="127.0.0.1")

    def public_http():
        response = client.get(f"/disclosure/public/{next(cycle).code}/")
        assert response.status_code == 200, response.status_code

    def public_search():
        response = client.get(f"/disclosure/public/{next(cycle).code}/", {"q": "电梯", "kind": "affairs"})
        assert response.status_code == 200, response.status_code

    def public_page_3():
        response = client.get(f"/disclosure/public/{next(cycle).code}/", {"page": 3})
        assert response.status_code == 200, response.status_code

    samples = {c.pk: Item.objects.filter(community=c, state=ItemState.PUBLISHED, version=2).values_list("pk", flat=True)
               .first() or Item.objects.filter(community=c, state=ItemState.PUBLISHED).values_list("pk", flat=True).first()
               for c in communities}

    def public_item():
        community = next(cycle)
        response = client.get(f"/disclosure/public/{community.code}/items/{samples[community.pk]}/")
        assert response.status_code == 200, response.status_code

    def public_feed():
        response = client.get(f"/disclosure/public/{next(cycle).code}/feed/")
        assert response.status_code == 200, response.status_code

    def count_queries(fn) -> int:
        seen = []

        def wrapper(execute, sql, params, many, context):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            fn()
        return len(seen)

    page_queries, board_queries = count_queries(public_http), count_queries(due_board)

    t = {
        "due_board": bench.timings(due_board, repeat=args.repeat),
        "public_selector": bench.timings(public_selector, repeat=args.repeat),
        "public_http": bench.timings(public_http, repeat=args.repeat),
        "public_search_http": bench.timings(public_search, repeat=args.repeat),
        "public_page3_http": bench.timings(public_page_3, repeat=args.repeat),
        "public_item_http": bench.timings(public_item, repeat=args.repeat),
        "public_feed_http": bench.timings(public_feed, repeat=args.repeat),
    }
    total = result.total
    out = {"machine": machine, "sizes": sizes, "repeat": args.repeat,
           "board": {"due_soon": total.due_soon, "missing": total.missing, "late": total.late,
                     "on_time": total.on_time, "communities": len(result.communities)},
           "queries": {"public_page": page_queries, "due_board": board_queries},
           **t, "target": {"due_board_p95_ms": 200, "public_page_p95_ms": 50}}
    labels = {
        "due_board": "due board, whole district (selector)",
        "public_selector": "public list page 1 + count (selector)",
        "public_http": "public page of a community (HTTP)",
        "public_search_http": "public page, search + kind (HTTP)",
        "public_page3_http": "public page, page 3 (HTTP)",
        "public_item_http": "an item's page with history (HTTP)",
        "public_feed_http": "Atom feed (HTTP)",
    }
    rows = [(labels[k], f"{v['p50_ms']} / {v['p95_ms']}", f"{v['max_ms']}") for k, v in t.items()]
    bench.emit("disclosure_board", out, rows, headers=("read", "p50/p95 ms", "max ms"))
    print(f"due board p95 {t['due_board']['p95_ms']} ms (target ≤ 200); public page p95 selector "
          f"{t['public_selector']['p95_ms']} ms, HTTP {t['public_http']['p95_ms']} ms (target ≤ 50); "
          f"{bench.machine_line(machine)}")


if __name__ == "__main__":
    main()
