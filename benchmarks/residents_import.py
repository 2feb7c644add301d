"""Benchmark: import 100,000 residents from one .xlsx through the real import service (reading,
validation of every row, address resolution, encryption and keyed hashes, bulk insert) into a fresh
database.

    .venv/bin/python benchmarks/residents_import.py            # SQLite (a temporary file, WAL)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gongzhi .venv/bin/python benchmarks/residents_import.py
    .venv/bin/python benchmarks/residents_import.py --rows 10000 --reimport

PostgreSQL runs in a throwaway database (`test_<name>`, created and dropped by Django's test-database
machinery). The area tree (one household per 2.5 rows, see --per-room) is built before the clock
starts; the clock covers `residents_import` only. Prints one JSON line, then a readable line.
Aim: 100,000 rows in under 60 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    os.environ["GONGZHI_TESTING"] = "1"  # development keys, no DEBUG requirements
    os.environ.setdefault("GONGZHI_VAR_DIR", str(tmp))
    os.environ["TEST_SQLITE_NAME"] = str(tmp / "bench.sqlite3")
    import django

    django.setup()


def _build_tree(*, households: int, rooms_per_unit: int = 20, units_per_building: int = 4, buildings_per_grid: int = 25):
    from gongzhi.areas import services
    from gongzhi.areas.models import AreaKind
    from gongzhi.core.actors import SystemActor

    actor = SystemActor(label="benchmark")
    district = services.area_node_create(actor=actor, parent=None, kind=AreaKind.DISTRICT, code="620103", name="七里河区")
    street = services.area_node_create(actor=actor, parent=district, kind=AreaKind.STREET, code="620103001", name="西站街道")
    community = services.area_node_create(
        actor=actor, parent=street, kind=AreaKind.COMMUNITY, code="620103001001", name="瓜州路社区"
    )
    per_grid = rooms_per_unit * units_per_building * buildings_per_grid
    grid_count = max(1, -(-households // per_grid))
    grids = services.area_children_bulk_create(
        actor=actor, parent=community,
        children=[{"kind": AreaKind.GRID, "code": f"{community.code}{g + 1:03d}", "name": f"第{g + 1}网格"} for g in range(grid_count)],
    )
    rooms: list[tuple[str, str, str]] = []  # (building code, unit name, room name)
    left = households
    for grid in grids:
        buildings = services.area_children_bulk_create(
            actor=actor, parent=grid,
            children=[{"kind": AreaKind.BUILDING, "code": f"{grid.code}{b + 1:03d}", "name": f"{b + 1}号楼"}
                      for b in range(buildings_per_grid)],
        )
        for building in buildings:
            units = services.area_children_bulk_create(
                actor=actor, parent=building,
                children=[{"kind": AreaKind.UNIT, "code": f"{building.code}{u + 1:02d}", "name": f"{u + 1}单元"}
                          for u in range(units_per_building)],
            )
            for unit in units:
                if left <= 0:
                    break
                count = min(rooms_per_unit, left)
                flats = [(f // 2 + 1) * 100 + f % 2 + 1 for f in range(count)]
                services.area_children_bulk_create(
                    actor=actor, parent=unit,
                    children=[{"kind": AreaKind.HOUSEHOLD, "code": f"{unit.code}{r:04d}", "name": f"{r}室"} for r in flats],
                )
                rooms += [(building.code, unit.name, str(r)) for r in flats]
                left -= count
    return district, rooms


def _rows(count: int, rooms: list[tuple[str, str, str]], seed: int = 2026) -> list[dict]:
    from gongzhi.residents import sample

    rng = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志新海波宁晨浩然子轩梓涵一诺欣怡雨桐"
    tag_labels = ["低保", "独居老人", "空巢老人", "残疾", "退役军人", "重点关注"]
    ids = sample.unique_ids(rng, count, max_age=90)
    rows = []
    last_room = -1
    for i, (number, _born, _male) in enumerate(ids):
        room_index = i * len(rooms) // count
        building, unit, room = rooms[room_index]
        head, last_room = room_index != last_room, room_index
        rows.append({
            "name": rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else ""),
            "id_number": number,
            "phone": sample.mobile(rng) if rng.random() < 0.8 else "",
            "residence_type": rng.choice(["户籍", "户籍", "户籍", "常住", "流动"]),
            "relation": "户主" if head else rng.choice(["配偶", "子女", "子女", "父母", "孙子女"]),
            "building": building,
            "unit": unit,
            "room": room,
            "occupation": rng.choice(["教师", "退休", "个体经营", "公司职员", ""]),
            "employer": "",
            "party": "是" if rng.random() < 0.07 else "否",
            "tags": rng.choice(tag_labels) if rng.random() < 0.04 else "",
            "moved_in_on": f"20{rng.randint(0, 24):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        })
    return rows


def _profiler(enabled: bool):
    if not enabled:
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _report_profile(profiler) -> None:
    if profiler is None:
        return
    import pstats

    profiler.disable()
    pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--per-room", type=float, default=2.5, help="people per household (sets the tree size)")
    parser.add_argument("--reimport", action="store_true", help="also time importing the same file again (updates)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL test database")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the timed import to stderr")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gongzhi-bench-") as tmpdir:
        tmp = Path(tmpdir)
        _setup_django(tmp)
        from django.db import connection
        from django.test.utils import setup_test_environment

        from gongzhi.accounts import services as account_services
        from gongzhi.core.actors import SystemActor
        from gongzhi.core.context import action_context
        from gongzhi.residents import sample, services
        from gongzhi.residents.models import Person

        setup_test_environment()
        t0 = time.perf_counter()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
        try:
            district, rooms = _build_tree(households=int(args.rows / args.per_room))
            admin = account_services.user_create(
                actor=SystemActor(label="benchmark"), username="bench", password="x", role="district_admin",
                nodes=[district], check_password_strength=False,
            )
            rows = _rows(args.rows, rooms)
            path = tmp / "residents.xlsx"
            sample.write_xlsx(rows, target=path)
            setup_seconds = time.perf_counter() - t0
            size_mb = path.stat().st_size / 1e6

            with action_context(source="command:benchmark"), open(path, "rb") as handle:
                profiler = _profiler(args.profile)
                started = time.perf_counter()
                result = services.residents_import(actor=admin, file=handle, file_name=path.name)
                seconds = time.perf_counter() - started
                _report_profile(profiler)
            assert result.ok, result.errors[:5]
            assert Person.objects.count() == args.rows
            report = {
                "benchmark": "residents_import",
                "rows": args.rows,
                "seconds": round(seconds, 2),
                "rows_per_second": round(args.rows / seconds),
                "database": connection.vendor,
                "cores": os.cpu_count(),
                "households": len(rooms),
                "file_mb": round(size_mb, 1),
                "setup_seconds": round(setup_seconds, 1),
                "phases": result.phases,
            }
            if args.reimport:
                with action_context(source="command:benchmark"), open(path, "rb") as handle:
                    profiler = _profiler(args.profile)
                    started = time.perf_counter()
                    again = services.residents_import(actor=admin, file=handle, file_name=path.name)
                    report["reimport_seconds"] = round(time.perf_counter() - started, 2)
                    _report_profile(profiler)
                assert again.ok and again.updated == args.rows and Person.objects.count() == args.rows
            print(json.dumps(report))
            extra = f", re-import (updates) {report['reimport_seconds']:.1f} s" if args.reimport else ""
            print(
                f"Imported {args.rows:,} residents into {len(rooms):,} households on {connection.vendor} in "
                f"{seconds:.1f} s ({report['rows_per_second']:,} rows/s, {os.cpu_count()} cores){extra}; "
                f"aim: under 60 s."
            )
        finally:
            if not args.keep:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
