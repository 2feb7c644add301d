"""Matrix objects of appeals, corrections, the pages and the reports: in each district an appeal
of the grid worker's line (scores' `_side` in matrix.py) and a correction of their month asked by
the community's staff. The line is seen only by its own worker (the appeal form); an appeal by the
worker and the staff who read scores over its street; a month and a correction by the worker and
the staff who read scores over its grid."""

from gongzhi.accounts.roles import Role
from gongzhi.assessment.models import Appeal, Correction, WorkerMonth
from gongzhi.core.tests.matrix import Param, World


def _side(side: dict, nodes: dict, requester) -> dict:
    appeal = Appeal.objects.create(line=side["line"], worker=side["worker"], reason="矩阵申诉", area=nodes["street"])
    correction = Correction.objects.create(worker_month=side["month"], points=1, reason="矩阵更正",
                                           requested_by=requester)
    return {"appeal": appeal, "correction": correction}


def objects(world: World) -> dict[str, Param]:
    from gongzhi.accounts.tests.factories import user

    scores = world.stash["assessment"]
    inside, outside = scores["inside"], scores["outside"]
    made_in = _side(inside, world.d1, world.users[Role.COMMUNITY_STAFF])
    made_out = _side(outside, world.d2, user(Role.COMMUNITY_STAFF, nodes=[world.d2["community"]]))

    def seen(model, pk) -> frozenset:
        return frozenset(role for role, u in world.users.items() if model.objects.visible_to(u).filter(pk=pk).exists())

    months_seen = seen(WorkerMonth, inside["month"].pk)
    return {
        "lines.line_id": Param(inside=inside["line"].pk, outside=outside["line"].pk,
                               seen_by=frozenset({Role.GRID_WORKER})),
        "appeals.appeal_id": Param(inside=made_in["appeal"].pk, outside=made_out["appeal"].pk,
                                   seen_by=seen(Appeal, made_in["appeal"].pk)),
        "corrections.correction_id": Param(inside=made_in["correction"].pk, outside=made_out["correction"].pk,
                                           seen_by=seen(Correction, made_in["correction"].pk)),
        "workers.user_id": Param(inside=inside["worker"].pk, outside=outside["worker"].pk, seen_by=months_seen),
        "workers.month": Param.fixed(f"{inside['month'].month:%Y-%m}"),
        "reports.user_id": Param(inside=inside["worker"].pk, outside=outside["worker"].pk, seen_by=months_seen),
    }
