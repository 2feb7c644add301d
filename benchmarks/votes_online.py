"""Benchmark: an online vote of a whole community (3,030 households, one vote per household) cast
through the HTTP API at concurrency 16, then the close (count and seal) of the 3,030 ballots.

    .venv/bin/python benchmarks/votes_online.py --database-url postgres://…/gongzhi_bench_votes
        [--concurrency 16] [--workers 5]

The database must hold the community made by `gongzhi gen-bench-votes` (run on a migrated empty
database). Starts the app server as deployed (`gongzhi serve`: gunicorn, DEBUG off); each resident
signs in like a browser (a session and its CSRF token, see bench.session_headers) and POSTs
`/api/votes/<id>/cast` once, inside the vote's window (a cast takes a shared lock on the vote, one
ballot per household by a unique constraint). Then the staff close the vote in this process
(`vote_close`: count, decide, seal) and the seal is checked. Prints one JSON line and a table.

Target (issue 14): the whole community within ten minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def _post(port: int, path: str, auth: dict, body: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=json.dumps(body).encode(), headers={**auth, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def main() -> None:  # noqa: PLR0915
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.areas.models import AreaNode
    from gongzhi.votes import services
    from gongzhi.votes.models import Electorate, VoteMethod

    staff = User.objects.filter(role="community_staff", username__startswith="bench_community_").order_by("pk").first()
    voters = list(User.objects.filter(username__startswith="bench_voter_").order_by("pk"))
    if staff is None or not voters:
        raise SystemExit("No vote community here: run `gongzhi gen-bench-votes` on a migrated empty database first.")
    community = AreaNode.objects.get(pk=staff.area_bindings.first().node_id)
    now = timezone.now()
    vote = services.vote_create(
        actor=staff, title="电动车充电设施", question="是否同意在小区内增设电动车集中充电设施？", method=VoteMethod.ONLINE,
        area=community, electorate=Electorate.HOUSEHOLDS, opens_at=now - dt.timedelta(minutes=1),
        closes_at=now + dt.timedelta(minutes=30),
    )
    vote = services.vote_open(actor=staff, vote=vote)
    started_sessions = time.perf_counter()
    auths = [bench.session_headers(u) for u in voters]
    sessions_s = time.perf_counter() - started_sessions
    machine = bench.machine()

    port = bench.free_port()
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    next_index = [0]
    choices = ("yes", "yes", "no", "abstain")

    def worker() -> None:
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(auths):
                return
            t0 = time.perf_counter()
            status, _body = _post(port, f"/api/votes/{vote.pk}/cast", auths[i], {"choice": choices[i % 4]})
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                results.append((ms, status))

    with bench.Server(port=port, workers=args.workers, database_url=args.database_url) as server:
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        wall = time.perf_counter() - started
        server_log = server.log_path

    ok = [ms for ms, status in results if status == 201]
    refused = {}
    for _ms, status in results:
        if status != 201:
            refused[status] = refused.get(status, 0) + 1
    stats = bench.summary_stats(ok)
    t0 = time.perf_counter()
    vote = services.vote_close(actor=staff, vote=vote)
    close_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    holds = services.vote_verify(vote)
    verify_ms = (time.perf_counter() - t0) * 1000
    figures = {
        "machine": machine, "households": len(voters), "concurrency": args.concurrency, "workers": args.workers,
        "casts": len(results), "accepted": len(ok), "refused": refused, "seconds": round(wall, 2),
        "casts_per_second": round(len(ok) / wall, 1) if wall else None, **stats,
        "close_ms": round(close_ms, 1), "verify_ms": round(verify_ms, 1), "seal_holds": holds,
        "counts": [vote.yes_count, vote.no_count, vote.abstain_count], "attending": vote.attending_count,
        "result": vote.result, "sessions_setup_s": round(sessions_s, 1), "target_seconds": 600,
    }
    bench.emit("votes_online", figures, [
        ("machine", bench.machine_line(machine)),
        ("households (one vote each)", f"{len(voters):,}"),
        ("concurrency / gunicorn workers", f"{args.concurrency} / {args.workers}"),
        ("cast (201) / refused", f"{len(ok):,} / {sum(refused.values()):,} in {wall:.1f} s (target ≤ 600 s)"),
        ("casts/s", figures["casts_per_second"]),
        ("p50 / p95 ms", f"{stats['p50_ms']} / {stats['p95_ms']}"),
        ("close: count + seal of the ballots (ms)", figures["close_ms"]),
        ("seal verified (ms)", f"{figures['verify_ms']} ({'holds' if holds else 'BROKEN'})"),
        ("in favour / against / abstain", "{} / {} / {}".format(*figures["counts"])),
        ("server log", server_log),
    ])


if __name__ == "__main__":
    main()
