"""Benchmark: a community's public page of resolutions (no login) and a resolution's own public
page, through Django's full stack (in-process client, DEBUG off), on a community holding
`--resolutions` published resolutions (each with 2 owners, 3 milestones, 2 spendings, a progress
report and a rectification). Builds that community itself in the database given, once (a scratch
database: `createdb gz_bench_deliberation`).

    .venv/bin/python benchmarks/deliberation_public.py \
        --database-url postgres://postgres@127.0.0.1:5432/gz_bench_deliberation [--resolutions 600] [--repeat 40]

Each page is fetched `--repeat` times after a warm-up; p50/p95 in milliseconds and the number of
SQL queries per page. Prints one JSON line and a table. Target: p95 ≤ 100 ms, queries independent
of the number of resolutions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402

MARK = "公开页基准"


def build(count: int):
    """The community and its published resolutions (once; found again by the mark in the titles)."""
    from django.utils import timezone

    from gongzhi.areas.models import AreaNode
    from gongzhi.areas.tests.factories import tree
    from gongzhi.core.actors import SystemActor
    from gongzhi.deliberation.models import (
        Milestone,
        Rectification,
        Resolution,
        ResolutionOwner,
        ResolutionUpdate,
        Spending,
        Topic,
        TopicState,
    )
    from gongzhi.deliberation.models import (
        Path as DeliberationPath,
    )
    from gongzhi.deliberation.services import paths

    existing = Topic.objects.filter(title__startswith=MARK).select_related("area").first()
    if existing is not None:
        return existing.area
    nodes = tree()
    paths.default_paths_install(actor=SystemActor(label="command:bench"), district=nodes["district"])
    path = DeliberationPath.objects.get(district=nodes["district"], key="six_step")
    community: AreaNode = nodes["community"]
    now, today = timezone.now(), timezone.localdate()
    topics = Topic.objects.bulk_create([
        Topic(area=community, scope_kind="community", title=f"{MARK}{n:04d} 加装电梯机房空调", description="居民建议。",
              group="livelihood", source="group", path=path, state=TopicState.RESOLVED, step_position=6,
              resolved_at=now) for n in range(count)])
    resolutions = Resolution.objects.bulk_create([
        Resolution(topic=t, text=f"同意{t.title}，由物业公司负责实施，社区监督。", budget_fen=1_280_000, spent_fen=700_000,
                   progress=n % 101, published_at=now) for n, t in enumerate(topics)])
    rows_owner, rows_m, rows_s, rows_u, rows_r = [], [], [], [], []
    for r in resolutions:
        rows_owner += [ResolutionOwner(resolution=r, name="瓜州物业公司"), ResolutionOwner(resolution=r, name="西站街道城管科")]
        rows_m += [Milestone(resolution=r, position=i, title=f"节点{i}", due_on=today + dt.timedelta(days=10 * i - 15),
                             done_on=today if i == 1 else None) for i in (1, 2, 3)]
        rows_s += [Spending(resolution=r, amount_fen=350_000, spent_on=today, purpose=p) for p in ("采购", "安装")]
        rows_u.append(ResolutionUpdate(resolution=r, text="已完成采购。", progress=r.progress))
        rows_r.append(Rectification(resolution=r, problem="外机缺少防护罩", owner_name="瓜州物业公司",
                                    deadline=today + dt.timedelta(days=5)))
    for model, rows in ((ResolutionOwner, rows_owner), (Milestone, rows_m), (Spending, rows_s),
                        (ResolutionUpdate, rows_u), (Rectification, rows_r)):
        model.objects.bulk_create(rows, batch_size=2000)
    return community


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--resolutions", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from gongzhi.deliberation.models import Resolution

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    community = build(args.resolutions)
    machine = bench.machine()
    published = Resolution.objects.filter(topic__area=community, published_at__isnull=False)
    count = published.count()
    last_page = max(1, (count + 9) // 10)
    one = published.order_by("pk").first()
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {
        "community, page 1": f"/deliberation/public/{community.code}/",
        f"community, page {last_page}": f"/deliberation/public/{community.code}/?page={last_page}",
        "one resolution": f"/deliberation/public/resolutions/{one.pk}/",
    }
    rows, results = [], {}
    for label, url in pages.items():
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (response.status_code, url)

        seen: list[str] = []

        def counted(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            get()
        t = bench.timings(get, repeat=args.repeat)
        results[label] = {**t, "queries": len(seen)}
        rows.append((label, len(seen), f"{t['p50_ms']} / {t['p95_ms']}"))
    out = {"machine": machine, "sizes": {"published_resolutions": count}, "repeat": args.repeat, "pages": results,
           "target": {"p95_ms": 100}}
    bench.emit("deliberation_public", out, rows, headers=("page", "queries", "p50/p95 ms"))
    print(f"{count:,} published resolutions in {community.name}; {bench.machine_line(machine)}")


if __name__ == "__main__":
    main()
