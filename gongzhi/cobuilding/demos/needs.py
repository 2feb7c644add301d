"""Co-building demo: the resident units of the demo community reporting in (单位双报到) with what
they offer (晒出服务事项), the needs list from the seeds (独居老人助餐, 四点半课堂, 楼道灯, 就业岗位 …)
with the jumin account's wish, and the claims — some claimed, one done, some confirmed.

Leaves ctx.data: cobuilding_units (unit → its UnitReport), cobuilding_resources (title → Resource),
cobuilding_needs (title → Need), cobuilding_categories (name → Category)."""

from __future__ import annotations

from gongzhi.accounts.models import User
from gongzhi.areas import services as area_services
from gongzhi.areas.models import UnitKind
from gongzhi.core.errors import InvalidInput

from ..models import Category, MemberReport, ReportInState, ResourceKind
from ..services import needs as need_services
from ..services import resources as resource_services
from ..services import units as unit_services

EXTRA_UNITS = [("华联超市瓜州路店", UnitKind.ENTERPRISE)]

# unit name (or a part of it) → what it commits to and the resources it offers:
# (kind, category, title, capacity, unit, availability, conditions)
OFFERS = {
    "物业": ("小区公共维修随叫随到，楼道灯、单元门等公共设施48小时内修复。",
           [(ResourceKind.SKILL, "维修服务", "公共设施维修", 40, "次", "工作日 8:30-17:30", "限小区公共部位")]),
    "小学": ("开放阅览室，教师志愿者每周两次开展“四点半课堂”。",
           [(ResourceKind.VOLUNTEER_HOURS, "课业辅导", "四点半课堂教师辅导", 120, "小时", "周一、周三 16:30-18:00", "社区小学生"),
            (ResourceKind.VENUE, "活动场地", "学校阅览室", 20, "次", "周六上午", "提前三天预约")]),
    "幼儿园": ("每月一次亲子活动，开放操场供社区活动使用。",
            [(ResourceKind.VENUE, "活动场地", "幼儿园操场", 12, "次", "周末", "须有社区工作人员在场")]),
    "卫生服务中心": ("每月为辖区老人义诊一次，为行动不便老人上门随访。",
               [(ResourceKind.SKILL, "医疗健康", "老年人义诊", 24, "次", "每月第二个周四上午", ""),
                (ResourceKind.SKILL, "医疗健康", "上门健康随访", 60, "人", "工作日", "行动不便的独居老人")]),
    "银行": ("开展防诈骗、金融知识讲座，提供一次性公益资金支持。",
           [(ResourceKind.FUNDS, "帮困慰问", "困难家庭慰问金", 10000, "元", "全年", "经社区评议公示"),
            (ResourceKind.SKILL, "法律咨询", "防诈骗金融知识讲座", 6, "次", "每两个月一次", "")]),
    "供电": ("为老旧小区免费检查楼道线路。", [(ResourceKind.SKILL, "维修服务", "楼道线路安全检查", 30, "次", "工作日", "")]),
    "派出所": ("每季度进社区开展安全宣传。", [(ResourceKind.SKILL, "安全应急", "反诈安全宣传", 4, "次", "每季度", "")]),
    "第二人民医院": ("组织专家进社区健康讲座。", [(ResourceKind.SKILL, "医疗健康", "专家健康讲座", 6, "次", "双月", "")]),
    "乐龄": ("为独居老人提供助餐、陪伴服务。",
           [(ResourceKind.SKILL, "助老助餐", "独居老人爱心午餐", 300, "人", "每日 11:30", "经网格员登记的独居老人"),
            (ResourceKind.VOLUNTEER_HOURS, "助老助餐", "陪伴就医", 80, "小时", "工作日", "")]),
    "红十字": ("急救知识培训进社区。", [(ResourceKind.SKILL, "安全应急", "应急救护培训", 8, "次", "每月", "")]),
    "税务": ("为个体工商户讲解税费政策。", [(ResourceKind.SKILL, "法律咨询", "税费政策辅导", 10, "次", "每月", "")]),
    "商业广场": ("提供就业岗位和节日活动场地。",
             [(ResourceKind.JOBS, "就业帮扶", "商场导购与保洁岗位", 15, "人", "长期", "18-55周岁"),
              (ResourceKind.VENUE, "文体活动", "广场活动场地", 10, "次", "周末", "提前一周预约")]),
    "超市": ("为困难家庭提供生活物资，招聘理货员。",
           [(ResourceKind.EQUIPMENT, "帮困慰问", "米面油慰问物资", 50, "次", "节假日", "困难家庭"),
            (ResourceKind.JOBS, "就业帮扶", "理货员岗位", 4, "人", "长期", "")]),
    "农贸市场": ("每周为独居老人配送平价蔬菜。", [(ResourceKind.EQUIPMENT, "助老助餐", "平价蔬菜配送", 200, "次", "每周二", "")]),
    "交通枢纽": ("节假日组织志愿者服务。", [(ResourceKind.VOLUNTEER_HOURS, "文体活动", "节假日志愿服务", 100, "小时", "节假日", "")]),
}

