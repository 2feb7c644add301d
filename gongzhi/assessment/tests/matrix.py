"""The assessment's objects for the role × endpoint matrix (gongzhi.core.tests.matrix): a grid
worker's computed month with a line in each district, the worker, and a rule for each district.
Other concerns of the app (appeals, corrections, pages) add theirs in tests/matrix_<concern>.py
modules, merged here when present."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.components import optional_module
from gongzhi.core.tests.matrix import Param, World

CONCERNS = ("matrix_appeals", "matrix_corrections", "matrix_pages", "matrix_reports")


def _side(nodes: dict, worker) -> dict:
    from gongzhi.assessment.models import ScoreLine, ScoreRule, WorkerMonth, month_start

    month = month_start(timezone.localdate())
    wm = WorkerMonth.objects.create(worker=worker, month=month, area=nodes["grid_a"], total=1, earned=1)
    line = ScoreLine.objects.create(worker_month=wm, kind="visit.door", points=1, source=f"matrix.visit:{wm.pk}",
                                    summary="矩阵走访", occurred_at=timezone.now())
    rule = ScoreRule.objects.create(kind="visit.door", label="入户走访", points=2, area=nodes["street"],
                                    valid_from=month + dt.timedelta(days=400))
    return {"month": wm, "line": line, "rule": rule, "worker": worker}


def scores_objects(world: World) -> dict[str, Param]:
    from gongzhi.accounts.tests.factories import user
    from gongzhi.assessment.models import ScoreRule, WorkerMonth

    inside = _side(world.d1, world.users[Role.GRID_WORKER])
    outside = _side(world.d2, user(Role.GRID_WORKER, nodes=[world.d2["grid_a"]]))
    seen = frozenset(role for role, u in world.users.items()
                     if WorkerMonth.objects.visible_to(u).filter(pk=inside["month"].pk).exists())
    rules_seen = frozenset(role for role, u in world.users.items()
                           if ScoreRule.objects.visible_to(u).filter(pk=inside["rule"].pk).exists())
    world.stash["assessment"] = {"inside": inside, "outside": outside}
    return {
        "months.month_id": Param(inside=inside["month"].pk, outside=outside["month"].pk, seen_by=seen),
        "workers.worker_id": Param(inside=inside["worker"].pk, outside=outside["worker"].pk, seen_by=seen),
        "rules.rule_id": Param(inside=inside["rule"].pk, outside=outside["rule"].pk, seen_by=rules_seen),
    }


def objects(world: World) -> dict[str, Param]:
    found = scores_objects(world)
    for name in CONCERNS:
        module = optional_module(f"{__package__}.{name}")
        if module is None:
            continue
        for key, param in module.objects(world).items():
            assert key not in found, f"two assessment matrix modules name {key}"
            found[key] = param
    return found
