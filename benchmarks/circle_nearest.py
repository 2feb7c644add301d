"""Benchmark: the nearest help within a 10-minute walk for a household, against a district's service
points and providers (2,000 points, 10,000 providers by default) — the selector the "near me" page
and `GET /api/circle/nearest` call (grid cells indexed, exact haversine on the candidates, open-now
first, each result's services attached). Target: ≤ 50 ms p95, without a spatial database.

    .venv/bin/python benchmarks/circle_nearest.py --database-url postgres://…/gz_bench_circle
        [--points 2000] [--providers 10000] [--households 500] [--km 12]

Run on a migrated database: the script writes its own district (one community, one building of
households per 200 m block across a --km × --km square), the points and providers scattered at
random over it with one to three services each (bulk), then asks for the nearest locksmith (and, every
other time, for anything) from --households random households as the district's staff, and prints
p50/p95 in milliseconds. When a city outgrows the grid index, the path is PostGIS: a geography
column with a GiST index and ST_DWithin in place of the cell ranges (selectors/nearest.py).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402

CENTRE = (36.06, 103.78)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--providers", type=int, default=10000)
    parser.add_argument("--households", type=int, default=500)
    parser.add_argument("--km", type=float, default=12.0, help="the district is a square this many km wide")
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import transaction

    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.models import AreaKind
    from gongzhi.areas.tests.factories import child, district
    from gongzhi.circle import menu_data
    from gongzhi.circle.models import (
        Offering,
        PointKind,
        Provider,
        ProviderKind,
        Service,
        ServicePoint,
        cell_of,
    )
    from gongzhi.circle.selectors.nearest import nearest, origin_of

    rng = random.Random(args.seed)
    stamp = f"{int(time.time()) % 100000}"
    half = args.km * 1000 / 2

    def spot() -> tuple[Decimal, Decimal]:
        north, east = rng.uniform(-half, half), rng.uniform(-half, half)
        lat = CENTRE[0] + north / 111_320
        lng = CENTRE[1] + east / (111_320 * math.cos(math.radians(CENTRE[0])))
        return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")

    started = time.perf_counter()
    with transaction.atomic():
        menu_data.load()
        services = list(Service.objects.all())
        locksmith = Service.objects.get(code="locksmith")
        d = district(code=f"9{stamp:0>5}"[:6], name=f"基准区{stamp}")
        street = child(d, name="基准街道")
        community = child(street, name="基准社区")
        grid = child(community, name="基准网格")
        households = []
        for b in range(max(1, args.households // 10)):
            building = child(grid, kind=AreaKind.BUILDING, name=f"{b + 1}号楼")
            building.latitude, building.longitude = spot()
            building.save(update_fields=["latitude", "longitude"])
            for h in range(10):
                households.append(child(building, kind=AreaKind.HOUSEHOLD, name=f"{h + 1:02d}室"))
        staff = user("district_admin", nodes=[d], username=f"bench_circle_{stamp}")
        kinds = list(PointKind.values)
        points = []
        for i in range(args.points):
            lat, lng = spot()
            cx, cy = cell_of(lat, lng)
            points.append(ServicePoint(name=f"服务点{i}", kind=kinds[i % len(kinds)], level="community", area=community,
                                       latitude=lat, longitude=lng, cell_x=cx, cell_y=cy,
                                       hours=[{"days": [0, 1, 2, 3, 4], "opens": "08:30", "closes": "17:30"}]))
        ServicePoint.objects.bulk_create(points, batch_size=2000)
        providers = []
        for i in range(args.providers):
            lat, lng = spot()
            cx, cy = cell_of(lat, lng)
            providers.append(Provider(name=f"商户{i}", kind=ProviderKind.BUSINESS, area=community, latitude=lat,
                                      longitude=lng, cell_x=cx, cell_y=cy, service_radius_m=rng.choice([800, 1500, 3000]),
                                      hours=[{"days": [0, 1, 2, 3, 4, 5, 6], "opens": "07:00", "closes": "21:00"}]))
        Provider.objects.bulk_create(providers, batch_size=2000)
        offerings = []
        for p in ServicePoint.objects.filter(area=community):
            offerings += [Offering(point=p, service=s) for s in rng.sample(services, rng.randint(1, 3))]
        for p in Provider.objects.filter(area=community):
            offerings += [Offering(provider=p, service=s, price=Decimal("50")) for s in rng.sample(services, rng.randint(1, 3))]
        Offering.objects.bulk_create(offerings, batch_size=5000)
    built = time.perf_counter() - started

    samples, found_counts = [], []
    asked = rng.sample(households, min(len(households), args.households))
    for i, household in enumerate(asked):
        begun = time.perf_counter()
        lat, lng, _node = origin_of(user=staff, node_id=household.pk)
        found = nearest(user=staff, latitude=lat, longitude=lng, service=locksmith if i % 2 == 0 else None)
        samples.append((time.perf_counter() - begun) * 1000)
        found_counts.append(len(found))
    p50, p95 = round(bench.percentile(samples, 0.5), 2), round(bench.percentile(samples, 0.95), 2)
    machine = bench.machine()
    figures = {"machine": machine, "points": args.points, "providers": args.providers, "asked": len(asked),
               "built_s": round(built, 1), "p50_ms": p50, "p95_ms": p95, "max_ms": round(max(samples), 2),
               "average_found": round(sum(found_counts) / len(found_counts), 1), "target_p95_ms": 50,
               "met": p95 <= 50}
    rows = [
        ("machine", bench.machine_line(machine)),
        ("places", f"{args.points:,} points, {args.providers:,} providers over {args.km:g} km × {args.km:g} km"),
        ("households asked", f"{len(asked)} (locksmith, then anything, in turn)"),
        ("found on average", figures["average_found"]),
        ("nearest p50 / p95 / max", f"{p50} / {p95} / {figures['max_ms']} ms"),
        ("target", f"p95 ≤ 50 ms — {'met' if figures['met'] else 'missed'}"),
    ]
    bench.emit("circle_nearest", figures, rows)


if __name__ == "__main__":
    main()
