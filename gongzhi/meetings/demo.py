"""Demo bodies, a year of meetings, minutes and decisions (seeds 001–004), and the heating
coordination meeting of seed 001.

The bodies: the district's 党建引领基层治理大联盟 (yearly), 西站街道大工委 (quarterly), and in 瓜州路社区
the 大党委 (every two months), the 两委联席会议 (monthly, with party and residents' representatives
sitting in: 列席), 铁建丽苑 四位一体联席会 (community party organisation, residents' committee,
owners' committee, property company; monthly), 居民议事会, 企业联席会, 居民代表会议 (quarterly) and
党员代表会议 (yearly); each grid party branch with its 三会一课 (the 党小组会 is its groups' own) and the monthly 主题党日 "4+X" (the
district's four fixed contents plus the branch's own). Members are the demo accounts (the
community secretary `shuji` chairs the community's bodies, `shequ` keeps their minutes, the demo
party member `dangyuan` sits on the first grid branch), the alliances' member units and named
outside people.

Over the last twelve months every period gets its meeting: past ones held, with attendance,
approved minutes and decisions (most done on time, some late, some still open past the deadline),
one cancelled and re-held, one period of the residents' council missed and flagged; the coming ones
planned. A heating case in 铁建丽苑 (seed 001: "入冬未通暖") gets two coordination meetings of the
developer, the property company, the heating company and residents, whose decisions land on the
case, until the estate has heating and the case is resolved.

Creation goes through the services (`bodies.body_create`, `member_add`, `theme_day_content_save`,
`meetings.meeting_create`, the cases services); the history (states, sign-ins, minutes, decisions)
is written in bulk, without audit rows of its own (the demo backdates, the services never do).

Uses ctx.data: district, street, main_community, grids, units, estates, departments, users,
party (optional), cases (optional). Leaves ctx.data["meetings"]: bodies (dict key → Body),
heating_case, coordination (list of Meeting)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import DateTimeField, ExpressionWrapper, OuterRef, Subquery
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import UnitKind
from gongzhi.core.demo import DemoContext
from gongzhi.core.errors import DomainError

from .models import (
    CADENCE_MONTHS,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Cadence,
    Decision,
    DecisionOwner,
    DecisionState,
    DecisionUpdate,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    Minutes,
    MinutesState,
    SignInMethod,
    period_of,
    quorum_met,
)
from .services import bodies as body_services
from .services import meetings as meeting_services

# The district's four fixed contents of the monthly theme party day (the "4" of "4+X").
THEME_DAY_FIXED = ["重温入党誓词", "集中学习党的创新理论", "按时足额交纳党费", "开展“我为群众办实事”志愿服务"]
THEME_DAY_X = ["为独居老人清扫楼道、更换灯泡", "垃圾分类入户宣传", "清理小区卫生死角", "为高龄老人理发",
               "走访慰问困难党员", "消防安全隐患排查", "文明养犬宣传", "反诈骗知识宣讲", "共享单车集中整理",
               "楼道小广告清理", "防汛物资清点", "参观八路军驻兰办事处纪念馆"]
LECTURES = ["学习党章，做合格党员", "基层治理中的党员先锋作用", "传承红色基因，践行初心使命", "以党建引领破解小区治理难题"]

# Matters studied (agenda) and decisions taken, by kind of body.
MATTERS = {
    "district": [("研究部署全区“党建引领基层治理”年度重点任务", "全区推行“主题党日4+X”，固定内容不少于四项，各街道于月底前报送开展情况"),
                 ("审议区直部门与街道共驻共建项目清单", "区直部门与九个街道签订共驻共建协议，每个部门认领项目不少于两项")],
    "street": [("通报驻区单位认领民生项目进展", "大工委成员单位每季度认领民生项目不少于一项，街道党工委跟踪督办"),
               ("研究兰州西站枢纽周边交通秩序问题", "街道牵头，派出所、交警中队、城管中队每周联合整治一次枢纽周边乱停乱放"),
               ("研究老旧小区改造中的加装电梯问题", "街道城建办汇总各社区加装电梯意向，统一报区住建局申请补助"),
               ("研究背街小巷环境整治", "背街小巷环境整治纳入街道月度考核，排名末位的社区作说明")],
    "alliance": [("驻区单位停车位错时共享", "兰州银行西站支行、西站商业广场夜间开放停车位120个，供周边居民错时停车"),
                 ("社区卫生服务进小区", "西站社区卫生服务中心每月第二个周六到瓜州路小区开展义诊"),
                 ("老旧线路安全隐患", "国网七里河供电公司对瓜州路小区1至6号楼老旧线路开展一次隐患排查"),
                 ("学校体育场地对居民开放", "七里河区第一小学寒暑假期间开放操场，社区负责登记和安全巡查"),
                 ("困难家庭微心愿认领", "各成员单位认领困难家庭微心愿，春节前全部兑现")],
    "two_committees": [("独居老人关爱走访", "网格员本月完成辖区独居老人走访全覆盖，建立一人一档"),
                       ("社区食堂老年助餐", "社区食堂增设老年助餐窗口，80岁以上老人每餐减免3元"),
                       ("居民反映集中的问题梳理", "对本月居民反映最多的三件事逐件明确责任人和完成时限"),
                       ("低保、临时救助对象审核", "低保复审材料月底前报街道，临时救助对象在社区公示七天"),
                       ("汛期安全准备", "清点防汛物资，对地下室、低洼处张贴警示标识")],
    "four_in_one": [("3号楼单元门禁损坏", "物业公司两周内修复3号楼、5号楼单元门禁"),
                    ("电动车充电难", "业委会牵头征集充电桩安装意见，物业公司提出选址方案"),
                    ("地下室堆物", "物业公司清理地下室通道堆物，社区网格员督导"),
                    ("小区路灯不亮", "物业公司更换破损路灯8盏，费用从公共收益中列支"),
                    ("物业费收缴和公共收益公示", "物业公司每季度在公示栏公示公共收益收支明细"),
                    ("楼顶防水渗漏", "物业公司对7号楼楼顶渗漏进行维修，业委会验收")],
    "residents_council": [("小区东门非机动车乱停", "在小区东门增设非机动车停放区，由物业公司施划停车线"),
                          ("老旧小区加装电梯", "加装电梯意见征集，单元同意率达到三分之二后由社区协助申报"),
                          ("广场舞噪音扰民", "广场舞活动时间调整为19:00至20:30，音量由文体队自行管控")],
    "units_joint": [("驻区企业就业岗位对接", "西站商业广场提供场地，社区联合人社所举办一场招聘会"),
                    ("门前三包责任落实", "沿街商户签订门前三包责任书，社区每月检查一次")],
    "residents_assembly": [("社区居民公约修订", "表决通过《瓜州路社区居民公约》修订稿，张贴到各单元门口"),
                           ("社区惠民资金使用方案", "表决通过惠民资金使用方案，结果在社区公示栏公示七天")],
    "party_representatives": [("年度党建工作报告", "审议通过社区党委年度工作报告，评选表彰优秀共产党员10名")],
    "party_branch": [("发展党员工作", "确定一名入党积极分子为发展对象，报社区党委预审"),
                     ("党员联系户调整", "每名党员联系5至8户居民，名单在楼栋公示")],
}
OWNER_UNITS = {"alliance": None, "four_in_one": "property", "residents_council": "property"}
ABSENCE_REASONS = ["因病请假", "单位值班", "外出学习", "家中有事", "出差在外"]


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class _History:
    """The meetings made, with what happened at each (written in bulk at the end)."""

    def __init__(self, ctx: DemoContext):
        self.ctx = ctx
        self.held: list[tuple[Meeting, str, list[tuple[str, str]]]] = []  # meeting, matter key, decisions

    def meeting(self, body: Body, kind: str, title: str, start: dt.datetime, *, period=None, agenda=(),
                location="瓜州路社区党群服务中心会议室", matters_key: str = "", decisions=(), state=None, **extra):
        m = meeting_services.meeting_create(
            actor=self.ctx.actor, body=body, kind=kind, title=title, starts_at=start,
            ends_at=start + dt.timedelta(hours=2), location=location, period=period, agenda=list(agenda), **extra,
        )
        if state is None:
            state = MeetingState.HELD if start < timezone.now() - dt.timedelta(hours=3) else MeetingState.PLANNED
        if state == MeetingState.HELD:
            self.held.append((m, matters_key, list(decisions)))
        elif state != MeetingState.PLANNED:
            Meeting.objects.filter(pk=m.pk).update(state=state)
        return m


def load(ctx: DemoContext) -> None:  # noqa: PLR0915 - one story, told in order
    rng, faker, actor = ctx.rng, ctx.faker, ctx.actor
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    district, street, main = ctx.data["district"], ctx.data["street"], ctx.data["main_community"]
    users = ctx.data.get("users", {})
    party = ctx.data.get("party", {})
    units = list(ctx.data.get("units", []))
    estates = list(ctx.data.get("estates", []))
    departments = ctx.data.get("departments", {})
    grids = ctx.data.get("grids", {}).get(main.code, [])
    secretary, worker = users.get(Role.COMMUNITY_STAFF), None
    if "users" in ctx.data:
        from gongzhi.accounts.models import User

        worker = User.objects.filter(username="shequ").first()
    history = _History(ctx)
    set_up = dt.datetime(today.year - 2, 3, 1, 9, 0, tzinfo=tz)  # the bodies have met for two years

    # --- the district's four fixed contents of the theme day -----------------------------------
    for position, title in enumerate(THEME_DAY_FIXED, start=1):
        body_services.theme_day_content_save(actor=actor, district=district, position=position, title=title)

    # --- bodies --------------------------------------------------------------------------------
    alliances = party.get("alliances", {})
    made: dict[str, Body] = {}

    def body(key, kind, name, area, cadence, **extra) -> Body:
        made[key] = body_services.body_create(actor=actor, kind=kind, name=name, area=area, cadence=cadence, **extra)
        return made[key]

    def member(b: Body, capacity=MemberRole.MEMBER, **values):
        try:
            return body_services.member_add(actor=actor, body=b, capacity=capacity, **values)
        except DomainError:
            return None  # already on the body (an account also named in a registry)

    def officers(b: Body, chair_name: str = "", chair_title: str = "", *, chair=secretary, clerk=worker) -> None:
        if chair is not None:
            member(b, MemberRole.CHAIR, user=chair, title=chair_title)
        else:
            member(b, MemberRole.CHAIR, name=chair_name or faker.name(), title=chair_title)
        if clerk is not None:
            member(b, MemberRole.SECRETARY, user=clerk, title="社区工作者")

    def alliance_members(b: Body, alliance) -> None:
        if alliance is None:
            for unit in units[4:10]:
                member(b, unit=unit, name=unit.contact_name or faker.name(), title=f"{unit.name}负责人")
            return
        for row in alliance.members.select_related("unit").all():
            member(b, unit=row.unit, name=row.representative_name, title=f"{row.unit.name}{row.representative_title}")

    committees = party.get("community_committees", {})
    district_committee, street_committee = party.get("district_committee"), party.get("street_committee")

    b = body("district", BodyKind.ALLIANCE, f"{district.name}党建引领基层治理大联盟", district, Cadence.YEARLY,
             alliance=alliances.get("district"), party_organization=district_committee)
    officers(b, district_committee.secretary_name if district_committee else faker.name(), "区委副书记",
             chair=None, clerk=users.get(Role.DISTRICT_ADMIN))
    member(b, name=faker.name(), title=f"{street.name}党工委书记")
    alliance_members(b, alliances.get("district"))

    b = body("street", BodyKind.ALLIANCE, f"{street.name}大工委", street, Cadence.QUARTERLY,
             alliance=alliances.get("street"), party_organization=street_committee)
    officers(b, street_committee.secretary_name if street_committee else faker.name(), "街道党工委书记",
             chair=None, clerk=users.get(Role.STREET_STAFF))
    if secretary is not None:
        member(b, user=secretary, title=f"{main.name}党委书记")
    alliance_members(b, alliances.get("street"))
    if users.get(Role.INSPECTOR) is not None:
        member(b, MemberRole.OBSERVER, user=users[Role.INSPECTOR], title="民情巡察员（列席）")

    community_committee = committees.get(main.code)
    b = body("alliance", BodyKind.ALLIANCE, f"{main.name}大党委", main, Cadence.BIMONTHLY,
             alliance=alliances.get("community"), party_organization=community_committee)
    officers(b, chair_title="社区党委书记")
    alliance_members(b, alliances.get("community"))

    b = body("two_committees", BodyKind.TWO_COMMITTEES, f"{main.name}两委联席会议", main, Cadence.MONTHLY,
             party_organization=community_committee)
    officers(b, chair_title="社区党委书记、居委会主任")
    for title in ("社区党委副书记", "居委会副主任", "社区党委委员", "居委会委员"):
        member(b, name=faker.name(), title=title)
    if users.get(Role.SUPERVISION) is not None:
        member(b, MemberRole.OBSERVER, user=users[Role.SUPERVISION], title="居务监督委员会主任（列席）")
    member(b, MemberRole.OBSERVER, name=faker.name(), title="党员代表（列席）")
    member(b, MemberRole.OBSERVER, name=faker.name(), title="居民代表（列席）")

    estate = next((e for e in estates if e.name == "铁建丽苑"), estates[0] if estates else None)
    company = estate.property_company if estate is not None else next(
        (u for u in units if u.kind == UnitKind.PROPERTY_COMPANY), None)
    estate_name = estate.name if estate is not None else "铁建丽苑"
    b = body("four_in_one", BodyKind.FOUR_IN_ONE, f"{estate_name}四位一体联席会", main, Cadence.MONTHLY, estate=estate,
             description="社区党组织、居委会、业主委员会、物业服务企业四方联席，每月研究小区治理事项。")
    officers(b, chair_title="社区党委书记")
    member(b, name=faker.name(), title="居委会委员（分管物业）")
    owners_contact = getattr(estate, "owners_committee_contact_name", "") or faker.name()
    member(b, name=owners_contact, title=f"{estate_name}业主委员会主任")
    if company is not None:
        member(b, unit=company, name=company.contact_name or faker.name(), title=f"{company.name}项目经理")
    if users.get("grid_worker_2") is not None:
        member(b, MemberRole.OBSERVER, user=users["grid_worker_2"], title="网格员（列席）")

    b = body("residents_council", BodyKind.RESIDENTS_COUNCIL, f"{main.name}居民议事会", main, Cadence.QUARTERLY)
    officers(b, chair_title="社区党委书记")
    for i in range(7):
        member(b, name=faker.name(), title=f"居民议事员（{i + 1}号楼）")
    b = body("units_joint", BodyKind.UNITS_JOINT, f"{main.name}企业联席会", main, Cadence.QUARTERLY)
    officers(b, chair_title="社区党委书记")
    for unit in [u for u in units if u.kind == UnitKind.ENTERPRISE][:5]:
        member(b, unit=unit, name=unit.contact_name or faker.name(), title=f"{unit.name}负责人")
    b = body("residents_assembly", BodyKind.RESIDENTS_ASSEMBLY, f"{main.name}居民代表会议", main, Cadence.QUARTERLY)
    officers(b, chair_title="居委会主任")
    for i in range(12):
        member(b, name=faker.name(), title=f"居民代表（第{i % 6 + 1}网格）")
    b = body("party_representatives", BodyKind.PARTY_REPRESENTATIVES, f"{main.name}党员代表会议", main, Cadence.YEARLY,
             party_organization=community_committee)
    officers(b, chair_title="社区党委书记")
    for i in range(9):
        member(b, name=faker.name(), title=f"党员代表（第{i % 6 + 1}网格党支部）")

    # The grid party branches, members from their groups (the demo party member on the first).
    from gongzhi.party.models import PartyMember, PartyOrganization

    branches = [o for o in party.get("branches", []) if o.is_grid_branch][: len(grids) or 6]
    branch_bodies: list[Body] = []
    for index, org in enumerate(branches):
        bb = body(f"branch_{index + 1}", BodyKind.PARTY_BRANCH, org.name, org.area, Cadence.NONE,
                  party_organization=org)
        # The 党小组会 is each party group's own meeting, not the branch's.
        body_services.cadence_set(actor=actor, body=bb, kind=MeetingKind.GROUP_MEETING, cadence=Cadence.NONE)
        member(bb, MemberRole.CHAIR, name=org.secretary_name or faker.name(), title="支部书记")
        groups = PartyOrganization.objects.filter(path__startswith=org.path).exclude(pk=org.pk)
        people = list(PartyMember.objects.filter(organization__in=groups).order_by("id")[:10])
        for pm in people:
            member(bb, MemberRole.SECRETARY if pm is people[1] else MemberRole.MEMBER, party_member=pm, user=pm.user,
                   title="支部委员" if pm is people[1] else "党员")
        branch_bodies.append(bb)
    Body.objects.filter(pk__in=[x.pk for x in made.values()]).update(created_at=set_up)

    # --- a year of meetings, period by period ------------------------------------------------
    label = {MeetingKind.BRANCH_ASSEMBLY: "支部党员大会", MeetingKind.BRANCH_COMMITTEE: "支委会",
             MeetingKind.GROUP_MEETING: "党小组会", MeetingKind.PARTY_LECTURE: "党课", MeetingKind.THEME_DAY: "主题党日"}
    hour = {MeetingKind.THEME_DAY: 15, MeetingKind.PARTY_LECTURE: 15}
    first_day = today - dt.timedelta(days=364)
    skipped = {("residents_council", 1)}  # the council's second period in the window: missed, flagged
    cancelled = ("two_committees", 4)  # the two committees' fifth month: cancelled, then held later that month
    for key, b in made.items():
        matters_key = "party_branch" if key.startswith("branch_") else key
        for cadence_row in b.cadences.all():
            months = CADENCE_MONTHS[cadence_row.cadence]
            period = period_of(cadence_row.cadence, first_day)
            n = 0
            while period[0] <= today + dt.timedelta(days=31):
                start, end = period
                span = (end - start).days
                day = _weekday(start + dt.timedelta(days=rng.randint(span // 5, max(span // 5, span * 2 // 3))))
                when = dt.datetime.combine(day, dt.time(hour.get(cadence_row.kind, rng.choice([9, 14])), 30), tzinfo=tz)
                kind = cadence_row.kind
                if kind == MeetingKind.REGULAR:
                    title = f"{b.name}{start.month}月会议" if months == 1 else f"{b.name}{start.year}年第{n + 1}次会议"
                    picks = rng.sample(MATTERS[matters_key], min(len(MATTERS[matters_key]), rng.choice([1, 2, 2, 3])))
                    agenda = [{"title": m} for m, _d in picks]
                    decisions = [d for _m, d in picks]
                elif kind == MeetingKind.THEME_DAY:
                    x = THEME_DAY_X[(start.month + len(key)) % len(THEME_DAY_X)]
                    title = f"{start.month}月主题党日：{x}"
                    agenda = [{"title": t, "is_fixed_content": True} for t in THEME_DAY_FIXED] + [{"title": x}]
                    decisions = []
                elif kind == MeetingKind.PARTY_LECTURE:
                    lecture = LECTURES[(start.month // 3) % len(LECTURES)]
                    title, agenda, decisions = f"党课：{lecture}", [{"title": lecture}], []
                else:
                    picks = rng.sample(MATTERS["party_branch"], 1) if kind == MeetingKind.BRANCH_COMMITTEE else []
                    title = f"{start.month}月{label.get(kind, '会议')}"
                    agenda = [{"title": m} for m, _d in picks] or [{"title": "学习传达上级会议精神"}]
                    decisions = [d for _m, d in picks if rng.random() < 0.5]
                if key.startswith("branch_") and kind != MeetingKind.THEME_DAY and when < now and rng.random() < 0.08:
                    pass  # a branch meeting that did not take place: the period shows as missed
                elif (key, n) in skipped and when < now:
                    m = history.meeting(b, kind, title, when, period=period, agenda=agenda, state=MeetingState.PLANNED)
                    Meeting.objects.filter(pk=m.pk).update(
                        missed_flagged_at=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(2, 0), tzinfo=tz))
                elif (key, n) == cancelled and when < now:
                    history.meeting(b, kind, title, when, period=period, agenda=agenda, state=MeetingState.CANCELLED)
                    Meeting.objects.filter(body=b, period_start=start, state=MeetingState.CANCELLED).update(
                        state_reason="与街道大工委季度会议时间冲突，改期召开")
                    later = min(when + dt.timedelta(days=7), dt.datetime.combine(end, dt.time(14, 30), tzinfo=tz))
                    history.meeting(b, kind, f"{title}（改期）", later, period=period, agenda=agenda,
                                    matters_key=matters_key, decisions=decisions)
                else:
                    history.meeting(b, kind, title, when, period=period, agenda=agenda, matters_key=matters_key,
                                    decisions=decisions)
                n += 1
                period = period_of(cadence_row.cadence, end + dt.timedelta(days=1))

    # A public hearing on the lift (seed 004) and an extraordinary meeting of the 大党委.
    when = dt.datetime.combine(_weekday(today - dt.timedelta(days=75)), dt.time(9, 30), tzinfo=tz)
    history.meeting(made["residents_council"], MeetingKind.HEARING, "瓜州路小区3号楼加装电梯听证会", when,
                    agenda=[{"title": "3号楼加装电梯方案及费用分摊听证"}], matters_key="residents_council",
                    decisions=["一楼住户补偿方案按听证意见修改后再公示七天"],
                    guests=[{"name": faker.name(), "organization": "兰州奥的斯电梯工程有限公司", "capacity": MemberRole.OBSERVER,
                             "phone": faker.phone_number()}])
    when = dt.datetime.combine(_weekday(today - dt.timedelta(days=130)), dt.time(14, 30), tzinfo=tz)
    history.meeting(made["alliance"], MeetingKind.EXTRAORDINARY, f"{main.name}大党委临时会议：汛期安全", when,
                    agenda=[{"title": "强降雨天气低洼小区排水和人员转移"}], matters_key="alliance",
                    decisions=["驻区单位每家出两名志愿者参与汛期巡查，社区统一排班"])

    # --- the heating case and its coordination meetings (seed 001) ------------------------------
    coordination, heating_case = _heating(ctx, history, estate, company, secretary, worker, departments)

    # --- what happened at the held meetings ----------------------------------------------------
    _write_history(ctx, history, company, secretary, departments)
    ctx.data["meetings"] = {"bodies": made, "heating_case": heating_case, "coordination": coordination}
    ctx.log(f"meetings: {len(made)} bodies, {Meeting.objects.count()} meetings "
            f"({len(history.held)} held), {Decision.objects.count()} decisions")


def _heating(ctx, history: _History, estate, company, secretary, worker, departments):
    """A heating case in 铁建丽苑 (filed in this heating season's first week, or last season's before
    the end of November), two coordination meetings of its parties, heating restored, case resolved."""
    from gongzhi.cases import services as case_services
    from gongzhi.cases.demo import backdate
    from gongzhi.cases.models import CaseEvent, Category, Channel, Result

    rng, faker, actor = ctx.rng, ctx.faker, ctx.actor
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    season = dt.date(today.year, 11, 1) if today >= dt.date(today.year, 11, 28) else dt.date(today.year - 1, 11, 1)
    category = Category.objects.filter(code="heating").first()
    buildings = [b for b in ctx.data.get("buildings", []) if estate is not None and b.estate_id == estate.pk] or \
        list(ctx.data.get("buildings", []))
    location = buildings[min(2, len(buildings) - 1)] if buildings else ctx.data["main_community"]
    estate_name = estate.name if estate is not None else "铁建丽苑"
    filed = dt.datetime.combine(season + dt.timedelta(days=2), dt.time(9, 10), tzinfo=tz)
    case = case_services.case_submit(
        actor=actor, channel=Channel.HOTLINE, category=category, title=f"{estate_name}{location.name}入冬未通暖",
        description=(f"{estate_name}{location.name}和5号楼从11月1日开栓到现在暖气片一直是凉的，室温只有十二三度，"
                     "家里有老人和孩子。问物业说是开发商的二次管网还没跟热力公司接上，一直推来推去，希望尽快解决。"),
        location=location, caller_name=faker.name(), caller_phone=faker.phone_number(),
        answers=_answers(category, rng, location) if category else None,
    )
    case = backdate(case, filed)
    steps = []
    try:
        for step in (case_services.case_accept, case_services.case_dispatch, case_services.case_claim):
            step(actor=actor, case=case)
            steps.append(step)
        case_services.case_record_contact(actor=actor, case=case, method="visit",
                                          note="社区书记带网格员入户测温，3号楼、5号楼室温12℃至14℃", at=filed + dt.timedelta(hours=3))
    except DomainError:
        pass

    def parties(extra=()):
        people = [
            {"name": faker.name(), "organization": "甘肃铁建置业有限公司（开发商）", "phone": faker.phone_number()},
            {"name": company.contact_name if company is not None and company.contact_name else faker.name(),
             "organization": company.name if company is not None else "中铁建物业管理有限公司", "phone": faker.phone_number()},
            {"name": faker.name(), "organization": "兰州热力集团七里河供热分公司", "phone": faker.phone_number()},
            {"name": faker.name(), "organization": f"{estate_name}{location.name}居民代表", "phone": faker.phone_number()},
            {"name": faker.name(), "organization": f"{estate_name}5号楼居民代表", "phone": faker.phone_number()},
            {"name": faker.name(), "organization": f"{estate_name}业主委员会", "phone": faker.phone_number()},
        ]
        if secretary is not None:
            people.insert(0, {"user": secretary, "capacity": MemberRole.CHAIR, "organization": "社区党委"})
        if worker is not None:
            people.insert(1, {"user": worker, "capacity": MemberRole.SECRETARY, "organization": "社区居委会"})
        return people + list(extra)

    meetings = []
    plan = [
        (6, f"{estate_name}供暖问题协调会", [
            ("3号楼、5号楼入冬未通暖的原因", "开发商5日内完成二次管网与热力公司主管网接驳施工", "developer", 5, 3),
            ("接驳、打压试水和通暖的时间表", "热力公司在接驳完成后48小时内完成打压试水并恢复供热", "heating", 7, 0),
            ("通暖前的居民安抚", "物业公司每天在业主群通报施工进度，并入户排查暖气片跑冒滴漏", "property", 7, -1)]),
        (15, f"{estate_name}供暖问题第二次协调会", [
            ("通暖后低温户回访", "热力公司对室温低于18℃的住户逐户调试，社区逐户回访测温", "heating", 5, -1),
            ("延迟供暖期间的采暖费", "开发商承担延迟供暖期间的采暖费减免，物业公司在缴费时直接抵扣", "developer", 20, -2)]),
    ]
    for offset, title, items in plan:
        when = dt.datetime.combine(_weekday(season + dt.timedelta(days=offset)), dt.time(15, 0), tzinfo=tz)
        m = meeting_services.meeting_create(
            actor=actor, case=case, area=ctx.data["main_community"], kind=MeetingKind.COORDINATION, title=title,
            starts_at=when,
            ends_at=when + dt.timedelta(hours=2), location="瓜州路社区党群服务中心一楼会议室",
            agenda=[{"title": t, "case": case} for t, _d, _o, _days, _late in items], guests=parties(),
        )
        Meeting.objects.filter(pk=m.pk).update(state=MeetingState.HELD)
        history.held.append((m, "heating", [(d, o, days, late) for _t, d, o, days, late in items]))
        meetings.append(m)
    restored = dt.datetime.combine(season + dt.timedelta(days=19), dt.time(16, 0), tzinfo=tz)
    try:
        case_services.case_resolve(actor=actor, case=case, result=Result.SOLVED,
                                   feedback="二次管网已接驳，3号楼、5号楼于本月恢复供暖，社区回访测温均在18℃以上。")
    except DomainError:
        pass
    # The case's timeline follows the story's days (demo-only backdating).
    events = list(CaseEvent.objects.filter(case=case).order_by("created_at", "id"))
    for i, event in enumerate(events[1:], start=1):
        at = restored if event.action == "resolve" else filed + dt.timedelta(hours=i)
        CaseEvent.objects.filter(pk=event.pk).update(created_at=at)
    return meetings, case


def _answers(category, rng, building) -> dict:
    from gongzhi.cases.demo import _answers as answers

    return answers(category, rng, building)


def _write_history(ctx, history: _History, company, secretary, departments) -> None:
    """Sign-ins, approved minutes and decisions (with owners and progress) of the held meetings, in bulk."""
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    ids = [m.pk for m, _k, _d in history.held]
    Meeting.objects.filter(pk__in=ids).update(state=MeetingState.HELD)
    rows = list(Attendance.objects.filter(meeting_id__in=ids).order_by("pk"))
    by_meeting: dict[int, list[Attendance]] = defaultdict(list)
    for row in rows:
        by_meeting[row.meeting_id].append(row)
    # Sign-ins: one UPDATE per (status, method, reason) rather than a row-by-row bulk_update
    # (Django's CASE per row is slow); present people signed in a few minutes before the start.
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for attendees in by_meeting.values():
        for row in attendees:
            roll = rng.random()
            if row.capacity in (MemberRole.CHAIR, MemberRole.SECRETARY) or roll < 0.84:
                row.status = AttendanceStatus.PRESENT
                key = (row.status, rng.choice([SignInMethod.CODE, SignInMethod.QR, SignInMethod.SECRETARY]), "")
            elif roll < 0.95:
                row.status = AttendanceStatus.EXCUSED
                key = (row.status, "", rng.choice(ABSENCE_REASONS))
            else:
                row.status = AttendanceStatus.ABSENT
                key = (row.status, "", "")
            groups[key].append(row.pk)
    before_start = ExpressionWrapper(
        Subquery(Meeting.objects.filter(pk=OuterRef("meeting_id")).values("starts_at")[:1]) - dt.timedelta(minutes=6),
        output_field=DateTimeField(),
    )
    for (status, via, reason), pks in groups.items():
        values = {"status": status, "signed_in_via": via, "absence_reason": reason}
        if status == AttendanceStatus.PRESENT:
            values["signed_in_at"] = before_start
        Attendance.objects.filter(pk__in=pks).update(**values)
    # The counts refresh_counts keeps, one UPDATE per distinct (expected, present, quorate).
    meetings = {m.pk: m for m, _k, _d in history.held}
    counted: dict[tuple[int, int, bool], list[int]] = defaultdict(list)
    for meeting_id, m in meetings.items():
        voting = [r for r in by_meeting.get(meeting_id, []) if r.counts_for_quorum]
        m.expected_count = len(voting)
        m.present_count = sum(1 for r in voting if r.status == AttendanceStatus.PRESENT)
        m.is_quorate = quorum_met(m.quorum_rule, m.present_count, m.expected_count)
        counted[(m.expected_count, m.present_count, m.is_quorate)].append(meeting_id)
    for (expected, present, quorate), pks in counted.items():
        Meeting.objects.filter(pk__in=pks).update(expected_count=expected, present_count=present, is_quorate=quorate)

    agenda = defaultdict(list)
    for item in AgendaItem.objects.filter(meeting_id__in=ids).order_by("meeting_id", "position"):
        agenda[item.meeting_id].append(item)
    chair_names = {r.meeting_id: r.name for r in rows if r.capacity == MemberRole.CHAIR}
    owners_by_key = {
        "developer": {"name": "甘肃铁建置业有限公司"},
        "heating": {"name": "兰州热力集团七里河供热分公司"},
        "property": {"unit": company, "name": company.name} if company is not None else {"name": "物业公司"},
    }
    decisions, owners, minutes, updates = [], [], [], []
    for m, matters_key, texts in history.held:
        items = [a for a in agenda[m.pk] if not a.is_fixed_content]
        made = []
        for number, text in enumerate(texts, start=1):
            if matters_key == "heating":
                text, owner_key, days, late = text
                deadline = timezone.localdate(m.starts_at) + dt.timedelta(days=days)
                done_day = deadline + dt.timedelta(days=late)
                done_at = dt.datetime.combine(done_day, dt.time(17, 0), tzinfo=tz) if done_day < today else None
                state = DecisionState.DONE if done_at else DecisionState.OPEN
                owner = owners_by_key[owner_key]
            else:
                deadline = timezone.localdate(m.starts_at) + dt.timedelta(days=rng.choice([7, 14, 21, 30, 45]))
                roll = rng.random()
                state, done_at = DecisionState.OPEN, None
                if deadline < today:
                    if roll < 0.72:
                        day = max(timezone.localdate(m.starts_at) + dt.timedelta(days=1),
                                  deadline - dt.timedelta(days=rng.randint(0, 5)))
                        state, done_at = DecisionState.DONE, dt.datetime.combine(day, dt.time(17, 30), tzinfo=tz)
                    elif roll < 0.86:
                        day = min(today - dt.timedelta(days=1), deadline + dt.timedelta(days=rng.randint(2, 15)))
                        state, done_at = DecisionState.DONE, dt.datetime.combine(day, dt.time(17, 30), tzinfo=tz)
                elif roll < 0.2:
                    state, done_at = DecisionState.DONE, min(now, m.starts_at + dt.timedelta(days=3))
                owner = _owner(matters_key, text, company, secretary, departments)
            d = Decision(meeting=m, agenda_item=items[min(number - 1, len(items) - 1)] if items else None,
                         case=m.case, number=number, text=text, deadline=deadline, state=state, done_at=done_at,
                         done_note="已办结，办理结果已在社区公示栏和居民群公示。" if done_at else "")
            decisions.append(d)
            made.append((d, owner))
        text = _minutes_text(m, chair_names.get(m.pk, ""), items, [d.text for d, _o in made])
        minutes.append(Minutes(meeting=m, version=1, text=text, state=MinutesState.APPROVED,
                               written_by=None, approved_at=m.starts_at + dt.timedelta(days=1)))
        for d, owner in made:
            owners.append((d, owner))
    Decision.objects.bulk_create(decisions, batch_size=500)
    Minutes.objects.bulk_create(minutes, batch_size=500)
    DecisionOwner.objects.bulk_create([DecisionOwner(decision=d, **o) for d, o in owners], batch_size=500)
    for d in decisions:
        if d.state == DecisionState.DONE or (d.deadline < today and rng.random() < 0.5):
            updates.append(DecisionUpdate(decision=d, author=secretary,
                                          text="已落实，现场拍照留存。" if d.state == DecisionState.DONE else
                                          "正在协调，责任单位称资金尚未到位，已督促加快进度。"))
    DecisionUpdate.objects.bulk_create(updates, batch_size=500)
    # Minutes and decisions are recorded at the meeting (demo-only backdating, one statement each).
    at_meeting = Subquery(Meeting.objects.filter(pk=OuterRef("meeting_id")).values("starts_at")[:1])
    Minutes.objects.filter(meeting_id__in=ids).update(written_at=at_meeting)
    Decision.objects.filter(meeting_id__in=ids).update(created_at=at_meeting)


def _owner(matters_key: str, text: str, company, secretary, departments) -> dict:
    if "物业" in text and company is not None:
        return {"unit": company, "name": company.name}
    if ("住建" in text or "电梯" in text) and departments.get("zj") is not None:
        return {"department": departments["zj"], "name": departments["zj"].name}
    if secretary is not None and matters_key not in ("district", "street"):
        return {"user": secretary, "name": secretary.display_name or secretary.username}
    return {"name": "街道党工委" if matters_key == "street" else "区委社会工作部"}


def _minutes_text(meeting: Meeting, chair: str, items: list[AgendaItem], decided: list[str]) -> str:
    day = timezone.localtime(meeting.starts_at)
    lines = [f"{day:%Y年%m月%d日 %H:%M}，{meeting.title}在{meeting.location or '社区会议室'}召开。"
             f"会议由{chair or '社区党委书记'}主持，应到{meeting.expected_count}人，实到{meeting.present_count}人。"]
    if items:
        lines.append("会议研究了以下事项：" + "；".join(f"{i + 1}. {a.title}" for i, a in enumerate(items)) + "。")
    if decided:
        lines.append("会议议定：" + "；".join(f"（{i + 1}）{t}" for i, t in enumerate(decided)) + "。")
    else:
        lines.append("与会人员结合工作实际交流了学习体会。")
    return "\n".join(lines)
