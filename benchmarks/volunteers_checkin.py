"""Benchmark: check-ins at an event of 500 signed-up volunteers, each checking in with the code on
the organiser's phone, at concurrency 16 (threads, each on its own database connection, calling the
real service `check_in_by_code`: the code checked, the sign-up row locked, the audit row written).

    .venv/bin/python benchmarks/volunteers_checkin.py --database-url postgres://…/gz_bench_checkin
        [--people 500] [--concurrency 16]

Run on a migrated database: the script writes its own community, 500 volunteers with accounts and
one activity that started five minutes ago (in bulk), then times the check-ins. Prints one JSON line
and a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import connections, transaction
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.accounts.roles import Role
    from gongzhi.areas.tests.factories import tree
    from gongzhi.volunteers import checkin_codes
    from gongzhi.volunteers.models import Activity, ActivityState, Signup, SignupState, Volunteer
    from gongzhi.volunteers.services import activities as services

    stamp = f"{int(time.time())}"
    with transaction.atomic():
        nodes = tree()
        users = User.objects.bulk_create([User(username=f"bench_checkin_{stamp}_{i}", role=Role.RESIDENT,
                                               password="!", display_name=f"志愿者{i}") for i in range(args.people)])
        today = timezone.localdate()
        volunteers = Volunteer.objects.bulk_create([
            Volunteer(number=f"B{stamp[-6:]}{i:05d}", name=f"志愿者{i}", area=nodes["household_a"], user=u,
                      registered_on=today) for i, u in enumerate(users)])
        now = timezone.now()
        activity = Activity.objects.create(title="重阳节敬老活动", type="elderly", area=nodes["community"],
                                           place="社区广场", starts_at=now - dt.timedelta(minutes=5),
                                           ends_at=now + dt.timedelta(hours=3), capacity=args.people,
                                           state=ActivityState.PUBLISHED)
        Signup.objects.bulk_create([Signup(activity=activity, volunteer=v, state=SignupState.SIGNED_UP)
                                    for v in volunteers])
    users = list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"))
    machine = bench.machine()
    results: list[tuple[float, str]] = []
    lock = threading.Lock()
    next_index = [0]

    def worker() -> None:
        try:
            while True:
                with lock:
                    i = next_index[0]
                    next_index[0] += 1
                if i >= len(users):
                    return
                t0 = time.perf_counter()
                try:
                    services.check_in_by_code(actor=users[i], activity=activity.pk,
                                              code=checkin_codes.code_for(activity))
                    outcome = "ok"
                except Exception as exc:  # noqa: BLE001 - counted
                    outcome = type(exc).__name__
                with lock:
                    results.append(((time.perf_counter() - t0) * 1000, outcome))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    wall = time.perf_counter() - started
    ok = [ms for ms, outcome in results if outcome == "ok"]
    refused: dict[str, int] = {}
    for _ms, outcome in results:
        if outcome != "ok":
            refused[outcome] = refused.get(outcome, 0) + 1
    checked_in = Signup.objects.filter(activity=activity, state=SignupState.CHECKED_IN).count()
    stats = bench.summary_stats(ok)
    figures = {"machine": machine, "people": args.people, "concurrency": args.concurrency, "checked_in": checked_in,
               "refused": refused, "seconds": round(wall, 2),
               "checkins_per_second": round(len(ok) / wall, 1) if wall else None, **stats}
    bench.emit("volunteers_checkin", figures, [
        ("machine", bench.machine_line(machine)),
        ("signed up / concurrency", f"{args.people} / {args.concurrency}"),
        ("checked in / refused", f"{checked_in} / {sum(refused.values())} in {wall:.2f} s"),
        ("check-ins/s", figures["checkins_per_second"]),
        ("p50 / p95 ms", f"{stats['p50_ms']} / {stats['p95_ms']}"),
    ])


if __name__ == "__main__":
    main()
