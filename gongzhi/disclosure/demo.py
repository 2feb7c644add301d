"""Demo open books of 瓜州路社区 (the main demo community): a year of notices of every kind (政务 /
事务 / 财务) and timing type written like the community's real notices, most published on time and
a few late; the monthly accounts and quarterly work reports of the schedule; the party service fund
(党组织服务群众专项经费) with its allocation and the drain-clearing spending tied to a blocked-drain
case; the supervision committee's election; its reviews — a question on a notice, answered by a
correction (a new version with its reason), and two rectifications (整改) — and residents'
questions answered in public.

Everything goes through the services (`items`, `money`, `committee`, `questions`) with backdated
`now`/`trigger_at` where the services take one. Uses ctx.data: main_community, users (optional:
without the demo accounts the committee's reviews and questions are left out), cases (optional).
Leaves ctx.data["disclosure"]: items (list of Item), corrected (the corrected item's new version)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.demo import DemoContext
from gongzhi.core.errors import DomainError

from .models import FundEntryKind, ItemKind, Timing, Verdict
from .services import committee, items, money, questions

# (days ago the trigger happened, kind, timing, title, body, days late or 0)
EVENTS = [
    (340, ItemKind.GOVERNMENT, Timing.POLICY, "关于2026年城乡居民基本医疗保险集中参保缴费的通知",
     "2026年度城乡居民医保集中缴费期为即日起至12月31日，个人缴费标准为每人每年400元。"
     "低保对象、特困人员由财政全额资助，请符合条件的居民携带户口簿到社区服务站办理，也可通过“甘肃税务”小程序自助缴费。", 0),
    (300, ItemKind.GOVERNMENT, Timing.POLICY, "瓜州路社区2026年第一批城乡低保对象审核结果公示",
     "经入户调查、民主评议和街道审核，本批新增城乡低保对象3户5人，停保2户3人。"
     "公示期7天，对公示结果有异议的，可向社区居委会或居务监督委员会反映。", 6),
    (270, ItemKind.AFFAIRS, Timing.MAJOR, "铁建丽苑小区加装电梯意见征集结果公示",
     "铁建丽苑3号楼2单元加装电梯意见征集已结束，本单元14户中同意13户，弃权1户，达到法定比例。"
     "下一步将由业主代表委托设计单位出具方案，方案公示后报区住建局审批。", 0),
    (240, ItemKind.AFFAIRS, Timing.TEMPORARY, "关于瓜州路片区临时停水的通知",
     "因市政供水管网检修，5月14日（周四）8:00至18:00瓜州路以东片区停水，请居民提前储水。如遇延时，以自来水公司通知为准。", 0),
    (200, ItemKind.AFFAIRS, Timing.HOT, "关于小区夜间施工噪音问题的答复",
     "近期多位居民反映夜间施工噪音扰民。经社区协调，施工单位已承诺22:00至次日6:00停止高噪音作业，"
     "城管中队将不定期夜查。居民仍可拨打12345或在本页面提出质询。", 0),
    (180, ItemKind.GOVERNMENT, Timing.POLICY, "2026年高龄老人生活补贴申领告知",
     "凡本市户籍、年满80周岁的老年人，可按月享受高龄补贴（80-89周岁每人每月100元，90-99周岁每人每月200元，"
     "100周岁以上每人每月500元）。新满80周岁的老人请本人或家属持身份证、户口簿、银行卡到社区服务站申请。", 0),
    (150, ItemKind.AFFAIRS, Timing.MAJOR, "关于背街小巷环境整治项目实施方案的公示",
     "经社区居民代表会议表决通过，拟对瓜州路后街、铁建丽苑北侧巷道实施路面修补、雨水篦子更换和路灯增设，"
     "预算12.6万元，由区级城市维护资金列支。公示期5个工作日。", 3),
    (120, ItemKind.AFFAIRS, Timing.TEMPORARY, "防汛应急演练通知",
     "7月10日（周五）上午9:30在社区广场开展防汛应急演练，届时将鸣笛并临时封闭广场东侧通道，请居民勿惊慌。", 0),
    (90, ItemKind.GOVERNMENT, Timing.POLICY, "关于开展2026年度残疾人两项补贴资格复核的通知",
     "请享受困难残疾人生活补贴和重度残疾人护理补贴的居民，于9月30日前携带残疾人证到社区服务站完成年度复核，逾期将暂停发放。", 0),
    (60, ItemKind.AFFAIRS, Timing.HOT, "关于供暖初期室温不达标问题的答复",
     "入冬以来部分居民反映室温不达标。社区已会同热力公司对铁建丽苑12栋楼进行排查，更换阀门6处、排气28户，"
     "目前抽测室温均在18℃以上。仍不热的住户请登记，热力公司将在三个工作日内上门。", 0),
    (30, ItemKind.AFFAIRS, Timing.TEMPORARY, "冬季清雪安排通知",
     "降雪期间，社区将组织党员志愿者和物业人员优先清扫主要通道和单元门口，请居民不要将积雪堆放在消防通道上。", 0),
    (8, ItemKind.AFFAIRS, Timing.MAJOR, "关于社区居民公约修订的决议公示",
     "经社区居民代表会议表决（应到45人，实到41人，同意39人），通过修订后的《瓜州路社区居民公约》，新增文明养犬、"
     "垃圾分类和楼道禁放电动车等条款，自公示期满之日起施行。", 0),
]
# (months ago the period was, kind, title, body)
REGULAR = [(ItemKind.FINANCE, "财务收支情况", "本月社区办公经费收入{inc}元，支出{out}元（办公用品、水电、宣传印刷），结余{bal}元。明细见附表。"),
           (ItemKind.AFFAIRS, "社区工作情况", "本季度社区共受理居民诉求{n}件，已办结{d}件；召开居民议事会2次，开展志愿服务活动6场。")]


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    now = timezone.localtime()
    return (now - dt.timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _drain_case(main):
    from gongzhi.cases.models import Case

    return (Case.objects.filter(category__code="blocked-drain", location_path__startswith=main.path).order_by("id").first()
            or Case.objects.filter(location_path__startswith=main.path).order_by("id").first())


def load(ctx: DemoContext) -> None:  # noqa: PLR0915 - one story, told in order
    actor, rng = ctx.actor, ctx.rng
    main = ctx.data["main_community"]
    users = ctx.data.get("users", {})
    staff, supervisor = users.get(Role.COMMUNITY_STAFF), users.get(Role.SUPERVISION)
    resident = users.get(Role.RESIDENT)
    today = timezone.localdate()
    made = []

    # --- the committee's election (before the year's notices: its members are public office holders)
    committee.election_record(
        actor=actor, community=main, held_on=today.replace(month=1, day=1) - dt.timedelta(days=400),
        term_start=today.replace(month=1, day=1) - dt.timedelta(days=395),
        term_end=today.replace(month=1, day=1) - dt.timedelta(days=395) + dt.timedelta(days=5 * 365), voters=43,
        candidates=[committee.Candidate("马秀芳", 41, True, capacity="chair"), committee.Candidate("杨建军", 39, True),
                    committee.Candidate("何玉兰", 36, True), committee.Candidate("张德明", 12)],
        note="经居民代表会议选举产生，任期五年")

    # --- event notices of the year ---------------------------------------------------------------
    for days_ago, kind, timing, title, body, late in EVENTS:
        trigger = _at(days_ago)
        title = title.replace("2026年", f"{trigger.year}年")  # the notices of the demo's own year
        item = items.item_create(actor=actor, community=main, kind=kind, timing_type=timing, title=title, body=body,
                                 trigger_at=trigger, owner=staff)
        when = item.due_at + dt.timedelta(days=late) if late else max(trigger + dt.timedelta(hours=2),
                                                                         min(item.due_at - dt.timedelta(hours=1),
                                                                             trigger + dt.timedelta(days=1)))
        made.append(items.item_publish(actor=actor, item=item, now=min(when, timezone.now())))

    # --- regular business: monthly accounts, quarterly work reports ------------------------------
    for months_ago in range(12, 0, -1):
        first = (today.replace(day=1) - dt.timedelta(days=months_ago * 30)).replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        inc, out = rng.randint(8, 20) * 500, rng.randint(6, 18) * 480
        kind, title, body = REGULAR[0]
        item = items.item_create(actor=actor, community=main, kind=kind, timing_type=Timing.REGULAR,
                                 title=f"{first.year}年{first.month}月{title}",
                                 body=body.format(inc=inc, out=out, bal=inc - out + 20_000),
                                 period_start=first, period_end=last, owner=staff)
        late = 4 if months_ago in (9, 5) else 0
        moment = (item.due_at + dt.timedelta(days=late)) if late else item.due_at - dt.timedelta(days=2)
        if moment < timezone.now():
            made.append(items.item_publish(actor=actor, item=item, now=moment))
        if first.month in (3, 6, 9, 12):
            kind, title, body = REGULAR[1]
            quarter_first = first.replace(month=first.month - 2)
            report = items.item_create(actor=actor, community=main, kind=kind, timing_type=Timing.REGULAR,
                                       title=f"{first.year}年第{first.month // 3}季度{title}",
                                       body=body.format(n=rng.randint(60, 120), d=rng.randint(55, 60)),
                                       period_start=quarter_first, period_end=last, owner=staff)
            moment = report.due_at - dt.timedelta(days=1)
            if moment < timezone.now():
                made.append(items.item_publish(actor=actor, item=report, now=moment))

    # --- the party service fund: the allocation and the drain clearing with its case ------------
    year = today.year
    money.fund_record(actor=actor, community=main, kind=FundEntryKind.ALLOCATION, amount=20_000_000,
                      purpose=f"{year}年度党组织服务群众专项经费拨付", occurred_on=today.replace(month=1, day=1)
                      if today.month > 1 else today, approval="区委组织部拨付文件")
    case = _drain_case(main)
    money.fund_record(actor=actor, community=main, kind=FundEntryKind.SPENDING, amount=380_000,
                      purpose="铁建丽苑下水井堵塞疏通及井盖更换（含吸污车2台班）",
                      occurred_on=today - dt.timedelta(days=45 if today.timetuple().tm_yday > 45 else 0),
                      approval="社区党委会议研究同意、居务监督委员会审核", approved_on=today - dt.timedelta(days=50)
                      if today.timetuple().tm_yday > 50 else today, case_id=case.pk if case else None,
                      project="下水井疏通")
    money.fund_record(actor=actor, community=main, kind=FundEntryKind.SPENDING, amount=126_000,
                      purpose="重阳节走访慰问高龄独居老人慰问品", occurred_on=today - dt.timedelta(days=20)
                      if today.timetuple().tm_yday > 20 else today, approval="社区党委会议研究同意")
    made.append(money.fund_publish_year(actor=actor, community=main, year=year))

    corrected = None
    if staff and supervisor:
        # The committee questions the night-noise answer, then demands a correction of the
        # environment works notice: the owner corrects it (a new version with its reason).
        noise = next(i for i in made if i.title.startswith("关于小区夜间施工噪音"))
        committee.review_item(actor=supervisor, item=noise, verdict=Verdict.QUESTION,
                              comment="答复未写明夜查结果，请补充城管中队夜查情况。")
        works = next(i for i in made if i.title.startswith("关于背街小巷环境整治"))
        committee.review_item(actor=supervisor, item=works, verdict=Verdict.CORRECT,
                              comment="预算金额与居民代表会议决议不一致，决议为11.8万元，请更正。",
                              deadline=today + dt.timedelta(days=5))
        corrected = items.item_correct(
            actor=staff, item=works, title=works.title,
            body=works.body.replace("预算12.6万元", "预算11.8万元"),
            reason="预算金额录入错误，按居民代表会议决议更正为11.8万元")
        rectification = works.rectifications.first()
        if rectification is not None:
            committee.rectification_report(actor=staff, rectification=rectification,
                                           report="已发布更正版本，原版本标注为已更正。")
            committee.rectification_accept(actor=supervisor, rectification=rectification, note="核实无误")
        committee.rectification_create(
            actor=supervisor, community=main, title="公开栏纸质公告更新不及时",
            description="社区公开栏张贴的仍是上季度财务公开表，请在一周内更换并拍照留存。", owner=staff,
            deadline=today + dt.timedelta(days=7))
        approved = next(i for i in made if i.title.startswith("铁建丽苑小区加装电梯"))
        committee.review_item(actor=supervisor, item=approved, verdict=Verdict.APPROVE)
        if resident:
            elderly = next(i for i in made if "高龄老人" in i.title)
            try:
                q = questions.question_ask(actor=resident, item=elderly,
                                           text="我母亲今年刚满80周岁，户口在外区但常住本社区，可以在这里申请吗？")
                questions.question_answer(actor=staff, question=q,
                                          answer="高龄补贴由户籍所在地发放，请到户籍所在社区申请；如需帮助可先到本社区服务站咨询代办。")
                questions.question_ask(actor=resident, item=made[-1], text="慰问品是怎么采购的？有没有比价？")
            except DomainError as exc:  # a demo without the resident's rights still loads
                ctx.log(f"disclosure: questions skipped ({exc})")

    ctx.data["disclosure"] = {"items": made, "corrected": corrected}
    ctx.log(f"disclosure: {len(made)} published notices in {main.name}, the service fund and its drain clearing"
            f"{' (case ' + str(case.pk) + ')' if case else ''}, the committee's election, reviews and rectifications")
