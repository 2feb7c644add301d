"""Volunteers demo: mobilisation (吹哨报到). One past call — after the rainstorm a building's
basement flooded — answered, arrived at and closed; one recent call at grid level still open with a
few answers. Reads ctx.data["volunteers"] left by the people demo; does nothing without it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.permissions import can
from gongzhi.points.models import EarningRule, Programme, RuleBasis

from ..models import Mobilisation, MobilisationResponse, ResponseState
from ..services import mobilisation as service


def ancestor_of(node: AreaNode, kind: str) -> AreaNode | None:
    if node.kind == kind:
        return node
    step = AreaNode.steplen
    prefixes = [node.path[:i] for i in range(step, len(node.path), step)]
    return AreaNode.objects.filter(path__in=prefixes, kind=kind).first()


def _caller(ctx, staff, node):
    return staff if staff is not None and can(staff, "volunteers.mobilise", node) else ctx.actor


def _answer(ctx, call: Mobilisation, users: list, *, arrive: int, decline: int, started: dt.datetime) -> None:
    """The first `arrive` users come, the next `decline` cannot, the rest are on the way; times set
    minutes after the call."""
    for i, user in enumerate(users):
        answer = ResponseState.ARRIVED if i < arrive else ResponseState.DECLINED if i < arrive + decline \
            else ResponseState.REPORTED
        service.mobilisation_answer(actor=user, mobilisation=call, answer=answer)
        answered = started + dt.timedelta(minutes=ctx.rng.randint(2, 15))
        arrived = answered + dt.timedelta(minutes=ctx.rng.randint(8, 25)) if answer == ResponseState.ARRIVED else None
        MobilisationResponse.objects.filter(mobilisation=call, user=user).update(answered_at=answered, arrived_at=arrived)


def load(ctx) -> None:
    handles = ctx.data.get("volunteers")
    if not handles:
        return
    volunteers = [v for v in handles.get("volunteers", []) if getattr(v, "user_id", None)]
    if not volunteers:
        return
    staff = handles.get("staff")
    EarningRule.objects.get_or_create(programme=Programme.VOLUNTEERS, key=service.EARNING_KEY,
                                      defaults={"label": "吹哨报到到场", "basis": RuleBasis.PER_EVENT, "points": 20})
    building = next((b for v in volunteers if (b := ancestor_of(v.area, AreaKind.BUILDING))), None)
    grid = next((g for v in volunteers if (g := ancestor_of(v.area, AreaKind.GRID))), None)
    if building is not None:
        past = service.mobilisation_call(
            actor=_caller(ctx, staff, building), node=building, title="暴雨后地下室进水，急需人手排水搬物",
            place=f"{building.name}地下室入口", needed=8,
            detail="昨夜暴雨，地下室进水约三十公分。请带雨靴、水桶，协助排水并把住户存放的物品搬到一楼大厅。")
        started = timezone.now() - dt.timedelta(days=75, hours=3)
        Mobilisation.objects.filter(pk=past.pk).update(called_at=started)
        reached = [v.user for v in volunteers if service.reaches(past, v.user)]
        _answer(ctx, past, reached[:10], arrive=max(1, len(reached[:10]) - 2), decline=1, started=started)
        service.mobilisation_close(actor=_caller(ctx, staff, building), mobilisation=past,
                                   note="排水完毕，物品已全部转移，无人员受伤。")
        Mobilisation.objects.filter(pk=past.pk).update(closed_at=started + dt.timedelta(hours=4))
    if grid is not None:
        recent = service.mobilisation_call(
            actor=_caller(ctx, staff, grid), node=grid, title="寻找走失老人：八十二岁张大爷", place="网格服务站门口",
            needed=10, detail="张大爷今早七点出门未归，身穿蓝色外套、拄拐杖，有轻度认知障碍。请到服务站领取照片分片寻找。")
        started = timezone.now() - dt.timedelta(minutes=40)
        Mobilisation.objects.filter(pk=recent.pk).update(called_at=started)
        reached = [v.user for v in volunteers if service.reaches(recent, v.user)]
        _answer(ctx, recent, reached[:6], arrive=2, decline=1, started=started)
    ctx.log("volunteers: mobilisation — one past whistle for a flooded basement, one open at grid level")
