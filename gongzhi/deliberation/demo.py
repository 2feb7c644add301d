"""Demo data of the deliberation programme: the district's declared paths, and topics of the demo
community from the seeds at their steps — 路灯 just proposed by the party committee, 电动车充电设施
before the party members' assembly, 门球场翻新 with the supervision committee, 增设非机动车棚 (楼院协商)
at its online vote, 小区停车 dropped with the reason, and 加装电梯机房空调 decided by the residents'
representatives, published in the open books, carried out and signed off. Everything goes through
the services, so the pages, history and audit read as if people had done it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.demo import DemoContext
from gongzhi.core.errors import DomainError
from gongzhi.meetings.models import AttendanceStatus, Body, BodyKind, Meeting
from gongzhi.meetings.services import meetings as meeting_services
from gongzhi.meetings.services import minutes as minutes_services
from gongzhi.meetings.services import sessions
from gongzhi.residents.models import Person, PersonStatus
from gongzhi.votes import services as votes
from gongzhi.votes.models import Choice, Electorate, VoteMethod

from .models import ConsultationGroup, Path, ScopeKind, TopicSource
from .services import paths, resolutions, steps, supervision, topics
from .services.steps import StepOutcome


def _held_meeting(ctx: DemoContext, body: Body, title: str, minutes: str) -> Meeting:
    """A meeting of `body` recorded as held, with its minutes (the secretary minuting afterwards)."""
    meeting = meeting_services.meeting_create(
        actor=ctx.actor, body=body, title=title, starts_at=timezone.now() - dt.timedelta(days=2))
    sessions.meeting_record(actor=ctx.actor, meeting=meeting)
    minutes_services.minutes_write(actor=ctx.actor, meeting=meeting, text=minutes)
    meeting.refresh_from_db()
    return meeting


def _assembly_vote(ctx: DemoContext, assembly: Body, topic, question: str, yes: int, no: int, abstain: int):
    """The residents' representatives meet, vote by show of hands on the topic and close; the vote's
    close completes the topic's vote step."""
    meeting = meeting_services.meeting_create(
        actor=ctx.actor, body=assembly, title=f"居民代表会议：{topic.title}", starts_at=timezone.now())
    for attendance in meeting.attendances.filter(counts_for_quorum=True):
        sessions.attendance_mark(actor=ctx.actor, attendance=attendance, status=AttendanceStatus.PRESENT)
    sessions.meeting_open(actor=ctx.actor, meeting=meeting)
    vote = votes.vote_create(actor=ctx.actor, title=topic.title, question=question, method=VoteMethod.SHOW_OF_HANDS,
                             meeting=meeting, reference=f"topic:{topic.pk}")
    votes.vote_open(actor=ctx.actor, vote=vote)
    present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).count()
    yes = min(yes, present)
    votes.counts_enter(actor=ctx.actor, vote=vote, yes=yes, no=min(no, present - yes),
                       abstain=min(abstain, present - yes - min(no, present - yes)))
    votes.vote_close(actor=ctx.actor, vote=vote)
    sessions.meeting_close(actor=ctx.actor, meeting=meeting)
    minutes_services.minutes_write(actor=ctx.actor, meeting=meeting,
                                   text=f"会议就“{topic.title}”举手表决，结果见表决记录。")
    return vote


