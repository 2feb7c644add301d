"""Co-building demo: projects from the seeds and the units' problems.

Projects of 瓜州路社区: 加装路灯 owned by the estate's property company (decided at the alliance's
meeting when there is one), 四点半课堂 with 七里河区第一小学, and the 红色微家 of 铁建丽苑 bound by a
双向服务协议书 with its signed agreement (a small real PDF), each with partners, milestones (one of
them overdue) and the demo resident's evaluation. Problems: 员工停车难 and 招工难, taken up by the
street. Uses ctx.data: main_community, street, units, cobuilding_units (optional); the demo resident is the
account linked to a person living in the community, the liaison the account of one of the units.
Leaves ctx.data["cobuilding_projects"] (title → Project)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.core.pdf import cjk_font
from gongzhi.meetings.models import BodyKind, Decision
from gongzhi.residents.models import Person, PersonStatus

from ..models import Category, MemberReport, ReportInState
from ..services import problems as problem_service
from ..services import projects as service


def agreement_pdf(title: str, parties: str, duties: str, term: str) -> bytes:
    """A one-page 双向服务协议书 as a real PDF (reportlab, the built-in CJK font)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    font = cjk_font()
    page.setTitle(title)
    page.setFont(font, 18)
    page.drawCentredString(A4[0] / 2, A4[1] - 90, title)
    page.setFont(font, 11)
    y = A4[1] - 140
    for line in [f"协议各方：{parties}", f"服务期限：{term}", "双方职责："] + duties.split("\n") + [
            "", "本协议一式三份，双方各执一份，社区党委备案一份。", "", "甲方（盖章）：            乙方（盖章）：",
            "签订日期："]:
        page.drawString(72, y, line)
        y -= 22
    page.showPage()
    page.save()
    return buffer.getvalue()


def _unit(units, *names):
    for name in names:
        for unit in units:
            if name in unit.name:
                return unit
    return units[0]


def _category(name: str) -> Category:
    return Category.objects.get_or_create(name=name)[0]


