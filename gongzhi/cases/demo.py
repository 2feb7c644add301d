"""Demo cases: 300 requests of the main community over the last two months, filed through every
channel and taken through the services to every state (some escalated, whistled, merged, rated
unsatisfied and reopened). Leaves ctx.data["cases"] (list of Case)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.core.errors import DomainError

from . import catalogue_data, services
from .models import Case, Category, Channel, Rating, Result, State

COUNT = 300
# How far each demo case gets: (share, last step).
TARGETS = [
    (0.05, "submitted"), (0.04, "accepted"), (0.10, "dispatched"), (0.18, "in_progress"), (0.03, "verifying"),
    (0.08, "awaiting_rating"), (0.45, "closed"), (0.04, "rejected"), (0.03, "merged"),
]
TITLES = {
    "shared-bikes": "单元门口共享单车堆积", "garbage-collection": "垃圾桶满了没人清运", "neighbour-noise": "楼上深夜噪音",
    "blocked-drain": "下水井堵塞污水外溢", "street-lights": "小区路灯不亮", "property-service": "物业不及时维修",
    "stray-animals": "流浪狗在小区出没", "illegal-construction": "一楼住户私搭乱建", "heating": "暖气不热",
    "elevator": "电梯经常停运", "ev-charging": "希望增设电动车充电桩", "neighbour-dispute": "楼上漏水邻里纠纷",
    "minimum-living": "咨询低保申请条件", "job-seeking": "求职登记", "home-care": "独居老人需要助洁服务",
    "school-enrolment": "咨询孩子入学", "market-order": "早市占道经营", "debris": "楼道杂物堆放",
}


def _pick_target(rng) -> str:
    roll, total = rng.random(), 0.0
    for share, target in TARGETS:
        total += share
        if roll < total:
            return target
    return "closed"


def load(ctx: DemoContext) -> None:
    if not Category.objects.filter(parent__isnull=False).exists():
        catalogue_data.load()
    users = ctx.data.get("users", {})
    buildings = ctx.data["buildings"]
    system = ctx.actor
    resident = users.get("resident")
    leaves = list(Category.objects.filter(code__in=TITLES))
    rng, faker = ctx.rng, ctx.faker
    now = timezone.now()
    cases: list[Case] = []
    open_masters: list[Case] = []
    for index in range(COUNT):
        category = rng.choice(leaves)
        building = rng.choice(buildings)
        created = now - dt.timedelta(days=rng.uniform(0, 60) if index > 20 else rng.uniform(0, 2))
        channel = rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.HALL, Channel.HOTLINE, Channel.VISIT,
                              Channel.PATROL, Channel.MAILBOX])
        values = {
            "channel": channel, "category": category, "title": TITLES[category.code],
            "description": f"{building.name}：{TITLES[category.code]}，{faker.sentence()}", "location": building,
            "now": created, "answers": _answers(category, rng),
        }
        if channel in (Channel.ONLINE, Channel.MAILBOX) and resident is not None and rng.random() < 0.3:
            actor = resident
        else:
            actor = system
            if channel in (Channel.HALL, Channel.HOTLINE, Channel.ONLINE, Channel.MAILBOX):
                values.update(caller_name=faker.name(), caller_phone=faker.phone_number())
        values["anonymous"] = rng.random() < 0.1
        case = services.case_submit(actor=actor, **values)
        cases.append(case)
        _advance(case, _pick_target(rng), rng, system, created, open_masters)
    ctx.data["cases"] = cases
    counts = {s: Case.objects.filter(state=s).count() for s in State.values}
    ctx.log("cases: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))


def _answers(category: Category, rng) -> dict:
    answers = {}
    for q in category.revisions.order_by("-version").first().rules.get("questions", []):
        if not q["required"]:
            continue
        if q["datatype"] == "number":
            answers[q["code"]] = rng.randint(1, 30)
        elif q["values"]:
            answers[q["code"]] = rng.choice(q["values"])["key"]
        else:
            answers[q["code"]] = "示例"
    return answers


def _advance(case: Case, target: str, rng, actor: SystemActor, created: dt.datetime, masters: list[Case]) -> None:
    s = services
    try:
        if target == "submitted":
            return
        if target == "merged" and masters:
            s.case_merge(actor=actor, case=case, master=rng.choice(masters))
            return
        if target == "rejected":
            s.case_reject(actor=actor, case=case, reason="不属于受理范围，已告知居民向物业反映")
            return
        s.case_accept(actor=actor, case=case)
        if target == "accepted":
            masters.append(case)
            return
        s.case_dispatch(actor=actor, case=case)
        if target == "dispatched":
            return
        s.case_claim(actor=actor, case=case)
        contact_at = created + dt.timedelta(hours=rng.choice([0.5, 1, 2, 3, 30]))
        if contact_at < timezone.now():
            s.case_record_contact(actor=actor, case=case, method="phone", note="已电话联系居民，约定上门时间", at=contact_at)
        if rng.random() < 0.15:
            s.case_escalate(actor=actor, case=case, reason="本级协调不了，申请上级协调")
            s.case_claim(actor=actor, case=case)
        case.refresh_from_db()
        if case.level == "street" and rng.random() < 0.5:
            from .models import Case as CaseModel

            departments = list(CaseModel.objects.get(pk=case.pk).location.get_ancestors()[0].departments.all()[:2])
            calls = s.case_whistle(actor=actor, case=case, departments=departments, reason="联合处置，请派员到场", hours=4)
            for call in calls:
                s.whistle_report(actor=actor, call=call, report="已派员到场处置本部门事项")
        if target == "in_progress":
            return
        s.case_resolve(actor=actor, case=case, result=rng.choice([Result.SOLVED] * 4 + [Result.PARTLY, Result.EXPLAINED]),
                       feedback="已到现场处理完毕，并向居民反馈处理结果。")
        case.refresh_from_db()
        if case.state == State.VERIFYING:
            if target == "verifying":
                return
            s.case_verify(actor=actor, case=case, passed=True, note="现场核查属实")
        if target == "awaiting_rating":
            return
        rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED], weights=[70, 20, 10])[0]
        s.case_rate(actor=actor, case=case, rating=rating, solved=rating != Rating.UNSATISFIED, callback=True)
        case.refresh_from_db()
        if case.state == State.REOPENED:
            s.case_reopen(actor=actor, case=case)
            s.case_resolve(actor=actor, case=case, result=Result.SOLVED, feedback="再次上门，问题已解决。")
            case.refresh_from_db()
            if case.state == State.VERIFYING:
                s.case_verify(actor=actor, case=case, passed=True)
            s.case_rate(actor=actor, case=case, rating=Rating.BASIC, solved=True, callback=True)
    except DomainError:
        # A demo path that does not fit this case (e.g. no department to call): leave it where it is.
        return
