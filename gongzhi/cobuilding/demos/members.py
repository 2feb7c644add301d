"""Co-building demo: members. In-service party members living in the main community report in
(双报到) — building heads, volunteers, a mediator, an owners' committee candidate and members paired
with 低保/特困 households (包保) — with a few months of service log and last quarter's reports back to
their employers (some sent, some received). Leaves ctx.data["cobuilding_members"]: the registrations."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.party.models import PartyMember
from gongzhi.residents.models import Person, TagKind

from ..models import Evaluation, MemberReport, PostKind, QuarterReport, ReportInState, ServicePost
from ..services import members as services
from ..services import reports as report_services

SKILLS = ["水电维修", "法律咨询", "家电维修", "中医理疗", "课业辅导", "电脑手机使用", "心理疏导", "书法"]
DUTIES = {
    PostKind.BUILDING_HEAD: "担任{place}楼栋长，收集楼里居民的诉求，每月巡查一次楼道消防",
    PostKind.VOLUNTEER: "参加社区周末志愿服务，疫苗接种、文明创建时到岗",
    PostKind.MEDIATOR: "参与社区人民调解委员会，调处邻里纠纷",
    PostKind.OWNERS_COMMITTEE: "作为业委会候选人，参与小区物业服务监督",
    PostKind.CARE_PAIR: "包保一户困难群众，每月至少上门一次",
}
WHAT = {
    PostKind.BUILDING_HEAD: ["巡查楼道消防通道，清理堆放的纸箱杂物", "收集本楼居民对电梯维修的意见，反映给物业",
                             "通知本楼居民停水时间，帮行动不便的老人提前接水", "组织本楼居民清扫楼道和单元门口"],
    PostKind.VOLUNTEER: ["参加社区“周末卫生日”，清理小区绿化带垃圾", "在核酸采样点维持秩序、扫码登记",
                         "参加文明城市创建，劝导非机动车规范停放", "协助社区开展防诈骗宣传，发放宣传单"],
    PostKind.MEDIATOR: ["调解2号楼楼上漏水纠纷，双方达成维修协议", "调处小区停车位占用纠纷",
                        "陪同社区干部走访矛盾双方，做思想工作"],
    PostKind.OWNERS_COMMITTEE: ["参加业主大会筹备会，整理业主意见", "参与物业服务质量评议，走访业主收集意见"],
    PostKind.CARE_PAIR: ["上门看望包保户，帮老人买米面油", "陪包保户老人到七里河区医院复查", "帮包保户办理低保年审材料",
                         "给包保户家孩子辅导数学作业", "帮包保户修好漏水的水龙头"],
}
EVALUATIONS = [Evaluation.EXCELLENT, Evaluation.GOOD, Evaluation.GOOD, Evaluation.FAIR]
COMMENTS = {Evaluation.EXCELLENT: "履职积极，群众评价好", Evaluation.GOOD: "能按时参加社区服务",
            Evaluation.FAIR: "本季度服务次数偏少，希望多参与"}


def _care_households(main: AreaNode) -> list[AreaNode]:
    ids = (Person.objects.filter(tags__kind__in=[TagKind.SUBSISTENCE, TagKind.EXTREME_POVERTY],
                                 household__path__startswith=main.path)
           .values_list("household_id", flat=True).distinct())
    return list(AreaNode.objects.filter(pk__in=list(ids)).order_by("path")[:8])


def load(ctx) -> None:
    main = ctx.data.get("main_community")
    if main is None:
        return
    actor = ctx.actor
    members = list(PartyMember.objects.filter(is_in_service=True).filter(home_community=main)
                   .order_by("-user_id", "id")[:14])
    buildings = list(AreaNode.objects.filter(path__startswith=main.path, kind="building").order_by("path")[:10])
    care = _care_households(main)
    kinds = [PostKind.BUILDING_HEAD, PostKind.CARE_PAIR, PostKind.VOLUNTEER, PostKind.CARE_PAIR, PostKind.MEDIATOR,
             PostKind.BUILDING_HEAD, PostKind.CARE_PAIR, PostKind.OWNERS_COMMITTEE, PostKind.VOLUNTEER]
    today = timezone.localdate()
    reports: list[MemberReport] = []
    for index, member in enumerate(members):
        kind = kinds[index % len(kinds)]
        place = None
        if kind == PostKind.BUILDING_HEAD and buildings:
            place = buildings[index % len(buildings)]
        elif kind == PostKind.CARE_PAIR:
            if not care:
                kind = PostKind.VOLUNTEER
            else:
                place = care[index % len(care)]
        posts = [{"kind": kind, "place": place}]
        if kind != PostKind.VOLUNTEER and ctx.rng.random() < 0.5:
            posts.append({"kind": PostKind.VOLUNTEER})
        duty = DUTIES[kind].format(place=place.name if place is not None else "")
        report = services.register_member(actor=actor, member=member, community=main,
                                          skills="、".join(ctx.rng.sample(SKILLS, 2)), duty=duty, posts=posts,
                                          public_profile=ctx.rng.random() < 0.75)
        if index >= len(members) - 2:
            continue  # the last two wait for their employer's confirmation
        if report.state == ReportInState.PENDING:
            report = services.confirm(actor=actor, report=report, note="单位党组织已确认")
        reports.append(report)
    # Registered about half a year ago: the history below lies inside the registration.
    since = today - dt.timedelta(days=200)
    MemberReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        requested_at=timezone.now() - dt.timedelta(days=205), confirmed_at=timezone.now() - dt.timedelta(days=200))
    ServicePost.objects.filter(report__in=reports).update(started_on=since)
    for number, report in enumerate(reports):
        posts = list(report.posts.all())
        idle = number == len(reports) - 1  # one member has not served lately
        day = since + dt.timedelta(days=ctx.rng.randint(3, 12))
        while day < today - dt.timedelta(days=(40 if idle else 1)):
            post = ctx.rng.choice(posts)
            services.log_service(actor=actor, report=report, served_on=day, hours=ctx.rng.choice(["1", "1.5", "2", "3"]),
                                 what=ctx.rng.choice(WHAT[post.kind]), post=post)
            day += dt.timedelta(days=ctx.rng.randint(8, 20))
    year, quarter = report_services.previous_quarter(today)
    report_services.generate(actor=actor, community=main, year=year, quarter=quarter)
    drafted = list(QuarterReport.objects.filter(report__in=reports, year=year, quarter=quarter).order_by("id"))
    for index, row in enumerate(drafted):
        if index % 4 == 3:
            continue  # still a draft
        evaluation = EVALUATIONS[index % len(EVALUATIONS)] if row.services else Evaluation.FAIR
        report_services.evaluate(actor=actor, quarter_report=row, evaluation=evaluation, note=COMMENTS[evaluation])
        if index % 4 == 2:
            continue  # evaluated, not sent yet
        report_services.send(actor=actor, quarter_report=row)
        if index % 2 == 0:
            report_services.acknowledge(actor=actor, quarter_report=row)
    ctx.data["cobuilding_members"] = reports
    ctx.log(f"co-building: {len(reports)} members reported in, {len(drafted)} quarterly reports")