# (title, category, urgency, beneficiaries, count, where: "community" | "building" | "household")
NEEDS = [
    ("独居老人助餐", "助老助餐", "high", "第1网格独居老人", 12, "community"),
    ("四点半课堂辅导", "课业辅导", "normal", "双职工家庭小学生", 25, "community"),
    ("3号楼楼道灯维修", "维修服务", "high", "3号楼住户", 36, "building"),
    ("困难家庭就业岗位", "就业帮扶", "normal", "登记失业的困难家庭成员", 6, "community"),
    ("老年人健康义诊", "医疗健康", "normal", "60岁以上老人", 80, "community"),
    ("重阳节文艺活动场地", "文体活动", "low", "社区老年文艺队", 40, "community"),
    ("困难家庭春节慰问", "帮困慰问", "normal", "低保、特困家庭", 18, "community"),
    ("楼道线路老化检查", "维修服务", "high", "老旧楼栋住户", 60, "building"),
]


def _offer_for(name: str):
    for key, offer in OFFERS.items():
        if key in name:
            return offer
    return ("参与社区共建活动。", [])


def _account(username: str):
    """A demo account by its name (shequ: the community's staff; jumin: the demo resident)."""
    return User.objects.filter(username=username, is_active=True).first()


def load(ctx) -> None:
    actor = ctx.actor
    main = ctx.data["main_community"]
    units = list(ctx.data.get("units", []))
    for name, kind in EXTRA_UNITS:
        units.append(area_services.unit_save(actor=actor, name=name, kind=kind, area=main,
                                             contact_name=ctx.faker.name(), contact_phone=ctx.faker.phone_number()))
    categories = {c.name: c for c in Category.objects.all()}
    buildings = [b for b in ctx.data.get("buildings", []) if b.path.startswith(main.path)]
    reports, resources = {}, {}
    for index, unit in enumerate(units):
        commitment, offers = _offer_for(unit.name)
        report = unit_services.unit_register(actor=actor, unit=unit, community=main, liaison_name=ctx.faker.name(),
                                             liaison_phone=ctx.faker.phone_number(), commitment=commitment)
        reports[unit.pk] = report
        for kind, category, title, capacity, counted, when, conditions in offers:
            resources[title] = resource_services.resource_create(
                actor=actor, unit_report=report, kind=kind, category=categories[category], title=title,
                capacity=capacity, capacity_unit=counted, availability=when, conditions=conditions,
                location=buildings[index % len(buildings)] if buildings else None)
    members = list(MemberReport.objects.filter(community=main, state=ReportInState.ACTIVE, member__user__isnull=False)
                   .select_related("member__user")[:3])
    for report in members[:1]:
        resources["初中数学辅导"] = resource_services.resource_create(
            actor=actor, member_report=report, kind=ResourceKind.SKILL, category=categories["课业辅导"],
            title="初中数学辅导", capacity=20, capacity_unit="小时", availability="周末下午")
    needs = {}
    staff = _account("shequ") or actor
    for i, (title, category, urgency, who, count, where) in enumerate(NEEDS):
        area = main if where == "community" or not buildings else buildings[(i * 7) % len(buildings)]
        needs[title] = need_services.need_raise(actor=staff, area=area, category=categories[category], title=title,
                                                urgency=urgency, beneficiaries=who, beneficiary_count=count,
                                                description=f"{who}：{title}。")
    resident = _account("jumin")
    if resident is not None:
        try:
            needs["想请人帮忙修一下家里的水龙头"] = need_services.wish_raise(
                actor=resident, household=None, category=categories["维修服务"], title="想请人帮忙修一下家里的水龙头",
                description="家里只有我和老伴，厨房水龙头一直滴水。")
        except InvalidInput:  # the demo resident has no household when residents are not loaded
            pass

    def claim(need_title: str, resource_title: str, amount: int):
        return need_services.need_claim(actor=actor, need=needs[need_title], resource=resources[resource_title],
                                        amount=amount)

    claim("独居老人助餐", "独居老人爱心午餐", 12)
    claim("四点半课堂辅导", "四点半课堂教师辅导", 40)
    claim("3号楼楼道灯维修", next(t for t in resources if t == "公共设施维修"), 2)
    need_services.need_complete(actor=actor, need=needs["3号楼楼道灯维修"], note="更换声控灯6盏，已恢复照明")
    need_services.need_confirm(actor=actor, need=needs["3号楼楼道灯维修"], note="楼长代住户确认，灯都亮了")
    claim("老年人健康义诊", "老年人义诊", 1)
    need_services.need_complete(actor=actor, need=needs["老年人健康义诊"], note="义诊老人82人次，测血压血糖")
    need_services.need_confirm(actor=actor, need=needs["老年人健康义诊"], note="")
    claim("楼道线路老化检查", "楼道线路安全检查", 3)
    need_services.need_complete(actor=actor, need=needs["楼道线路老化检查"], note="检查3栋楼，更换老化线路2处")
    claim("困难家庭春节慰问", "米面油慰问物资", 18)
    if members and "想请人帮忙修一下家里的水龙头" in needs:
        need_services.need_claim(actor=members[0].member.user, need=needs["想请人帮忙修一下家里的水龙头"])
    ctx.data.update(cobuilding_units=reports, cobuilding_resources=resources, cobuilding_needs=needs,
                    cobuilding_categories=categories)
    ctx.log(f"cobuilding: {len(reports)} units reported in, {len(resources)} resources, {len(needs)} needs")
