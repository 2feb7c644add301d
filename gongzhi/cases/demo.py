"""Demo cases: 300 requests of the main community over the last two months, filed through every
channel and taken through the services to every state (some escalated, whistled, merged, rated
unsatisfied and reopened). Leaves ctx.data["cases"] (list of Case)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, scope
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.core.errors import DomainError

from . import catalogue_data, routing, services
from .models import Case, CaseEvent, Category, Channel, Rating, Result, State

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
# More ways residents put the same matter, so the demo's triage model learns words, not one title.
DETAILS = {
    "shared-bikes": ["共享单车乱停乱放，堵住了单元门", "几十辆单车堆在路口，轮椅推不过去", "单车停在消防通道上没人管"],
    "garbage-collection": ["垃圾站的垃圾好几天没拉走，异味很大", "垃圾桶满溢，苍蝇很多", "楼下垃圾没人清运，已经堆成小山"],
    "neighbour-noise": ["楼上每天半夜跺脚敲打，吵得睡不着", "邻居家音响声音太大，晚上十二点还在放", "楼上装修电钻声从早到晚"],
    "blocked-drain": ["下水道堵了，污水漫到路面上", "雨水井被树叶堵住，一下雨就积水", "化粪池外溢，臭味熏人"],
    "street-lights": ["小区门口路灯坏了一个多星期，晚上黑漆漆的", "楼道灯不亮，老人上下楼摔过跤", "路灯一直闪，晚上走路不安全"],
    "property-service": ["物业报修三次都没人来", "物业费交了，绿化没人管，门禁也坏了", "物业保安经常不在岗"],
    "stray-animals": ["小区里流浪狗成群，追着孩子叫", "流浪猫在楼道里产崽，晚上叫得厉害", "有野狗咬伤了人，希望尽快处理"],
    "illegal-construction": ["一楼住户在院子里私自加盖房子", "楼顶有人违章搭建彩钢棚", "有人占用公共绿地搭了棚子"],
    "heating": ["家里暖气片冰凉，室温只有十几度", "供暖不热，老人孩子受不了", "暖气管道漏水，屋里也不热"],
    "elevator": ["电梯三天两头停运，老人只能爬楼", "电梯运行时有异响，很害怕", "电梯困人了好几次，维保不及时"],
    "ev-charging": ["小区没有电动车充电桩，只能飞线充电", "希望在车棚里装几个充电桩", "电动车在楼道里充电很危险，需要充电设施"],
    "neighbour-dispute": ["楼上卫生间漏水到我家天花板，协商不成", "邻居占用公共楼道堆东西，说了也不听，吵了起来", "两家因为停车位发生争执"],
    "minimum-living": ["家里收入很低，想问怎么申请低保", "低保复审需要什么材料", "失业后生活困难，能不能办低保"],
    "job-seeking": ["失业了，想找一份工作", "有没有就业培训和招聘会的信息", "大学生毕业想在社区附近就业"],
    "home-care": ["独居老人行动不便，需要上门助洁", "老人一个人在家，希望有人定期探望", "想给老人申请居家养老服务"],
    "school-enrolment": ["孩子明年上小学，学区怎么划分", "随迁子女入学需要哪些材料", "咨询幼儿园入园报名时间"],
    "market-order": ["早市摊贩占道经营，车辆无法通行", "路边摊占了人行道，垃圾满地", "小商贩在小区门口摆摊叫卖"],
    "debris": ["楼道里堆满杂物和纸箱，有火灾隐患", "有人在楼梯间堆放旧家具", "地下室通道被杂物堵死"],
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
        catalogue_data.load(actor=ctx.actor)
    users = ctx.data.get("users", {})
    buildings = ctx.data["buildings"]
    system = ctx.actor
    resident = users.get(Role.RESIDENT)
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
        detail = rng.choice(DETAILS[category.code])
        values = {
            "channel": channel, "category": category,
            "title": TITLES[category.code] if rng.random() < 0.5 else detail.split("，")[0][:20],
            "description": f"{building.name}：{detail}。{faker.sentence()}", "location": building,
            "answers": _answers(category, rng),
        }
        if channel in (Channel.ONLINE, Channel.MAILBOX) and resident is not None and rng.random() < 0.3:
            actor = resident
        else:
            actor = system
            if channel in (Channel.HALL, Channel.HOTLINE, Channel.ONLINE, Channel.MAILBOX):
                values.update(caller_name=faker.name(), caller_phone=faker.phone_number())
        values["anonymous"] = rng.random() < 0.1
        case = backdate(services.case_submit(actor=actor, **values), created)
        cases.append(case)
        _advance(case, _pick_target(rng), rng, system, created, open_masters)
    cases += _waiting_for_the_grid_worker(ctx, system)
    ctx.data["cases"] = cases
    counts = {s: Case.objects.filter(state=s).count() for s in State.values}
    ctx.log("cases: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))


def _waiting_for_the_grid_worker(ctx: DemoContext, system: SystemActor) -> list[Case]:
    """Two grid matters filed this morning in the demo grid worker's grid, dispatched to it and not
    yet claimed, so `wangge` opens the demo with work to claim."""
    worker = ctx.data.get("users", {}).get(Role.GRID_WORKER)
    paths = (scope.scope_paths(worker) or []) if worker is not None else []
    buildings = [b for b in ctx.data["buildings"] if any(b.path.startswith(p) for p in paths)]
    if not buildings:
        return []
    now = timezone.now()
    filed = []
    for hours, code in ((3, "garbage-collection"), (1, "shared-bikes")):
        category = Category.objects.get(code=code)
        case = services.case_submit(
            actor=system, channel=Channel.PATROL, category=category, title=TITLES[code],
            description=f"{buildings[0].name}：{DETAILS[code][0]}。", location=buildings[0],
            answers=_answers(category, ctx.rng),
        )
        case = backdate(case, now - dt.timedelta(hours=hours))
        services.case_accept(actor=system, case=case)
        filed.append(services.case_dispatch(actor=system, case=case))
    return filed


def backdate(case: Case, filed_at: dt.datetime) -> Case:
    """Move a case just filed back to `filed_at` (demo history spreads over weeks): its filing time,
    the time limits counted from then by its rules, and the first line of its timeline. Only for
    demo and test data, right after filing."""
    response_due, handling_due, warn_at = routing.deadlines(filed_at, case.rule.rules)
    Case.objects.filter(pk=case.pk).update(
        created_at=filed_at, response_due=response_due, handling_due=handling_due, handling_warn_at=warn_at
    )
    submitted = CaseEvent.objects.filter(case=case, action="submit").first()
    if submitted is not None:
        params = {**submitted.params, "response_due": response_due, "handling_due": handling_due}
        CaseEvent.objects.filter(pk=submitted.pk).update(created_at=filed_at, params=audit._plain(params))
    case.created_at, case.response_due, case.handling_due, case.handling_warn_at = (
        filed_at, response_due, handling_due, warn_at,
    )
    return case


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
