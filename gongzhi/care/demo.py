"""Care demo (seed 001: the community party committee studies its households in difficulty and gives
them to the grid party branches, whose party groups and volunteers take turns at the door): the main
community's grid branches with their rotas, a plan for every tagged household of those grids, a
quarter's roster per branch (two months gone, one to come) with its visits, two missed turns and one
emergency. Everything goes through the services, as staff and carers would do it; only the visits'
times are set back to the day of their turn afterwards."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from gongzhi.areas.models import AreaKind
from gongzhi.party.models import OrgKind, PartyMember, PartyOrganization
from gongzhi.volunteers.models import Volunteer

from .models import CareNeed, CarePlan, CarerKind, CareVisit, Condition, Turn, TurnState
from .services import branches as branch_services
from .services import emergencies as emergency_services
from .services import plans as plan_services
from .services import rosters as roster_services
from .services import sweep as sweep_services
from .services import visits as visit_services

BRANCHES = 2  # the grid branches of the main community that run care in the demo
PLANS_PER_BRANCH = 9
NOTES = [
    "老人精神不错，陪着聊了半个小时，帮着把下周的菜买好了。",
    "屋里收拾干净了，换洗的衣服拿去洗了，周四送回来。",
    "血压药还剩三天的量，已经跟社区卫生服务中心约了周五上门。",
    "天冷了，暖气片不太热，提醒物业来看看。",
    "帮忙理了发，老人说舒服多了。",
    "女儿这周来过电话，老人心情好。",
    "",
]
CONTACTS = [("女儿", "张丽"), ("儿子", "李强"), ("侄子", "王磊"), ("老伴的妹妹", "赵桂芳")]
HEALTH = ["高血压，每天早晚各一片硝苯地平", "糖尿病，饭前注射胰岛素；腿脚不便", "轻度认知障碍，记不住吃药，要提醒"]


def _users() -> dict:
    names = ("dangyuan", "jumin", "wangge", "wangge2", "shequ", "shuji")
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _grid_branches(main) -> list[PartyOrganization]:
    return list(PartyOrganization.objects.filter(
        kind=OrgKind.BRANCH, area__kind=AreaKind.GRID, area__path__startswith=main.path).select_related("area")
        .order_by("area__path", "pk")[:BRANCHES])


def _rota(ctx, main, branch, organization, users: dict, first: bool) -> list:
    """The branch's party groups, four of its members and four volunteers of its grid."""
    actor = ctx.actor
    carers = []
    for group in PartyOrganization.objects.filter(path__startswith=organization.path, kind=OrgKind.GROUP).order_by("pk")[:2]:
        carers.append(branch_services.carer_add(actor=actor, branch=branch, kind=CarerKind.GROUP, party_group=group,
                                                user=branch.secretary, max_per_week=3))
    members = list(PartyMember.objects.filter(organization__path__startswith=organization.path).order_by("pk")[:4])
    if first and users.get("dangyuan"):
        own = PartyMember.objects.filter(user=users["dangyuan"],
                                         organization__path__startswith=organization.path).first()
        if own is not None and own not in members:
            members = [own, *members[:3]]
    for i, m in enumerate(members):
        carers.append(branch_services.carer_add(
            actor=actor, branch=branch, kind=CarerKind.MEMBER, member=m, max_per_week=2,
            user=m.user or branch.secretary, unavailable_weekdays=[ctx.rng.choice([0, 2, 4])] if i % 2 else []))
    around = Q(area__path__startswith=organization.area.path) | Q(area=main)
    volunteers = list(Volunteer.objects.filter(around).order_by("pk")[:4])
    me = Volunteer.objects.filter(around, user=users.get("jumin")).first() if first else None
    if me is not None and me not in volunteers:
        volunteers = [me, *volunteers[:3]]
    for v in volunteers:
        carers.append(branch_services.carer_add(actor=actor, branch=branch, kind=CarerKind.VOLUNTEER, volunteer=v,
                                                user=v.user or branch.secretary, max_per_week=2,
                                                unavailable_weekdays=[5, 6] if v.pk % 3 == 0 else []))
    return carers


def _plans(ctx, branch, carers: list) -> list[CarePlan]:
    actor = ctx.actor
    tagged = [e for e in plan_services.tagged_households(actor, limit=500)
              if e["household"].path.startswith(branch.area.path)][:PLANS_PER_BRANCH]
    made = []
    for i, entry in enumerate(tagged):
        plan = plan_services.plan_from_tags(actor=actor, household=entry["household"], branch=branch)
        paired = [c for c in carers if c.kind == CarerKind.MEMBER][i % 4: i % 4 + 1]
        rota = [c for c in carers if c.kind != CarerKind.MEMBER] + paired
        plan_services.plan_set_rota(actor=actor, plan=plan, carers=rota, paired=paired)
        extra = {"every_days": 7 if i % 3 else 3}
        if i < len(HEALTH):
            extra["health_notes"] = HEALTH[i]
            extra["needs"] = [*plan.needs, CareNeed.MEDICATION]
        plan = plan_services.plan_update(actor=actor, plan=plan, **extra)
        relation, name = CONTACTS[i % len(CONTACTS)]
        plan_services.contact_add(actor=actor, plan=plan, name=name, relation=relation,
                                  phone=f"139{ctx.rng.randint(10000000, 99999999)}")
        made.append(plan)
    return made