def load(ctx: DemoContext) -> None:  # noqa: PLR0915 - one story, told in order
    district, main = ctx.data["district"], ctx.data["main_community"]
    made = paths.default_paths_install(actor=ctx.actor, district=district)
    ctx.log(f"deliberation: {len(made)} paths")
    six = Path.objects.get(district=district, key="six_step")
    building_path = Path.objects.get(district=district, key="building")
    bodies = {b.kind: b for b in Body.objects.filter(area=main).order_by("pk")}
    committees = bodies.get(BodyKind.TWO_COMMITTEES)
    assembly = bodies.get(BodyKind.RESIDENTS_ASSEMBLY)
    if committees is None or assembly is None:
        ctx.log("deliberation: no two committees or representatives' assembly in the demo community; topics skipped")
        return
    branch = Body.objects.filter(kind=BodyKind.PARTY_BRANCH, area__path__startswith=main.path).first() or committees
    supervisor = ctx.data.get("users", {}).get(Role.SUPERVISION)

    def raise_topic(title: str, description: str, group: str, path: Path = six, scope: str = ScopeKind.COMMUNITY,
                    area=main):
        return topics.topic_raise(actor=ctx.actor, title=title, description=description, scope_kind=scope,
                                  area=area, group=group, source=TopicSource.GROUP, path=path)

    def complete(topic, **given):
        return steps.step_complete(actor=ctx.actor, topic=topic, given=StepOutcome(**given))

    # 路灯: just raised, at the party committee's proposal.
    raise_topic("小区主干道路灯维修更换", "西区主干道有7盏路灯不亮，晚上老人出门不安全，民生协商小组收集到居民反映后提出。",
                ConsultationGroup.LIVELIHOOD)

    # 电动车充电设施: proposed and discussed by the two committees, before the party members' assembly.
    charging = raise_topic(
        "增设电动车集中充电设施",
        "楼道里电动车“飞线”充电问题突出，综治协商小组建议在小区东门空地建集中充电棚，配智能充电桩。",
        ConsultationGroup.PUBLIC_SAFETY)
    charging = complete(charging, outcome="社区党委提议：在东门空地建设集中充电棚，先做安全评估和费用测算。")
    complete(charging, meeting=_held_meeting(ctx, committees, "两委会议：电动车集中充电设施",
                                             "两委商议：同意选址东门空地，请物业提供电力容量说明。"))

    # 小区停车: dropped with the reason at the two committees.
    parking = raise_topic("老旧小区停车位重新划线", "城市管理协商小组提出对南区停车位重新划线，增加车位。",
                          ConsultationGroup.URBAN_MANAGEMENT)
    parking = complete(parking, outcome="社区党委提议：南区停车位重新划线。")
    steps.topic_drop(actor=ctx.actor, topic=parking,
                     reason="街道已将南区纳入明年老旧小区改造计划，停车位将统一规划，本议题不再单独协商。")

    # 门球场翻新: voted by the representatives, now with the supervision committee.
    court = raise_topic("门球场地面翻新", "社区门球场地面开裂起砂，老年门球队多次反映，党群协商小组提出翻新。",
                        ConsultationGroup.PARTY_MASSES)
    court = complete(court, outcome="社区党委提议：使用党组织服务群众专项经费翻新门球场地面。")
    court = complete(court, meeting=_held_meeting(ctx, committees, "两委会议：门球场翻新", "两委商议同意，预算约1.2万元。"))
    court = complete(court, meeting=_held_meeting(ctx, branch, "党员大会：门球场翻新", "党员大会审议通过翻新方案。"))
    _assembly_vote(ctx, assembly, court, "是否同意使用专项经费翻新门球场地面？", yes=12, no=1, abstain=1)

    # 加装电梯机房空调: all six steps, published, carried out and signed off.
    lift = raise_topic("3号楼电梯机房加装空调",
                       "夏天3号楼电梯机房温度超过40度，电梯频繁停运，楼里老人上下楼困难，民生协商小组提出加装空调。",
                       ConsultationGroup.LIVELIHOOD)
    lift = complete(lift, outcome="社区党委提议：为3号楼电梯机房加装一台工业空调，费用由维修资金列支。")
    lift = complete(lift, meeting=_held_meeting(ctx, committees, "两委会议：电梯机房空调", "两委商议同意，请物业出具报价。"))
    lift = complete(lift, meeting=_held_meeting(ctx, branch, "党员大会：电梯机房空调", "党员大会审议通过。"))
    vote = _assembly_vote(ctx, assembly, lift, "是否同意为3号楼电梯机房加装空调？", yes=13, no=0, abstain=1)
    lift.refresh_from_db()
    if lift.steps.filter(state="current", name="监督委员会监事").exists():
        complete(lift, outcome="监督委员会意见：程序合规，费用测算公开透明，同意公示。")
        lift = complete(lift, outcome="决议已在公开栏和网上公示。")
        resolution = lift.resolution
        resolutions.resolution_plan(actor=ctx.actor, resolution=resolution, budget_fen=860_000,
                                    deadline=timezone.localdate() + dt.timedelta(days=10))
        milestone = resolutions.milestone_add(actor=ctx.actor, resolution=resolution, title="物业采购并安装空调",
                                              due_on=timezone.localdate() + dt.timedelta(days=5))
        resolutions.milestone_done(actor=ctx.actor, milestone=milestone, note="空调已安装，机房温度降到26度。")
        resolutions.spending_record(actor=ctx.actor, resolution=resolution, amount_fen=798_000,
                                    spent_on=timezone.localdate(), purpose="工业空调一台及安装")
        resolutions.progress_report(actor=ctx.actor, resolution=resolution, text="空调已安装并试运行一周，电梯运行正常。",
                                    progress=100)
        resolutions.resolution_complete(actor=ctx.actor, resolution=resolution, note="已完成")
        if supervisor is not None:
            supervision.resolution_sign_off(actor=supervisor, resolution=resolution,
                                            opinion="监督委员会现场查看，空调运行正常，费用与公示一致。")
            supervision.topic_carried_out(actor=ctx.actor, resolution=resolution, note="居民满意")
    vote.refresh_from_db()
    ctx.log(f"deliberation: the lift vote {vote.get_result_display()}, sealed {vote.sealed_hash[:12]}")

    # 增设非机动车棚 (楼院协商): the households of one building vote online now.
    # the first building of the community where registered residents live (an online vote needs voters)
    homes = Person.objects.filter(status=PersonStatus.LIVING, household__path__startswith=main.path)
    home = homes.order_by("household__path").values_list("household__path", flat=True).first()
    building = AreaNode.objects.filter(kind=AreaKind.BUILDING, path=home[: 5 * AreaNode.steplen]).first() if home else None
    if building is not None:
        shed = raise_topic("增设非机动车棚", "楼下电动车、自行车乱停乱放，住户提议在楼西侧空地建非机动车棚。",
                           ConsultationGroup.URBAN_MANAGEMENT, path=building_path, scope=ScopeKind.BUILDING,
                           area=building)
        shed = complete(shed, outcome="在楼西侧空地建约30平方米车棚，费用由楼内住户和社区共同承担。")
        complete(shed, households_consulted=18, households_in_favour=15, households_against=2)
        now = timezone.now()
        online = votes.vote_create(
            actor=ctx.actor, title="增设非机动车棚", question="是否同意在楼西侧空地增设非机动车棚？", method=VoteMethod.ONLINE,
            area=building, electorate=Electorate.HOUSEHOLDS, opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(days=5), reference=f"topic:{shed.pk}")
        votes.vote_open(actor=ctx.actor, vote=online)
        resident = ctx.data.get("users", {}).get(Role.RESIDENT)
        if resident is not None:
            try:
                votes.ballot_cast(actor=resident, vote=online, choice=Choice.YES)
            except DomainError as refused:  # the demo resident may live in another building
                ctx.log(f"deliberation: the demo resident does not vote here ({refused.message})")
