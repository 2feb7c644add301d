"""Benchmark: the hourly missed-visit sweep over a district — 20,000 care plans in 100 grid party
branches (200 households each), each with a published fortnight's roster (turns every 3, 7 or 14
days, about 55,000 turns) — timed through the real service `care.services.sweep.sweep` (turns
marked missed and their carers told, the secretaries of turns missed the day before told, unseen
households flagged to the community), then run again at once (it must tell no one twice) and a day
later. Target: ≤ 5 s for the first run.

Two districts, `--scenario`:
- `steady` (default, what runs every hour): the sweep ran every hour until now; 85 % of the past
  turns were done, the older late ones already missed and told; the late turns of the day whose
  grace just ended, the secretaries of the day before's, and the households that just passed their
  interval are this run's work.
- `backlog` (worst case, the sweep never ran): a third of the past fortnight's turns done, all the
  rest late at once, households last seen 0–30 days ago and none flagged yet.

    .venv/bin/python benchmarks/care_sweep.py --database-url postgres://…/gz_bench_sweep
        [--branches 100] [--plans 20000] [--scenario steady|backlog]

Run on a migrated database: the script writes its own street and data in bulk, then times the
sweep. Prints one JSON line and a table.
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
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--plans", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--scenario", choices=("steady", "backlog"), default="steady")
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import transaction
    from django.utils import timezone

    from gongzhi.accounts.models import User
    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.models import AreaKind, AreaNode
    from gongzhi.areas.tests.factories import child, tree
    from gongzhi.care.models import (
        CareBranch,
        CarePlan,
        Carer,
        CarerKind,
        PlanCarer,
        Roster,
        RosterState,
        Turn,
        TurnState,
    )
    from gongzhi.care.services.sweep import sweep
    from gongzhi.core.actors import SystemActor
    from gongzhi.core.models import Notification
    from gongzhi.party.models import OrgKind
    from gongzhi.party.tests.factories import organization
    from gongzhi.volunteers.models import Volunteer

    rng = random.Random(args.seed)
    stamp = f"{int(time.time())}"
    per_branch = args.plans // args.branches
    today = timezone.localdate()
    now = timezone.now()
    start = today - dt.timedelta(days=13)
    built = time.perf_counter()
    with transaction.atomic():
        nodes = tree()
        street = nodes["street"]
        top = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=nodes["district"], name="七里河区委")
        street_org = organization(top, kind=OrgKind.STREET_WORKING_COMMITTEE, area=street, name="西站街道党工委")
        communities = [nodes["community"]] + [child(street, name=f"第{i + 2}社区") for i in range(9)]
        committees = [organization(street_org, kind=OrgKind.COMMUNITY_COMMITTEE, area=c, name=f"{c.name}党委")
                      for c in communities]
        for c in communities:  # the community's staff hear of unseen households
            user("community_staff", nodes=[c], username=f"bench_sweep_{stamp}_{c.pk}")
        accounts = User.objects.bulk_create([
            User(username=f"bench_sweep_{stamp}_u{i}", role="party_member", password="!") for i in range(args.branches * 3)])
        branches, units = [], []
        for b in range(args.branches):
            community, committee = communities[b % len(communities)], committees[b % len(communities)]
            grid = child(community, kind=AreaKind.GRID, name=f"第{b + 1}网格")
            unit = child(child(grid, name="1号楼"), name="1单元")
            org = organization(committee, kind=OrgKind.BRANCH, area=grid, is_grid_branch=True, name=f"第{b + 1}网格党支部")
            branches.append(CareBranch.objects.create(organization=org, area=grid, secretary=accounts[3 * b]))
            units.append(unit)
        households = []
        for unit in units:
            for h in range(per_branch):
                room = (h // 2 + 1) * 100 + h % 2 + 1
                households.append(AreaNode(path=AreaNode._get_path(unit.path, unit.depth + 1, h + 1), depth=unit.depth + 1,
                                           numchild=0, kind=AreaKind.HOUSEHOLD, code=f"{unit.code}{room:04d}",
                                           name=f"{room}室"))
        AreaNode.objects.bulk_create(households, batch_size=2000)
        AreaNode.objects.filter(pk__in=[u.pk for u in units]).update(numchild=per_branch)
        households = list(AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD, path__in=[h.path for h in households])
                          .order_by("path"))
        volunteers = Volunteer.objects.bulk_create([
            Volunteer(number=f"S{stamp[-6:]}{i:05d}", name=f"志愿者{i}", area=branches[i // 2].area, registered_on=today)
            for i in range(args.branches * 2)])
        carers = Carer.objects.bulk_create([
            Carer(branch=branches[i // 2], kind=CarerKind.VOLUNTEER, volunteer=v, name=v.name,
                  user=accounts[3 * (i // 2) + 1 + i % 2], max_per_week=14)
            for i, v in enumerate(volunteers)])
        plans = CarePlan.objects.bulk_create([
            CarePlan(household=households[i], branch=branches[i // per_branch], every_days=rng.choice((3, 7, 7, 14)),
                     needs=["groceries"], next_review_on=today + dt.timedelta(days=90),
                     checkin_code=f"S{stamp[-2:]}{i:05d}", created_at=now - dt.timedelta(days=60),
                     last_visit_at=now - dt.timedelta(days=rng.randrange(31)))
            for i in range(per_branch * args.branches)], batch_size=2000)
        if args.scenario == "steady":
            # seen within their interval (plus the two days' grace) but for the ones crossing it
            # within the last hour; those that crossed it earlier were told then
            for p in plans:
                limit = p.every_days + 2
                p.last_visit_at = now - dt.timedelta(days=rng.uniform(0, limit + 3))
                if p.last_visit_at < now - dt.timedelta(days=limit, hours=1):
                    p.overdue_flagged_at = now - dt.timedelta(hours=rng.randint(2, 48))
            CarePlan.objects.bulk_update(plans, ["last_visit_at", "overdue_flagged_at"], batch_size=2000)
        PlanCarer.objects.bulk_create([PlanCarer(plan=p, carer=carers[2 * (i // per_branch) + k])
                                       for i, p in enumerate(plans) for k in (0, 1)], batch_size=5000)
        rosters = Roster.objects.bulk_create([
            Roster(branch=b, start_on=start, end_on=start + dt.timedelta(days=13), state=RosterState.PUBLISHED,
                   published_at=now) for b in branches])
        turns = []
        for i, p in enumerate(plans):
            b = i // per_branch
            for day in range(i % p.every_days, 14, p.every_days):
                date = start + dt.timedelta(days=day)
                turn = Turn(roster=rosters[b], plan=p, carer=carers[2 * b + day % 2], date=date,
                            state=TurnState.PLANNED)
                if args.scenario == "backlog":
                    turn.state = TurnState.DONE if date < today and rng.random() < 1 / 3 else TurnState.PLANNED
                elif date < today and rng.random() < 0.85:
                    turn.state = TurnState.DONE
                elif date < today - dt.timedelta(days=2):  # late before then: missed and told
                    turn.state = TurnState.MISSED
                    turn.flagged_carer_at = now - dt.timedelta(days=(today - date).days - 2, hours=1)
                    if date < today - dt.timedelta(days=3):
                        turn.flagged_branch_at = turn.flagged_carer_at + dt.timedelta(days=1)
                turns.append(turn)
        Turn.objects.bulk_create(turns, batch_size=5000)
    built = time.perf_counter() - built

    machine = bench.machine()
    actor = SystemActor(label="bench:care-sweep")
    before = Notification.objects.count()
    started = time.perf_counter()
    first = sweep(actor=actor, now=now)
    seconds = time.perf_counter() - started
    told = Notification.objects.count() - before
    started = time.perf_counter()
    second = sweep(actor=actor, now=now)
    again = time.perf_counter() - started
    later = now + dt.timedelta(hours=25)
    started = time.perf_counter()
    third = sweep(actor=actor, now=later)
    next_day = time.perf_counter() - started
    figures = {"machine": machine, "scenario": args.scenario, "branches": args.branches, "plans": len(plans), "turns": len(turns),
               "build_seconds": round(built, 2), "seconds": round(seconds, 2), "first": first,
               "notifications": told, "again_seconds": round(again, 2), "again": second,
               "next_day_seconds": round(next_day, 2), "next_day": third, "target_seconds": 5}
    rows = [
        ("machine", bench.machine_line(machine)),
        ("scenario", args.scenario),
        ("district", f"{args.branches} branches · {len(plans)} plans · {len(turns)} turns"),
        ("first sweep", f"{seconds:.2f} s (target ≤ 5 s): {first}, {told} notifications"),
        ("again at once", f"{again:.2f} s: {second}"),
        ("a day later", f"{next_day:.2f} s: {third}"),
    ]
    bench.emit("care_sweep", figures, rows)


if __name__ == "__main__":
    main()