def _visit_past_turns(ctx, roster, today: dt.date, leave_missed: int) -> list[Turn]:
    """Record a visit for every past turn but `leave_missed` of three days ago or more; returns the
    turns left undone."""
    past = list(Turn.objects.filter(roster=roster, date__lt=today, state=TurnState.PLANNED)
                .select_related("plan__branch__secretary", "carer__user").order_by("date", "pk"))
    old = [t for t in past if t.date <= today - dt.timedelta(days=3)]
    left = old[len(old) - leave_missed:] if leave_missed and old else []
    for turn in (t for t in past if t not in left):
        visitor = turn.carer.user or turn.plan.branch.secretary
        by_code = ctx.rng.random() < 0.85
        needs = list(turn.plan.needs) or [CareNeed.COMPANY]
        visit = visit_services.visit_record(
            actor=visitor, plan=turn.plan, turn=turn,
            check_in_code=turn.plan.checkin_code if by_code else "",
            check_in_reason="" if by_code else "老人把门卡收起来了，找不到",
            done=ctx.rng.sample(needs, k=min(len(needs), ctx.rng.randint(1, 2))),
            notes=ctx.rng.choice(NOTES),
            condition=ctx.rng.choice([Condition.GOOD, Condition.AS_BEFORE, Condition.AS_BEFORE, Condition.WORSE]))
        when = timezone.make_aware(dt.datetime.combine(turn.date, dt.time(9 + ctx.rng.randint(0, 8),
                                                                            ctx.rng.randint(0, 59))))
        CareVisit.objects.filter(pk=visit.pk).update(visited_at=when)
        CarePlan.objects.filter(pk=turn.plan_id, last_visit_at__lt=when).update(last_visit_at=when)
    return left


def load(ctx) -> None:
    main = ctx.data.get("main_community")
    users = _users()
    if main is None or not users.get("dangyuan"):
        return
    actor = ctx.actor
    today = timezone.localdate()
    start = today - dt.timedelta(days=60)
    secretaries = [users["dangyuan"], users.get("wangge2") or users["dangyuan"]]
    made = 0
    missed_left = []
    for index, organization in enumerate(_grid_branches(main)):
        branch = branch_services.branch_create(actor=actor, organization=organization,
                                               secretary=secretaries[index % 2])
        carers = _rota(ctx, main, branch, organization, users, first=index == 0)
        plans = _plans(ctx, branch, carers)
        made += len(plans)
        if not plans:
            continue
        branch_services.leave_add(actor=actor, carer=carers[-1], start_on=today + dt.timedelta(days=5),
                                  end_on=today + dt.timedelta(days=12), reason="回老家探亲")
        roster = roster_services.roster_generate(actor=secretaries[index % 2], branch=branch, start_on=start,
                                                 end_on=start + dt.timedelta(days=90))
        roster_services.roster_publish(actor=secretaries[index % 2], roster=roster)
        missed_left += _visit_past_turns(ctx, roster, today, leave_missed=1)
    if made == 0:
        return
    # The two turns left undone: the sweep marks them missed and tells the carer (and, a day on, the
    # secretary); the other past turns are done. Households not seen in time go to the community.
    sweep_services.sweep(actor=actor)
    # One emergency: the member on the door finds the old woman of the first plan fallen (at a household
    # without a missed turn, so that the visit does not make up for it; else raised without a visit).
    plans = CarePlan.objects.filter(branch__organization__area__path__startswith=main.path).order_by("pk")
    first = plans.exclude(pk__in=[t.plan_id for t in missed_left]).first()
    visit = None
    if first is not None:
        visit = visit_services.visit_record(
            actor=first.branch.secretary, plan=first, check_in_code=first.checkin_code, done=[CareNeed.COMPANY],
            notes="敲门半天没人应，邻居帮忙开门，老人在卫生间摔倒了，意识清醒但起不来。",
            condition=Condition.NEEDS_HELP)
    first = first or plans.first()
    emergency_services.emergency_raise(actor=first.branch.secretary, plan=first, visit=visit,
                                       description="老人在家中摔倒，起不来，已拨打120，请网格员和家属马上过来。")
    ctx.log(f"care: {made} plans, {Turn.objects.count()} turns, {CareVisit.objects.count()} visits, "
            f"{len(missed_left)} missed, 1 emergency")
