"""Demo cases: 300 requests of the main community over the last two months, filed through every
channel and taken through the services to every state (some escalated, whistled, merged, rated
unsatisfied and reopened). Leaves ctx.data["cases"] (list of Case)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, scope
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.core.errors import DomainError

from . import catalogue_data, rollups, routing, services
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


# Where in the building it is, how long it has gone on, what the resident asks: combined with the
# details above they make requests that read like what residents write (no generated filler text).
SPOTS = ["", "", "1单元", "2单元", "单元门口", "楼下", "楼道里", "楼后面"]
SINCE = [
    "从上周开始就这样了。", "已经好几天了。", "昨天晚上十点多又是这样。", "今天早上七点多看到的。", "周末两天一直这样。",
    "之前给物业打过电话，一直没人来。", "上个月反映过一次，到现在还没解决。", "这个情况持续快半个月了。", "",
]
ASKS = [
    "麻烦社区尽快派人来看看。", "希望有关部门管一管。", "家里有老人和孩子，实在着急。", "请尽快处理，谢谢！",
    "希望给个答复。", "能不能帮忙协调一下？", "",
]
# What staff write while they handle a matter, per step (several ways, so the timeline reads real).
CONTACT_NOTES = [
    "已电话联系居民，约定明天上午上门查看。", "已电话联系居民，了解了具体位置和情况。",
    "居民电话未接通，已发短信告知正在处理。", "已和居民微信沟通，下午到现场。",
]
FEEDBACK = {
    "shared-bikes": "已联系共享单车运维人员清运，单元门口已清理干净，并划了停放区。",
    "garbage-collection": "已协调环卫所加派清运车，垃圾已全部拉走，今后每天清运两次。",
    "neighbour-noise": "已上门与楼上住户沟通，对方表示今后晚上十点后不再制造噪音。",
    "blocked-drain": "已联系市政养护队疏通下水井，污水已排净，路面已冲洗。",
    "street-lights": "已报路灯所维修，更换了灯头和线路，路灯已恢复照明。",
    "property-service": "已约谈物业公司负责人，维修已于当天完成，物业承诺48小时内响应报修。",
    "stray-animals": "已联系动物收容机构捕捉带走流浪犬，并提醒居民不要随意投喂。",
    "illegal-construction": "已会同城管执法队现场核查，当事人已自行拆除违建部分。",
    "heating": "已联系热力公司上门排查，放气并清洗了暖气片，室温已恢复到20度以上。",
    "elevator": "已督促维保单位检修，更换了门机部件，电梯已恢复正常运行。",
    "ev-charging": "已与物业商定在车棚加装10个充电口，预计本月底完工，已向居民说明。",
    "neighbour-dispute": "已组织双方到社区调解室调解，楼上住户同意维修防水层并承担费用。",
    "minimum-living": "已向居民说明低保申请条件和所需材料，并指导其在社区窗口递交申请。",
    "job-seeking": "已为居民登记求职意向，推荐了两个岗位，并告知下周的招聘会信息。",
    "home-care": "已为老人申请居家养老助洁服务，每周上门两次，网格员定期探访。",
    "school-enrolment": "已告知学区划分和入学报名时间、所需材料，居民表示清楚了。",
    "market-order": "已会同城管劝离占道摊贩，引导到农贸市场规范经营。",
    "debris": "已通知住户限期清理，物业已将楼道杂物清运完毕，消防通道畅通。",
}
REJECT_REASONS = [
    "属于业主家中自用设施维修，不在受理范围，已告知居民联系物业有偿维修。",
    "属于民事合同纠纷，已告知居民可向法院起诉或申请人民调解。",
    "反映事项不在本社区辖区，已告知居民向所在社区反映。",
]
ESCALATE_REASONS = [
    "涉及多个部门职责，网格和社区协调不了，申请街道协调。", "当事人拒不配合，需要上级协调执法部门。",
    "需要专项资金维修，社区无法解决，申请上级协调。",
]
WHISTLE_REASONS = [
    "需要城管和住建联合到场处置，请派员今天下午到现场。", "涉及违建和安全隐患，请相关部门四小时内到场。",
    "问题反复出现，请部门派员联合执法。",
]
WHISTLE_REPORTS = [
    "已派执法人员到场，责令当事人限期整改。", "已到现场核查，本部门职责部分已处理完毕。",
    "已安排专业人员检修，隐患已排除。",
]
VERIFY_NOTES = ["已到现场核查，问题已解决。", "回访居民，处理结果属实。", "现场查看，已整改到位。"]
REOPEN_FEEDBACK = [
    "再次上门，问题已彻底解决，居民表示认可。", "重新安排维修，已处理好，并留了网格员电话方便随时联系。",
]


def _place_words(building, rng) -> str:
    """Where the resident says it is: 铁建丽苑3号楼2单元, 西站家园12号楼楼下 …"""
    estate = building.estate.name if building.estate_id else ""
    return f"{estate}{building.name}{rng.choice(SPOTS)}"


def _description(building, detail: str, rng) -> str:
    return f"{_place_words(building, rng)}，{detail}。{rng.choice(SINCE)}{rng.choice(ASKS)}"


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
    buildings = list(AreaNode.objects.filter(pk__in=[b.pk for b in buildings]).select_related("estate"))
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
            "description": _description(building, detail, rng), "location": building,
            "answers": _answers(category, rng, building),
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
    buildings = [b for b in AreaNode.objects.filter(pk__in=[b.pk for b in ctx.data["buildings"]]).select_related("estate")
                 if any(b.path.startswith(p) for p in paths)]
    if not buildings:
        return []
    now = timezone.now()
    filed = []
    for hours, code in ((3, "garbage-collection"), (1, "shared-bikes")):
        category = Category.objects.get(code=code)
        case = services.case_submit(
            actor=system, channel=Channel.PATROL, category=category, title=TITLES[code],
            description=f"巡查发现{_place_words(buildings[0], ctx.rng)}，{DETAILS[code][0]}。已拍照，需尽快处理。",
            location=buildings[0], answers=_answers(category, ctx.rng, buildings[0]),
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
    before = rollups.snapshot(case) or Case.objects.filter(pk=case.pk).values(*rollups.FIELDS).first()
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
    # The day's roll-up moves with the filing time (the update above bypasses Case.save).
    after = {**before, "created_at": filed_at, "response_due": response_due}
    rollups.apply(before, after)
    case._rollup_before = after
    return case


def _answers(category: Category, rng, building) -> dict:
    answers = {}
    for q in category.revisions.order_by("-version").first().rules.get("questions", []):
        if not q["required"]:
            continue
        if q["code"] == "temperature":
            answers[q["code"]] = rng.randint(11, 17)
        elif q["datatype"] == "number":
            answers[q["code"]] = rng.randint(1, 8)
        elif q["values"]:
            answers[q["code"]] = rng.choice(q["values"])["key"]
        elif q["code"] == "estate" and building.estate_id:
            answers[q["code"]] = building.estate.name
        else:
            answers[q["code"]] = _place_words(building, rng)
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
            s.case_reject(actor=actor, case=case, reason=rng.choice(REJECT_REASONS))
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
            s.case_record_contact(actor=actor, case=case, method="phone", note=rng.choice(CONTACT_NOTES), at=contact_at)
        if rng.random() < 0.15:
            s.case_escalate(actor=actor, case=case, reason=rng.choice(ESCALATE_REASONS))
            s.case_claim(actor=actor, case=case)
        case.refresh_from_db()
        if case.level == "street" and rng.random() < 0.5:
            from gongzhi.areas.models import AreaNode

            from .models import Case as CaseModel

            location = CaseModel.objects.get(pk=case.pk).location
            departments = list(AreaNode.objects.get_ancestors(location)[0].departments.all()[:2])
            calls = s.case_whistle(actor=actor, case=case, departments=departments, reason=rng.choice(WHISTLE_REASONS), hours=4)
            for call in calls:
                s.whistle_report(actor=actor, call=call, report=rng.choice(WHISTLE_REPORTS))
        if target == "in_progress":
            return
        s.case_resolve(actor=actor, case=case, result=rng.choice([Result.SOLVED] * 4 + [Result.PARTLY, Result.EXPLAINED]),
                       feedback=FEEDBACK.get(case.category.code, "已到现场处理完毕，并向居民反馈了处理结果。"))
        case.refresh_from_db()
        if case.state == State.VERIFYING:
            if target == "verifying":
                return
            s.case_verify(actor=actor, case=case, passed=True, note=rng.choice(VERIFY_NOTES))
        if target == "awaiting_rating":
            return
        rating = rng.choices([Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED], weights=[70, 20, 10])[0]
        s.case_rate(actor=actor, case=case, rating=rating, solved=rating != Rating.UNSATISFIED, callback=True)
        case.refresh_from_db()
        if case.state == State.REOPENED:
            s.case_reopen(actor=actor, case=case)
            s.case_resolve(actor=actor, case=case, result=Result.SOLVED, feedback=rng.choice(REOPEN_FEEDBACK))
            case.refresh_from_db()
            if case.state == State.VERIFYING:
                s.case_verify(actor=actor, case=case, passed=True)
            s.case_rate(actor=actor, case=case, rating=Rating.BASIC, solved=True, callback=True)
    except DomainError:
        # A demo path that does not fit this case (e.g. no department to call): leave it where it is.
        return
