"""Benchmark: a district's monthly scores — 3,000 grid workers and 2,000,000 events in one month
(door visits, care turns done and missed, meeting attendance: real rows of residents, care and
meetings) computed by the real service `month_compute` (the events read from the apps' extension
callables, a rule per event, lines streamed with COPY and merged by source, totals and pay in SQL).
Target: ≤ 60 s. Then a second, idempotent run (nothing changes), and a worker's score page ≤ 100 ms
p95: the real page (`/assessment/me/?month=`) through the Django test client, and the API's month
(`GET /api/assessment/me?month=`), as the grid workers themselves.

    .venv/bin/python benchmarks/assessment_scores.py --database-url postgres://…/gongzhi_bench_assessment
        [--workers 3000] [--events 2000000] [--pages 200]

Run on a migrated database: the script writes its own district (10 streets × 10 communities × 30
grids, one worker per grid, a building of 10 households per grid), a care branch per community with
a plan per grid and the grid's worker as a carer, a held meeting per community attended by its
workers, and last month's door visits and care turns (bulk), then times the computation. Prints one
JSON line and a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongzhi.benchdata import bench  # noqa: E402


def main() -> None:  # noqa: PLR0915 - one script
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=3000)
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--turns-per-worker", type=int, default=50)
    parser.add_argument("--pages", type=int, default=200, help="score pages requested (each by a random worker)")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from gongzhi.accounts.models import AreaBinding, User
    from gongzhi.accounts.roles import Role
    from gongzhi.areas.models import AreaKind, AreaNode
    from gongzhi.areas.tests.factories import district
    from gongzhi.assessment.models import ScoreLine, WorkerMonth, month_start
    from gongzhi.assessment.services import month_compute
    from gongzhi.care.models import (
        CareBranch,
        CarePlan,
        Carer,
        CarerKind,
        Roster,
        RosterState,
        Turn,
        TurnState,
    )
    from gongzhi.core.actors import SystemActor
    from gongzhi.meetings.models import Attendance, AttendanceStatus, Meeting, MeetingState
    from gongzhi.party.models import OrgKind
    from gongzhi.party.tests.factories import organization
    from gongzhi.residents.models import Visit
    from gongzhi.volunteers.models import Volunteer

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages name hashed static files
    rng = random.Random(args.seed)
    stamp = f"{int(time.time())}"
    streets_n, communities_n = 10, 10
    grids_n = max(1, args.workers // (streets_n * communities_n))
    workers_n = streets_n * communities_n * grids_n
    month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))  # last month, complete
    days = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - month
    tz = timezone.get_current_timezone()

    def moment(day: int) -> dt.datetime:
        return dt.datetime.combine(month + dt.timedelta(days=day), dt.time(8 + rng.randrange(11), rng.randrange(60)),
                                   tzinfo=tz)

    def nodes_under(parents: list[AreaNode], kind: str, count: int, name) -> list[AreaNode]:
        made = []
        for parent in parents:
            for i in range(count):
                made.append(AreaNode(path=AreaNode._get_path(parent.path, parent.depth + 1, i + 1), depth=parent.depth + 1,
                                     numchild=0, kind=kind, code=f"{parent.code}{i + 1:0{3 if kind != AreaKind.HOUSEHOLD else 4}d}",
                                     name=name(i)))
        AreaNode.objects.bulk_create(made, batch_size=2000)
        AreaNode.objects.filter(pk__in=[p.pk for p in parents]).update(numchild=count)
        return list(AreaNode.objects.filter(path__in=[m.path for m in made]).order_by("path"))

    built = time.perf_counter()
    with transaction.atomic():
        top = district(name=f"基准区{stamp[-4:]}")
        streets = nodes_under([top], AreaKind.STREET, streets_n, lambda i: f"第{i + 1}街道")
        communities = nodes_under(streets, AreaKind.COMMUNITY, communities_n, lambda i: f"第{i + 1}社区")
        grids = nodes_under(communities, AreaKind.GRID, grids_n, lambda i: f"第{i + 1}网格")
        buildings = nodes_under(grids, AreaKind.BUILDING, 1, lambda i: "1号楼")
        units = nodes_under(buildings, AreaKind.UNIT, 1, lambda i: "1单元")
        households = nodes_under(units, AreaKind.HOUSEHOLD, 10, lambda i: f"{(i // 2 + 1) * 100 + i % 2 + 1}室")
        users = User.objects.bulk_create([
            User(username=f"bench_gw_{stamp}_{i}", role=Role.GRID_WORKER, password="!", first_name=f"网格员{i}")
            for i in range(workers_n)], batch_size=2000)
        users = list(User.objects.filter(username__startswith=f"bench_gw_{stamp}_").order_by("pk"))
        AreaBinding.objects.bulk_create([AreaBinding(user=u, node=g) for u, g in zip(users, grids, strict=True)],
                                        batch_size=2000)
        community_of_grid = {g.pk: communities[i // grids_n] for i, g in enumerate(grids)}

        # care: a branch per community, a plan per grid, the grid's worker as a carer, last month's turns
        top_org = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=top, name="基准区委")
        street_orgs = {st.pk: organization(top_org, kind=OrgKind.STREET_WORKING_COMMITTEE, area=st, name=f"{st.name}党工委")
                       for st in streets}
        branches = {}
        for i, c in enumerate(communities):
            org = organization(street_orgs[streets[i // communities_n].pk], kind=OrgKind.COMMUNITY_COMMITTEE, area=c,
                               name=f"{c.name}党委")
            branches[c.pk] = CareBranch.objects.create(organization=org, area=c)
        volunteers = Volunteer.objects.bulk_create([
            Volunteer(number=f"B{stamp[-6:]}{i:05d}", name=f"网格员{i}", area=grids[i], registered_on=month)
            for i in range(workers_n)], batch_size=2000)
        carers = Carer.objects.bulk_create([
            Carer(branch=branches[community_of_grid[grids[i].pk].pk], kind=CarerKind.VOLUNTEER, volunteer=v,
                  name=v.name, user=users[i], max_per_week=7)
            for i, v in enumerate(volunteers)], batch_size=2000)
        plans = CarePlan.objects.bulk_create([
            CarePlan(household=households[i * 10], branch=branches[community_of_grid[grids[i].pk].pk], every_days=7,
                     needs=["company"], next_review_on=month + dt.timedelta(days=90),
                     checkin_code=f"Z{stamp[-2:]}{i:05d}")
            for i in range(workers_n)], batch_size=2000)
        rosters = {b.pk: Roster.objects.create(branch=b, start_on=month, end_on=month + days - dt.timedelta(days=1),
                                               state=RosterState.PUBLISHED) for b in branches.values()}
        turns = []
        for i in range(workers_n):
            for _t in range(args.turns_per_worker):
                turns.append(Turn(roster=rosters[carers[i].branch_id], plan=plans[i], carer=carers[i],
                                  date=month + dt.timedelta(days=rng.randrange(days.days)),
                                  state=TurnState.MISSED if rng.random() < 0.08 else TurnState.DONE))
        Turn.objects.bulk_create(turns, batch_size=10000)

        # meetings: one held per community, attended by its workers
        meetings = Meeting.objects.bulk_create([
            Meeting(area=c, title=f"{c.name}网格员例会", starts_at=moment(10), state=MeetingState.HELD)
            for c in communities])
        attendances = Attendance.objects.bulk_create([
            Attendance(meeting=meetings[i // grids_n], user=u, name=u.first_name, status=AttendanceStatus.PRESENT)
            for i, u in enumerate(users)], batch_size=2000)
        visits_n = args.events - len(turns) - len(attendances)
    # door visits: the rest of the events, spread over the workers, their households and the month
    per_batch = 20000
    made = 0
    while made < visits_n:
        batch = []
        for _v in range(min(per_batch, visits_n - made)):
            i = rng.randrange(workers_n)
            batch.append(Visit(household=households[i * 10 + rng.randrange(10)], visitor=users[i],
                               visited_at=moment(rng.randrange(days.days))))
        Visit.objects.bulk_create(batch, batch_size=per_batch)
        made += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    built = time.perf_counter() - built
    events = made + len(turns) + len(attendances)

    machine = bench.machine()
    actor = SystemActor(label="benchmark:assessment")
    started = time.perf_counter()
    first = month_compute(actor=actor, month=month, node=top)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = month_compute(actor=actor, month=month, node=top)
    again_seconds = time.perf_counter() - started
    lines = ScoreLine.objects.filter(worker_month__month=month, worker_month__area__path__startswith=top.path).count()
    months = WorkerMonth.objects.filter(month=month, area__path__startswith=top.path)
    best = months.order_by("-total").values_list("total", flat=True).first()

    # the worker's score page, as the workers themselves
    host = settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "127.0.0.1"
    try:
        page_url = reverse("assessment:my-score") + f"?month={month:%Y-%m}"
    except NoReverseMatch:
        page_url = ""
    api_url = f"/api/assessment/me?month={month:%Y-%m}"
    sample = [users[rng.randrange(workers_n)] for _ in range(args.pages)]
    clients = {}

    def client_of(u) -> Client:
        if u.pk not in clients:
            client = Client(HTTP_HOST=host, secure=False)
            client.force_login(u)
            clients[u.pk] = client
        return clients[u.pk]

    def timed(url: str) -> list[float]:
        samples = []
        for u in sample[:5]:  # warm-up
            client_of(u).get(url)
        for u in sample:
            t0 = time.perf_counter()
            answer = client_of(u).get(url)
            samples.append((time.perf_counter() - t0) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"{url} answered {answer.status_code}")
        return samples

    page = bench.summary_stats(timed(page_url)) if page_url else {}
    api = bench.summary_stats(timed(api_url))

    figures = {"machine": machine, "workers": workers_n, "events": events, "visits": made, "turns": len(turns),
               "attendances": len(attendances), "build_seconds": round(built, 1), "seconds": round(seconds, 2),
               "service_seconds": first.seconds, "recompute_seconds": round(again_seconds, 2),
               "recompute_changed": again.removed, "lines": lines, "best_total": best, "target_seconds": 60,
               "page": page, "api": api, "target_p95_ms": 100}
    rows = [
        ("machine", bench.machine_line(machine)),
        ("district", f"{workers_n} grid workers · {events:,} events ({made:,} visits, {len(turns):,} care turns, "
                     f"{len(attendances):,} attendances) in {month:%Y-%m}"),
        ("computed", f"{first.workers} workers · {lines:,} lines in {seconds:.2f} s (target ≤ 60 s)"),
        ("recomputed (idempotent)", f"{again_seconds:.2f} s · {again.removed} lines removed"),
        ("score page p50 / p95 ms", f"{page.get('p50_ms')} / {page.get('p95_ms')} (target p95 ≤ 100 ms)"
         if page else "no page (assessment:my-score not installed)"),
        ("score API p50 / p95 ms", f"{api['p50_ms']} / {api['p95_ms']}"),
    ]
    bench.emit("assessment_scores", figures, rows)


if __name__ == "__main__":
    main()