def load(ctx) -> None:
    data = ctx.data
    main, street = data.get("main_community"), data.get("street")
    # the units reported in (cobuilding_units maps a unit's id to its registration), else the demo's units
    reported = data.get("cobuilding_units") or {}
    units = [report.unit for report in reported.values()] or list(data.get("units") or [])
    if main is None or not units:
        return
    actor, today = ctx.actor, timezone.localdate()
    property_company = _unit(units, "安居物业", "物业")
    school = _unit(units, "第一小学", "小学")
    grid_property = _unit(units, "中铁建物业", "物业")
    hospital = _unit(units, "卫生服务中心")
    market = _unit(units, "农贸市场", "商业广场")
    members = list(MemberReport.objects.filter(community=main, state=ReportInState.ACTIVE)[:3])
    # The alliance decision closest to the community (社区大党委 before 街道大工委 before the district's).
    above = [main.path[:depth] for depth in range(len(main.path), 0, -main.steplen)]
    alliance_decision = next((found for path in above if (found := Decision.objects.filter(
        meeting__body__kind=BodyKind.ALLIANCE, meeting__area__path=path).order_by("-created_at").first())), None)
    made = {}

    start = today - dt.timedelta(days=120)
    lights = service.project_create(
        actor=actor, area=main, title="瓜州路小区加装路灯", owner_unit=property_company,
        category=_category("维修"),
        description="瓜州路小区3号楼至7号楼之间的步道夜间无照明，老人晚上出门不方便。社区大党委议定由物业公司牵头加装太阳能路灯12盏。",
        agreement_parties=f"瓜州路社区党委、{property_company.name}",
        agreement_duties="物业公司负责采购、安装和日常维护；社区负责征求居民意见、协调施工时间。",
        term_start=start, term_end=start + dt.timedelta(days=365), agreement_signed_on=start, budget="36000",
        decision=alliance_decision.pk if alliance_decision else None,
        partners=[{"unit": hospital, "duties": "提供夜间就医线路建议"}]
        + [{"member_report": m, "duties": "在职党员监督施工进度"} for m in members[:1]],
        milestones=[("征求居民意见、确定点位", start + dt.timedelta(days=20)),
                    ("完成安装", start + dt.timedelta(days=90)), ("验收并公示", start + dt.timedelta(days=110))],
    )
    service.project_start(actor=actor, project=lights)
    first, second, _third = list(lights.milestones.order_by("due_on"))
    service.milestone_done(actor=actor, milestone=first, note="入户征求意见86户，确定点位12处", done_on=first.due_on)
    service.milestone_done(actor=actor, milestone=second, note="12盏路灯全部安装到位", done_on=second.due_on)
    made[lights.title] = lights

    term_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    classroom = service.project_create(
        actor=actor, area=main, title="四点半课堂", owner_unit=school, category=_category("课业辅导"),
        description="放学后到家长下班前，在社区党群服务中心为双职工家庭的孩子提供作业辅导和兴趣活动。",
        agreement_parties=f"瓜州路社区党委、{school.name}",
        agreement_duties="学校每周一至周五派两名教师志愿者辅导作业；社区提供活动室和安全管理。",
        term_start=term_start, term_end=term_start + dt.timedelta(days=300), agreement_signed_on=term_start,
        budget="8000",
        partners=[{"member_report": m, "duties": "周三下午带孩子读书"} for m in members[1:3]],
        milestones=[("开班", term_start + dt.timedelta(days=7)),
                    ("期中家长座谈", term_start + dt.timedelta(days=75))],
    )
    service.project_start(actor=actor, project=classroom)
    made[classroom.title] = classroom

    micro_start = today - dt.timedelta(days=30)
    parties = f"瓜州路社区党委、{grid_property.name}"
    duties = "社区：提供党建指导和活动资源，每月组织一次服务活动。\n物业：提供红色微家场地，安排专人值守，配合开展便民服务。"
    micro = service.project_create(
        actor=actor, area=main, title="铁建丽苑红色微家", owner_unit=grid_property, category=_category("场地"),
        description="在铁建丽苑物业服务中心一楼设立红色微家，签订双向服务协议书，开展理发、量血压、家电维修等便民服务。",
        agreement_parties=parties, agreement_duties=duties, term_start=micro_start,
        term_end=micro_start + dt.timedelta(days=730), agreement_signed_on=micro_start, budget="5000",
        partners=[{"unit": hospital, "duties": "每月一次义诊"}],
        milestones=[("挂牌", micro_start + dt.timedelta(days=7)), ("首次便民服务日", micro_start + dt.timedelta(days=20))],
    )
    pdf = agreement_pdf("双向服务协议书", parties, duties, f"{micro.term_start} 至 {micro.term_end}")
    service.agreement_upload(actor=actor, project=micro, signed_on=micro_start,
                             upload=SimpleUploadedFile("双向服务协议书.pdf", pdf, content_type="application/pdf"))
    service.project_start(actor=actor, project=micro)
    made[micro.title] = micro

    linked = Person.objects.filter(user__isnull=False, status=PersonStatus.LIVING,
                                   household__path__startswith=main.path).select_related("user").first()
    resident = linked.user if linked is not None else None
    if resident is not None:
        for project, rating, comment in ((lights, 5, "晚上遛弯终于不黑了，谢谢物业和社区"),
                                         (classroom, 4, "孩子放学有地方写作业了，希望周五也能延长一点")):
            if service.lives_in_area(resident, project.area):
                service.project_evaluate(actor=resident, project=project, rating=rating, comment=comment)

    liaison = get_user_model().objects.filter(unit__in=units, is_active=True).select_related("unit").first()
    raiser = liaison if liaison is not None else actor
    parking_unit = liaison.unit if liaison is not None else school
    area = street or main
    parking = problem_service.problem_raise(
        actor=raiser, unit=parking_unit, area=area, kind="parking", title="员工停车难",
        description="单位门前道路划了禁停线，教职工早上到校车辆无处停放，常被贴条。希望协调附近错时停车。")
    problem_service.problem_take_up(actor=actor, problem=parking, owner_name="西站街道城市管理办公室",
                                    deadline=today + dt.timedelta(days=14))
    problem_service.problem_report(actor=actor, problem=parking,
                                   text="已与兰州银行西站支行、西站商业广场沟通，拟开放夜间及早间错时车位。")
    hiring = problem_service.problem_raise(
        actor=actor, unit=market, area=area, kind="hiring", title="招工难",
        description="市场保洁和夜间保安岗位长期缺人，希望街道就业服务站帮助对接辖区就业困难人员。")
    problem_service.problem_take_up(actor=actor, problem=hiring, owner_name="西站街道就业和社会保障服务站",
                                    deadline=today + dt.timedelta(days=30))
    data["cobuilding_projects"] = made
    ctx.log(f"co-building projects: {len(made)} projects, 2 problems")
