"""Benchmark: intake through the HTTP API at concurrency 16.

    .venv/bin/python benchmarks/intake.py [--database-url URL] [--requests 6000] [--seconds 60]
        [--concurrency 16] [--workers 5] [--suggest auto|on|off]

Starts the app server as the README deploys it (`gongzhi serve --workers N`: gunicorn, DEBUG off)
against a database built by `gongzhi gen-bench` (default postgres://…/gongzhi_bench), then 16
threads each file hotline cases (`POST /api/cases/`, signed-in session of a community's staff with
its CSRF token (a bearer-token POST is refused by the API's CSRF check: see bench.session_headers), a
household of that community, a random matter of the catalogue with its required answers): routing,
deadlines, the submit event, the audit event and the triage notification, in one transaction.
With a triage model active (`--suggest auto`), each filing first asks `POST /api/triage/suggest`,
as the hotline form does. The load stops after --requests filings or --seconds, whichever comes
first; it talks only to 127.0.0.1. Prints one JSON line and a table.

Afterwards the filed cases are removed again (with their events, disputes and notifications; the
audit trail is append-only and keeps its rows), so the inbox, figures and SLA benchmarks that run
next see the district as generated — ten thousand extra cases waiting for triage would otherwise
inflate every open-case list. `--keep` leaves them.

Targets (issue 7): ≥ 500 cases/s, p99 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def _post(port: int, path: str, auth: dict, body: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body, ensure_ascii=False).encode(),
                     headers={**auth, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _remove_filed(before: int) -> int:
    """Delete the cases this run filed (id above `before`) with what cascades from them, and their
    notifications. Audit events stay: the audit trail refuses deletes by design."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from gongzhi.cases.models import Case
    from gongzhi.core.models import Notification

    content_type = ContentType.objects.get_for_model(Case)
    with transaction.atomic():
        filed = Case.objects.filter(pk__gt=before)
        ids = [str(pk) for pk in filed.values_list("pk", flat=True)]
        Notification.objects.filter(content_type=content_type, object_id__in=ids).delete()
        filed.delete()
    return len(ids)


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (README: --workers 5)")
    parser.add_argument("--suggest", choices=["auto", "on", "off"], default="auto")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="leave the filed cases in the database")
    args = parser.parse_args()

    bench.setup(args.database_url)
    from gongzhi.accounts.models import User
    from gongzhi.areas.models import AreaNode
    from gongzhi.cases.models import Case, Category, QuestionType

    random.Random(args.seed)
    staff = list(User.objects.filter(role="community_staff", username__startswith="bench_community_").order_by("pk"))
    if not staff:
        raise SystemExit("No generated district here: run `gongzhi gen-bench` first.")
    clients = []
    for i in range(args.concurrency):
        user = staff[i % len(staff)]
        community = user.area_bindings.first().node
        households = list(AreaNode.objects.filter(path__startswith=community.path, kind="household")
                          .values_list("pk", flat=True)[:2000])
        clients.append((bench.session_headers(user), households))
    matters = []
    for category in Category.objects.filter(parent__isnull=False, is_active=True).prefetch_related("questions"):
        answers = {}
        for q in category.questions.all():
            if q.required and q.datatype in (QuestionType.SINGLE, QuestionType.MULTI):
                answers[q.code] = q.values[0]["key"] if q.datatype == QuestionType.SINGLE else [q.values[0]["key"]]
            elif q.required:
                answers[q.code] = 1 if q.datatype == QuestionType.NUMBER else "1"
        matters.append((category.code, category.name, answers))
    before = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    machine = bench.machine()

    port = bench.free_port()
    results: list[tuple[float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    issued = [0]
    with bench.Server(port=port, workers=args.workers, database_url=args.database_url) as server:
        token0 = clients[0][0]
        status, _body = _post(port, "/api/triage/suggest", token0, {"title": "垃圾", "text": "楼下垃圾没人清运"})
        suggest = args.suggest == "on" or (args.suggest == "auto" and status == 200)
        if args.suggest == "on" and status != 200:
            raise SystemExit(f"--suggest on, but /api/triage/suggest answers {status} (no active model?)")

        def one(rng_local: random.Random, token: str, households: list[int]) -> int:
            code, name, answers = rng_local.choice(matters)
            title = f"{name}：热线来电"
            text = f"居民来电反映{name}，请尽快处理。"
            if suggest:
                _post(port, "/api/triage/suggest", token, {"title": title, "text": text})
            status, body = _post(port, "/api/cases/", token, {
                "channel": "hotline", "category": code, "title": title, "description": text,
                "location_id": rng_local.choice(households), "caller_name": "张先生",
                "caller_phone": f"139{rng_local.randint(0, 99_999_999):08d}", "answers": answers,
            })
            if status != 201:
                with lock:
                    if len(errors) < 5:
                        errors.append(f"{status}: {body[:200]!r}")
            return status

        # Warm up every worker (imports, connections, caches) outside the clock.
        warm = random.Random(1)
        for _ in range(args.workers * 4):
            one(warm, *clients[0])

        stop_at = [0.0]

        def worker(index: int) -> None:
            rng_local = random.Random(args.seed * 1000 + index)
            token, households = clients[index]
            while True:
                with lock:
                    if issued[0] >= args.requests or time.perf_counter() >= stop_at[0]:
                        return
                    issued[0] += 1
                started = time.perf_counter()
                status = one(rng_local, token, households)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    results.append((elapsed, status))

        threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.concurrency)]
        started = time.perf_counter()
        stop_at[0] = started + args.seconds
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 60)
        wall = time.perf_counter() - started
        server_log = server.log_path

    ok = [ms for ms, status in results if status == 201]
    created = Case.objects.filter(pk__gt=before).count()
    removed = 0 if args.keep else _remove_filed(before)
    stats = bench.summary_stats(ok)
    figures = {
        "machine": machine, "sizes": bench.sizes(), "concurrency": args.concurrency, "workers": args.workers,
        "with_triage_suggestion": suggest, "requests": len(results), "accepted": len(ok),
        "failed": len(results) - len(ok), "seconds": round(wall, 2),
        "cases_per_second": round(len(ok) / wall, 1), **stats, "cases_written": created,
        "cases_removed_after": removed, "errors": errors, "targets": {"cases_per_second": 500, "p99_ms": 100},
    }
    bench.emit("intake", figures, [
        ("machine", bench.machine_line(machine)),
        ("history (cases)", f"{figures['sizes']['cases']:,}"),
        ("concurrency / gunicorn workers", f"{args.concurrency} / {args.workers}"),
        ("with triage suggestion", suggest),
        ("filed (201) / failed", f"{len(ok):,} / {len(results) - len(ok):,} in {wall:.1f} s"),
        ("cases/s (target ≥ 500)", figures["cases_per_second"]),
        ("p50 / p99 ms (target p99 ≤ 100)", f"{stats['p50_ms']} / {stats['p99_ms']}"),
        ("server log", server_log),
    ])


if __name__ == "__main__":
    main()
