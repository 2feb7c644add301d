"""Benchmark: matching a need against a district's resources — 5,000 resident units reported in to
its communities and 20,000 resources — with `selectors.matching.rank_resources` (the same category
first, then nearness on the area tree and on the map, then the capacity left). Target ≤ 100 ms p95.

    .venv/bin/python benchmarks/cobuilding_matching.py [--database-url postgres://…/gz_bench_cob]
        [--units 5000] [--resources 20000] [--runs 200]

Without --database-url it uses postgres://postgres@127.0.0.1:5432/gz_bench_cob, creating and
migrating it when missing. It writes its own district (streets, communities, grids, buildings),
units, registrations and resources in bulk, then ranks for needs at random buildings and
households of the district. Prints one JSON line and a table.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gz_bench_cob"


def _ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                conn.execute(f'CREATE DATABASE "{name}"')
    except ImportError:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False)


def _tree(streets: int, communities: int, grids: int, buildings: int) -> dict:
    from gongzhi.areas.tests.factories import child, district

    root = district(name="七里河区（基准）")
    out = {"district": root, "communities": [], "buildings": []}
    for s in range(streets):
        street = child(root, name=f"街道{s + 1}")
        for c in range(communities):
            community = child(street, name=f"社区{s + 1}-{c + 1}")
            out["communities"].append(community)
            for g in range(grids):
                grid = child(community, name=f"第{g + 1}网格")
                for b in range(buildings):
                    building = child(grid, name=f"{b + 1}号楼")
                    out["buildings"].append((community, building))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--resources", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    url = args.database_url or DEFAULT_URL
    _ensure_database(url)
    bench.setup(url)
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0, interactive=False)

    from gongzhi.areas.models import Unit
    from gongzhi.cobuilding.models import Category, Need, Resource, ResourceKind, UnitReport
    from gongzhi.cobuilding.selectors.matching import rank_resources

    rng = random.Random(17)
    started = time.perf_counter()
    with transaction.atomic():
        nodes = _tree(streets=4, communities=6, grids=4, buildings=8)
        categories = list(Category.objects.filter(is_active=True))
        if not categories:
            categories = [Category.objects.create(name=f"类别{i}") for i in range(12)]
        places = nodes["buildings"]
        units = []
        for i in range(args.units):
            community, building = places[i % len(places)]
            unit = Unit(name=f"驻区单位{i}", kind="enterprise", area=building, contact_phone="")
            unit.fill_personal_copies()
            units.append(unit)
        units = Unit.objects.bulk_create(units, batch_size=1000)
        reports = []
        for i, unit in enumerate(units):
            community, _building = places[i % len(places)]
            report = UnitReport(unit=unit, community=community, liaison_name=f"联络员{i}",
                                liaison_phone=f"139{i:08d}", commitment="每月提供服务")
            report.fill_personal_copies()
            reports.append(report)
        reports = UnitReport.objects.bulk_create(reports, batch_size=1000)
        kinds = ResourceKind.values
        resources = []
        for i in range(args.resources):
            report = reports[i % len(reports)]
            _community, building = places[(i % len(reports)) % len(places)]
            resources.append(Resource(
                community_id=report.community_id, unit_report=report, kind=kinds[i % len(kinds)],
                category=categories[rng.randrange(len(categories))], title=f"资源{i}", capacity=rng.randint(1, 50),
                used=0, location=building if i % 3 else None, capacity_unit="次",
                latitude=36.05 + rng.random() / 10 if i % 2 else None,
                longitude=103.75 + rng.random() / 10 if i % 2 else None))
        Resource.objects.bulk_create(resources, batch_size=2000)
        needs = []
        for i in range(50):
            community, building = places[rng.randrange(len(places))]
            needs.append(Need(area=building, community_path=community.path, title=f"需求{i}",
                              category=categories[rng.randrange(len(categories))],
                              latitude=36.05 + rng.random() / 10, longitude=103.75 + rng.random() / 10))
        needs = Need.objects.bulk_create(needs)
    generated = time.perf_counter() - started
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cobuilding_resource; ANALYZE areas_areanode;")
    needs = list(Need.objects.filter(pk__in=[n.pk for n in needs]).select_related("area"))
    turn = [0]

    def rank():
        need = needs[turn[0] % len(needs)]
        turn[0] += 1
        found = rank_resources(need=need, limit=args.limit)
        assert found, "no resource matched"

    figures = bench.timings(rank, repeat=args.runs, warmup=5)
    machine = bench.machine()
    bench.emit("cobuilding_matching", {"machine": machine, "units": args.units, "resources": args.resources,
                                       "generated_s": round(generated, 1), **figures}, [
        ("machine", bench.machine_line(machine)),
        ("units / resources", f"{args.units} / {args.resources}"),
        ("runs", figures["runs"]),
        ("p50 / p95 / max ms", f"{figures['p50_ms']} / {figures['p95_ms']} / {figures['max_ms']}"),
        ("target", "p95 ≤ 100 ms"),
    ])


if __name__ == "__main__":
    main()
