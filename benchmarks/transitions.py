"""Benchmark: the dispatch → claim → resolve transitions through the HTTP API at concurrency 16.

    .venv/bin/python benchmarks/transitions.py [--database-url URL] [--cases 1500] [--seconds 60]
        [--concurrency 16] [--workers 5] [--grids 8]

Prepares its own small database (default postgres://postgres@127.0.0.1:5432/gongzhi_bench_transitions:
created if missing and migrated, which seeds the catalogue): one district → street → community with
--grids grids (a building each), the community's staff and two grid workers per grid, all made
through the services; then files and accepts (`cases.services`) as many hotline cases of a
grid-level matter as are missing to have --cases accepted ones waiting (plus a few for the warm-up).
Each run uses up the accepted cases it finds and tops them up next time.

Starts the app server as the README deploys it (`gongzhi serve --workers N`: gunicorn, DEBUG off,
127.0.0.1 only), then --concurrency threads each take accepted cases one after the other and run
the chain with signed-in sessions and their CSRF tokens (see bench.session_headers):

    POST /api/cases/{id}/dispatch  {"node_id": <the case's grid>}   community staff
    POST /api/cases/{id}/claim                                      a grid worker of that grid
    POST /api/cases/{id}/resolve   {"result": "solved", …}          the same grid worker

Every request is a locked state change with its event, its audit record and (for dispatch and
resolve) a notification after commit. The load stops after --cases chains or --seconds, whichever
comes first. Prints one JSON line (transitions/s, p50/p95/p99 per action and per chain, machine,
N) and a table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gongzhi_bench_transitions"
MATTER = "shared-bikes"  # handled at the grid (catalogue), no verification required
DISTRICT_CODE = "629901"
ACTIONS = ("dispatch", "claim", "resolve")


def ensure_database(url: str) -> None:
    """Create the database if it is missing (it is migrated after Django is set up)."""
    import psycopg

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_world(grids: int) -> dict:
    """The small district of this benchmark (idempotent): nodes and users, through the services."""
    from gongzhi.accounts import services as accounts
    from gongzhi.accounts.models import User
    from gongzhi.areas import services as areas
    from gongzhi.areas.models import AreaKind, AreaNode
    from gongzhi.core.actors import SystemActor

    actor = SystemActor(label="command:benchmark")

    def node(parent, kind, code, name):
        found = AreaNode.objects.filter(code=code).first()
        return found or areas.area_node_create(actor=actor, parent=parent, kind=kind, code=code, name=name)

    def account(username, role, nodes):
        found = User.objects.filter(username=username).first()
        return found or accounts.user_create(actor=actor, username=username, password="bench-only-Pass-9071",
                                             role=role, nodes=nodes, check_password_strength=False)

    district = node(None, AreaKind.DISTRICT, DISTRICT_CODE, "基准区")
    street = node(district, AreaKind.STREET, DISTRICT_CODE + "001", "基准街道")
    community = node(street, AreaKind.COMMUNITY, street.code + "001", "基准社区")
    staff = [account(f"bench_tr_community_{i}", "community_staff", [community]) for i in range(2)]
    cells = []
    for g in range(1, grids + 1):
        grid = node(community, AreaKind.GRID, f"{community.code}{g:03d}", f"第{g}网格")
        building = node(grid, AreaKind.BUILDING, f"{grid.code}001", f"{g}号楼")
        workers = [account(f"bench_tr_grid_{g}_{i}", "grid_worker", [grid]) for i in range(2)]
        cells.append({"grid": grid, "building": building, "workers": workers})
    return {"community": community, "staff": staff, "cells": cells}


def ensure_cases(world: dict, wanted: int, out) -> list[tuple[int, int]]:
    """At least `wanted` accepted cases in the community, filed and accepted through the services;
    returns (case id, grid index) pairs, spread over the grids."""
    from django.db import transaction

    from gongzhi.cases import services
    from gongzhi.cases.models import Case, Category, Channel, State

    community = world["community"]
    building_to_cell = {c["building"].pk: i for i, c in enumerate(world["cells"])}
    accepted = Case.objects.filter(state=State.ACCEPTED, area_path__startswith=community.path)
    missing = wanted - accepted.count()
    if missing > 0:
        out(f"filing and accepting {missing:,} cases through cases.services …")
        category = Category.objects.get(code=MATTER)
        staff = world["staff"][0]
        started = time.perf_counter()
        for i in range(missing):
            cell = world["cells"][i % len(world["cells"])]
            with transaction.atomic():
                case = services.case_submit(
                    actor=staff, channel=Channel.HOTLINE, category=category, title=f"{category.name}（基准 {i}）",
                    description="楼下共享单车堆满了，老人出入不便。", location=cell["building"],
                    caller_name="张先生", caller_phone=f"139{i:08d}",
                )
                services.case_accept(actor=staff, case=case)
        out(f"  … {missing:,} in {time.perf_counter() - started:.1f} s")
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")
    rows = accepted.order_by("pk").values_list("pk", "location_id")[:wanted]
    return [(pk, building_to_cell[location]) for pk, location in rows if location in building_to_cell]


def _post(conn_holder: dict, port: int, path: str, headers: dict, body: dict | None) -> tuple[int, bytes]:
    """POST on this thread's keep-alive connection (reconnecting when the server closed it)."""
    data = json.dumps(body or {}, ensure_ascii=False).encode()
    for attempt in (1, 2):
        conn = conn_holder.get("conn")
        if conn is None:
            conn = conn_holder["conn"] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", path, body=data, headers={**headers, "Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn_holder.pop("conn", None)
            return response.status, payload
        except (http.client.HTTPException, ConnectionError):
            conn.close()
            conn_holder.pop("conn", None)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1500, help="chains to run (N)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (README: --workers 5)")
    parser.add_argument("--grids", type=int, default=8)
    args = parser.parse_args()

    def out(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if not args.database_url.startswith("postgres"):
        raise SystemExit("This benchmark runs on PostgreSQL: give a postgres:// --database-url.")
    ensure_database(args.database_url)
    bench.setup(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    world = ensure_world(args.grids)
    warmup = args.workers * 4
    pool = ensure_cases(world, args.cases + warmup, out)
    staff_headers = [bench.session_headers(u) for u in world["staff"]]
    worker_headers = [[bench.session_headers(u) for u in cell["workers"]] for cell in world["cells"]]
    grid_ids = [cell["grid"].pk for cell in world["cells"]]
    machine = bench.machine()

    warm_cases, queue = pool[:warmup], deque(pool[warmup:warmup + args.cases])
    lock = threading.Lock()
    per_action: dict[str, list[float]] = {a: [] for a in ACTIONS}
    chains: list[float] = []
    failures: dict[str, int] = dict.fromkeys(ACTIONS, 0)
    errors: list[str] = []
    completed = [0]

    def chain(index: int, conn: dict, port: int, case_id: int, cell: int, timed: bool) -> bool:
        staff = staff_headers[index % len(staff_headers)]
        worker = worker_headers[cell][index % 2]
        steps = (
            ("dispatch", staff, {"node_id": grid_ids[cell], "note": "派至网格"}),
            ("claim", worker, None),
            ("resolve", worker, {"result": "solved", "feedback": "已联系运维公司清理，单车已规整。"}),
        )
        chain_started = time.perf_counter()
        for action, headers, body in steps:
            started = time.perf_counter()
            status, payload = _post(conn, port, f"/api/cases/{case_id}/{action}", headers, body)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                with lock:
                    failures[action] += 1
                    if len(errors) < 5:
                        errors.append(f"{action} {case_id}: {status} {payload[:200]!r}")
                return False
            if timed:
                with lock:
                    per_action[action].append(elapsed)
        if timed:
            with lock:
                chains.append((time.perf_counter() - chain_started) * 1000)
                completed[0] += 1
        return True

    port = bench.free_port()
    stop_at = [0.0]
    with bench.Server(port=port, workers=args.workers, database_url=args.database_url) as server:
        # Warm up every worker (imports, connections, caches) outside the clock.
        warm_conn: dict = {}
        for case_id, cell in warm_cases:
            chain(0, warm_conn, port, case_id, cell, timed=False)

        def worker(index: int) -> None:
            conn: dict = {}
            while True:
                with lock:
                    if not queue or time.perf_counter() >= stop_at[0]:
                        break
                    case_id, cell = queue.popleft()
                chain(index, conn, port, case_id, cell, timed=True)
            if conn.get("conn"):
                conn["conn"].close()

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.concurrency)]
        started = time.perf_counter()
        stop_at[0] = started + args.seconds
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 120)
        wall = time.perf_counter() - started
        server_log = server.log_path

    load_end = round(os.getloadavg()[0], 2)
    transitions = sum(len(v) for v in per_action.values())
    stats = {a: bench.summary_stats(per_action[a]) for a in ACTIONS}
    chain_stats = bench.summary_stats(chains)
    figures = {
        "machine": machine, "load_1m_end": load_end, "sizes": bench.sizes(), "concurrency": args.concurrency, "workers": args.workers,
        "n_cases": args.cases, "chains_completed": completed[0], "failed": failures, "seconds": round(wall, 2),
        "transitions": transitions, "transitions_per_second": round(transitions / wall, 1),
        "chains_per_second": round(completed[0] / wall, 1), "actions": stats, "chain": chain_stats,
        "errors": errors,
    }
    rows = [
        ("machine", bench.machine_line(machine)),
        ("load (1 min) at start / end", f"{machine['load_1m']} / {load_end}"),
        ("cases in the database", f"{figures['sizes']['cases']:,}"),
        ("concurrency / gunicorn workers", f"{args.concurrency} / {args.workers}"),
        ("chains done / asked (N)", f"{completed[0]:,} / {args.cases:,} in {wall:.1f} s"),
        ("failed (dispatch/claim/resolve)", " / ".join(str(failures[a]) for a in ACTIONS)),
        ("transitions/s", figures["transitions_per_second"]),
        ("chains/s", figures["chains_per_second"]),
    ]
    for action in ACTIONS:
        s = stats[action]
        rows.append((f"{action} p50 / p95 / p99 ms", f"{s['p50_ms']} / {s['p95_ms']} / {s['p99_ms']}"))
    rows.append(("whole chain p50 / p95 / p99 ms",
                 f"{chain_stats['p50_ms']} / {chain_stats['p95_ms']} / {chain_stats['p99_ms']}"))
    rows.append(("server log", server_log))
    bench.emit("transitions", figures, rows)


if __name__ == "__main__":
    main()
