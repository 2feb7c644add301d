"""Benchmark: the meetings figures of a district-year (held vs due, missed periods, attendance,
matters, decisions done on time / late / overdue, per level, kind of body, body and street) as the
district administrator reads them, through `meetings.figures.figures` (the selector) and through
the API (`/api/meetings/figures?node_id=&year=`, in-process through Django's full stack, bearer
token, DEBUG off), on a database holding `gongzhi gen-bench-meetings` data.

    gongzhi gen-bench-meetings --database-url postgres://postgres@127.0.0.1:5432/gongzhi_bench_meetings
    .venv/bin/python benchmarks/meetings_figures.py \
        --database-url postgres://postgres@127.0.0.1:5432/gongzhi_bench_meetings [--repeat 40]

(`gen-bench-meetings` adds the meetings to the district `gongzhi gen-bench` made when there is one,
or builds a bare district of the same shape.) Each is run `--repeat` times after a warm-up;
p50/p95 in milliseconds. Prints one JSON line and a table.

Target (issue 13): district-year (9 streets, 80 communities, 650 bodies, 10,000 meetings, 30,000
decisions) p95 ≤ 200 ms.
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
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    if args.repeat < 30:
        raise SystemExit("--repeat must be at least 30")

    bench.setup(args.database_url)
    from django.db import connection
    from django.test import Client

    from gongzhi.accounts.models import User
    from gongzhi.areas.models import AreaNode
    from gongzhi.meetings import figures
    from gongzhi.meetings.models import Body, Decision, Meeting

    admin = User.objects.filter(username="bench_admin").first()
    if admin is None or not Meeting.objects.exists():
        raise SystemExit("No generated meetings here: run `gongzhi gen-bench-meetings` first.")
    district = AreaNode.objects.get(kind="district", code="620103")
    year = Meeting.objects.order_by("-starts_at").values_list("starts_at", flat=True).first().year
    start, end = figures.year_span(year)
    machine = bench.machine()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM areas_areanode WHERE kind = 'street' AND path LIKE %s", [district.path + "%"])
        streets = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM areas_areanode WHERE kind = 'community' AND path LIKE %s",
                       [district.path + "%"])
        communities = cursor.fetchone()[0]
    sizes = {"streets": streets, "communities": communities, "bodies": Body.objects.count(),
             "meetings": Meeting.objects.count(), "decisions": Decision.objects.count(),
             "attendances": Meeting.attendances.rel.related_model.objects.count()}

    result = figures.figures(user=admin, node=district, start=start, end=end)

    def selector():
        figures.figures(user=admin, node=district, start=start, end=end)

    token = bench.token_for("bench_admin", "meetings-figures-benchmark")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")

    def api():
        response = client.get("/api/meetings/figures", {"node_id": district.pk, "year": year})
        assert response.status_code == 200, (response.status_code, response.content[:300])

    api()
    t_selector = bench.timings(selector, repeat=args.repeat)
    t_api = bench.timings(api, repeat=args.repeat)
    t = result.total
    shown = {"held": t.held, "due": t.due, "missed": t.missed, "attendance_rate": str(t.attendance_rate),
             "matters": t.matters, "decisions": t.decisions, "done_on_time": t.done_on_time, "done_late": t.done_late,
             "overdue": t.overdue, "levels": [lv.level for lv in result.levels], "body_rows": len(result.bodies),
             "children": len(result.children)}
    out = {"machine": machine, "sizes": sizes, "year": year, "repeat": args.repeat, "figures": shown,
           "selector": t_selector, "api": t_api, "target": {"district_year_p95_ms": 200}}
    rows = [
        ("selector", f"{district.name} {year}", f"{t.held:,} / {t.due:,}", f"{t.decisions:,}",
         f"{t_selector['p50_ms']} / {t_selector['p95_ms']}"),
        ("API", f"{district.name} {year}", f"{t.held:,} / {t.due:,}", f"{t.decisions:,}",
         f"{t_api['p50_ms']} / {t_api['p95_ms']}"),
    ]
    bench.emit("meetings_figures", out, rows,
               headers=("through", "node and year", "held / due", "decisions", "p50/p95 ms"))
    print(f"district-year p95: selector {t_selector['p95_ms']} ms, API {t_api['p95_ms']} ms (target ≤ 200 ms); "
          f"{bench.machine_line(machine)}")


if __name__ == "__main__":
    main()
