"""The spot checks demo: the demo street's three publicly selected inspectors (民情巡察员: the
existing `xuncha` account and two more, all with the demo password), last month's sample of the
street's door visits and closed cases, a month of checks — most found in order, one problem
confirmed by the street for a demo grid worker (the deduction the assessment shows), one finding
rejected with the street's reason — and a couple of records still to check."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.services import user_create
from gongzhi.core.demo import DEMO_PASSWORD

from .models import Finding, Inspector, Method, Outcome, ProblemKind, Sample
from .services import findings as finding_services
from .services import inspectors as inspector_services
from .services import samples as sample_services
from .services.inputs import previous_month

# username, display name, how selected
INSPECTORS = [
    ("xuncha", "民情巡察员", "2026年3月西站街道公开选聘，居民代表推荐、街道党工委审定（西街党字〔2026〕12号）"),
    ("xuncha2", "马玉兰", "2026年3月西站街道公开选聘，退休教师，社区居民代表会议推荐（西街党字〔2026〕12号）"),
    ("xuncha3", "张建军", "2026年3月西站街道公开选聘，驻区单位推荐的在职党员（西街党字〔2026〕12号）"),
]

FINE = [
    "回访住户，确认网格员当月上门，了解了家里老人身体情况，住户评价挺好。",
    "电话回访，住户说网格员来过，还帮忙登记了孩子入学的事。",
    "上门核实，走访记录与实际情况一致，楼道卫生也有改善。",
    "回访当事人，诉求已办结，对处理结果基本满意。",
    "电话联系住户，确认已入户，记录属实。",
]


def load(ctx) -> None:
    street = ctx.data.get("street")
    if street is None:
        return
    User = get_user_model()
    staff = User.objects.filter(username="jiedao").first()
    if staff is None:
        return
    actor = ctx.actor
    demo_hash = make_password(DEMO_PASSWORD)
    appointed = dt.date(2026, 3, 18)
    if appointed > timezone.localdate():
        appointed = timezone.localdate() - dt.timedelta(days=60)
    inspectors = []
    for username, name, selection in INSPECTORS:
        account = User.objects.filter(username=username).first() or user_create(
            actor=actor, username=username, password=DEMO_PASSWORD, role=Role.INSPECTOR, nodes=[street],
            display_name=name, title="民情巡察员", check_password_strength=False, password_hash=demo_hash)
        row = Inspector.objects.filter(user=account, street=street, active=True).first()
        inspectors.append(row or inspector_services.inspector_add(actor=staff, street=street, user=account,
                                                                  appointed_on=appointed, selection=selection))
    month = previous_month(timezone.localdate())
    sample = Sample.objects.filter(street=street, month=month).first() or sample_services.sample_draw(
        actor=actor, street=street, month=month, size=15, seed=ctx.seed * 7919 + month.month)
    items = list(sample.items.select_related("inspector__user", "worker").order_by("position"))
    if not items:
        ctx.log("inspections: 3 inspectors, last month had no record to sample")
        return
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate().replace(day=1), dt.time(9)))
    now = timezone.now()

    def moment(index: int) -> dt.datetime:
        return min(now - dt.timedelta(minutes=30), start + dt.timedelta(hours=5 * index))

    grid_worker = next((i for i in items if i.worker.username == "wangge"), items[0])
    others = [i for i in items if i.pk != grid_worker.pk]
    rejected_item = others[0] if others else None
    to_leave = {i.pk for i in others[-2:]} if len(others) > 4 else set()
    for index, item in enumerate(items):
        if item.pk in to_leave or Finding.objects.filter(item=item).exists():
            continue
        who = item.inspector.user
        if item.pk == grid_worker.pk:
            found = finding_services.finding_record(
                actor=who, item=item, method=Method.VISIT, outcome=Outcome.PROBLEM,
                problem_kind=ProblemKind.NOT_VISITED if item.kind == "visit" else ProblemKind.LATE,
                note=("上门核实，住户说那天没人敲门，网格员只在楼下问了邻居，记录写成了入户走访。"
                      if item.kind == "visit" else "回访当事人，说网格员答应两天内处理，实际拖了一个多星期才来。"))
            Finding.objects.filter(pk=found.pk).update(recorded_at=moment(index))
            found = finding_services.finding_confirm(actor=staff, finding=found,
                                                     reason="经街道核实，情况属实，按考核细则扣分。")
            Finding.objects.filter(pk=found.pk).update(decided_at=moment(index + 1))
        elif rejected_item is not None and item.pk == rejected_item.pk:
            found = finding_services.finding_record(
                actor=who, item=item, method=Method.CALL_BACK, outcome=Outcome.PROBLEM,
                problem_kind=ProblemKind.ATTITUDE, note="电话回访，住户说网格员说话有点冲，不太耐烦。")
            Finding.objects.filter(pk=found.pk).update(recorded_at=moment(index))
            found = finding_services.finding_reject(
                actor=staff, finding=found,
                reason="调看走访记录并询问同楼住户，网格员当时是在劝阻住户楼道堆放杂物，属正常工作，不认定为态度问题。")
            Finding.objects.filter(pk=found.pk).update(decided_at=moment(index + 1))
        else:
            found = finding_services.finding_record(
                actor=who, item=item, method=Method.CALL_BACK if index % 3 else Method.VISIT,
                outcome=Outcome.NO_PROBLEM, note=FINE[index % len(FINE)])
            Finding.objects.filter(pk=found.pk).update(recorded_at=moment(index))
    ctx.log(f"inspections: {len(inspectors)} inspectors of {street.name}, {len(items)} records sampled for "
            f"{month:%Y-%m} (seed {sample.seed}); one problem confirmed for {grid_worker.worker}, one rejected")
