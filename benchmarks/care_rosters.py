"""Benchmark: a quarter's care rosters for a street — 600 care plans and 1,200 carers in 30 grid
party branches (20 households and 40 carers each) — generated branch by branch through the real
service `roster_generate` (plans and rotas read, visits shared fairly by maximum flow, turns written
in bulk, the audit row written). Target: ≤ 10 s for the street, with the fairness spread printed.

    .venv/bin/python benchmarks/care_rosters.py --database-url postgres://…/gz_bench_rosters
        [--branches 30] [--plans 600] [--carers 1200] [--days 91] [--rota 12]

Run on a migrated database: the script writes its own street (3 communities of 10 grids, one
building of 20 households per grid), the party branches, volunteers as carers (a third of them
away one weekday, one in twenty on a week's leave, at most two turns a week), plans visited every
3, 7 or 14 days with twelve of the branch's carers, drawn at random, on each rota and every carer on at least four
rotas (in bulk), then times the generation. Prints one
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
    parser.add_argument("--branches", type=int, default=30)
    parser.add_argument("--plans", type=int, default=600)
    parser.add_argument("--carers", type=int, default=1200)
    parser.add_argument("--days", type=int, default=91)
    parser.add_argument("--rota", type=int, default=12, help="carers on each plan's rota")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    bench.setup(args.database_url)
    from django.db import transaction
    from django.utils import timezone

    from gongzhi.accounts.tests.factories import user
    from gongzhi.areas.models import AreaKind, AreaNode
    from gongzhi.areas.tests.factories import child, tree
    from gongzhi.care.models import CareBranch, CarePlan, Carer, CarerKind, CarerLeave, PlanCarer, Turn
    from gongzhi.care.services.rosters import roster_generate
    from gongzhi.core.errors import InvalidInput
    from gongzhi.party.models import OrgKind
    from gongzhi.party.tests.factories import organization
    from gongzhi.volunteers.models import Volunteer

    rng = random.Random(args.seed)
    stamp = f"{int(time.time())}"
    per_branch_plans = args.plans // args.branches
    per_branch_carers = args.carers // args.branches
    today = timezone.localdate()
    start = today + dt.timedelta(days=7 - today.weekday())
    end = start + dt.timedelta(days=args.days - 1)
    built = time.perf_counter()
    with transaction.atomic():
        nodes = tree()
        street = nodes["street"]
        top = organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=nodes["district"], name="七里河区委")
        street_org = organization(top, kind=OrgKind.STREET_WORKING_COMMITTEE, area=street, name="西站街道党工委")
        communities = [nodes["community"]] + [child(street, name=f"第{i + 2}社区") for i in range(2)]
        committees = [organization(street_org, kind=OrgKind.COMMUNITY_COMMITTEE, area=c, name=f"{c.name}党委")
                      for c in communities]
        branches, units = [], []
        for b in range(args.branches):
            community, committee = communities[b % 3], committees[b % 3]
            grid = child(community, kind=AreaKind.GRID, name=f"第{b + 1}网格")
            unit = child(child(grid, name="1号楼"), name="1单元")
            org = organization(committee, kind=OrgKind.BRANCH, area=grid, is_grid_branch=True, name=f"第{b + 1}网格党支部")
            branches.append(CareBranch.objects.create(organization=org, area=grid))
            units.append(unit)
        households = []
        for unit in units:
            for h in range(per_branch_plans):
                room = (h // 2 + 1) * 100 + h % 2 + 1
                households.append(AreaNode(path=AreaNode._get_path(unit.path, unit.depth + 1, h + 1), depth=unit.depth + 1,
                                           numchild=0, kind=AreaKind.HOUSEHOLD, code=f"{unit.code}{room:04d}",
                                           name=f"{room}室"))
        households = AreaNode.objects.bulk_create(households, batch_size=1000)
        AreaNode.objects.filter(pk__in=[u.pk for u in units]).update(numchild=per_branch_plans)
        households = list(AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD, path__in=[h.path for h in households])
                          .order_by("path"))
        volunteers = Volunteer.objects.bulk_create([
            Volunteer(number=f"R{stamp[-6:]}{i:05d}", name=f"志愿者{i}", area=branches[i // per_branch_carers].area,
                      registered_on=today)
            for i in range(per_branch_carers * args.branches)], batch_size=1000)
        carers = Carer.objects.bulk_create([
            Carer(branch=branches[i // per_branch_carers], kind=CarerKind.VOLUNTEER, volunteer=v, name=v.name,
                  max_per_week=2, unavailable_weekdays=[rng.randrange(7)] if rng.random() < 1 / 3 else [])
            for i, v in enumerate(volunteers)], batch_size=1000)
        CarerLeave.objects.bulk_create([
            CarerLeave(carer=c, start_on=(d := start + dt.timedelta(days=rng.randrange(args.days - 7))),
                       end_on=d + dt.timedelta(days=6), reason="外出")
            for c in carers if rng.random() < 0.05])
        plans, rota = [], []
        code = 0
        for b, branch in enumerate(branches):
            for p in range(per_branch_plans):
                code += 1
                plans.append(CarePlan(household=households[b * per_branch_plans + p], branch=branch,
                                      every_days=rng.choice((3, 7, 7, 14)), needs=["groceries", "company"],
                                      next_review_on=today + dt.timedelta(days=90), checkin_code=f"R{stamp[-3:]}{code:04d}"))
        plans = CarePlan.objects.bulk_create(plans, batch_size=1000)
        for b in range(args.branches):
            mine = carers[b * per_branch_carers:(b + 1) * per_branch_carers]
            theirs = plans[b * per_branch_plans:(b + 1) * per_branch_plans]
            on = {plan.pk: rng.sample(mine, min(len(mine), args.rota)) for plan in theirs}
            for c in mine:  # as a secretary would: everyone on at least four households' rotas
                held = [plan for plan in theirs if c in on[plan.pk]]
                for plan in rng.sample([p for p in theirs if p not in held], max(0, 4 - len(held))):
                    on[plan.pk].append(c)
            rota += [PlanCarer(plan=plan, carer=c, paired=k == 0) for plan in theirs for k, c in enumerate(on[plan.pk])]
        PlanCarer.objects.bulk_create(rota, batch_size=2000)
        actor = user("street_staff", nodes=[street], username=f"bench_rosters_{stamp}")
    built = time.perf_counter() - built

    machine = bench.machine()
    spreads, unfair, turns = [], [], 0
    per_branch_ms = []
    started = time.perf_counter()
    for branch in branches:
        t0 = time.perf_counter()
        try:
            roster = roster_generate(actor=actor, branch=branch.pk, start_on=start, end_on=end)
        except InvalidInput as exc:
            unfair.append((str(branch.organization), exc.fields.get("__all__", [exc.message])[:2]))
        else:
            spreads.append(roster.spread)
            turns += roster.turn_count
        per_branch_ms.append((time.perf_counter() - t0) * 1000)
    seconds = time.perf_counter() - started
    written = Turn.objects.filter(roster__branch__in=branches).count()
    stats = bench.summary_stats(per_branch_ms)
    figures = {"machine": machine, "branches": args.branches, "plans": len(plans), "carers": len(carers),
               "days": args.days, "build_seconds": round(built, 2), "seconds": round(seconds, 2),
               "turns": turns, "turns_written": written, "worst_spread": max(spreads) if spreads else None,
               "unfair_branches": len(unfair), "target_seconds": 10, **stats}
    rows = [
        ("machine", bench.machine_line(machine)),
        ("street", f"{args.branches} branches · {len(plans)} plans · {len(carers)} carers · {args.days} days"),
        ("generated", f"{len(spreads)} rosters · {turns} turns in {seconds:.2f} s (target ≤ 10 s)"),
        ("worst spread (most − fewest turns)", figures["worst_spread"]),
        ("per branch p50 / p95 ms", f"{stats['p50_ms']} / {stats['p95_ms']}"),
        ("unfair branches", len(unfair)),
    ]
    rows += [(f"  {name}", "; ".join(reasons)) for name, reasons in unfair[:3]]
    bench.emit("care_rosters", figures, rows)


if __name__ == "__main__":
    main()
