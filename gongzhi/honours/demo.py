"""Honours demo (seeds 001 and 003): 瓜州路社区's 每月好人 of last month — residents' nominations with
their reasons, the community's short list, the residents' online vote with the ballots of demo
residents, closed (sealed) and announced onto the honour roll; a 最美家庭 selection taking
nominations now; and the street's 党建载体创新奖 with three communities put forward, a panel of three
that scored each, and the result. Everything through the services, as residents and staff would."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongzhi.accounts import services as accounts
from gongzhi.accounts.roles import Role
from gongzhi.core.demo import DEMO_PASSWORD, DemoContext
from gongzhi.residents import services as residents
from gongzhi.votes import services as votes
from gongzhi.votes.models import VoteOption
from gongzhi.votes.services.votes import adult_residents

from .models import AwardKind, SelectionKind
from .services import awards, selections

VOTERS = 14
NOMINATIONS = [
    "每天早上六点就拿着扫帚把单元门口和楼道扫一遍，十几年没断过，楼里谁家有事都愿意搭把手。",
    "对门的独居老人腿脚不好，她天天帮着买菜送饭，老人住院那几天还去医院陪护。",
    "小区停车乱，他主动当起义务劝导员，每天傍晚在门口指挥车辆，还画了停车示意图贴在公告栏。",
    "退休后给小区孩子义务辅导作业，周末在社区活动室开“四点半课堂”。",
]
FAMILY_REASONS = [
    "三代同堂，孝老爱亲，家里老人九十多岁了照顾得干干净净，邻里都夸。",
    "一家人都是志愿者，疫情期间夫妻俩轮流在卡口值守，孩子在社区帮忙发通知。",
]
# Votes for the four candidates: the first two come out on top.
BALLOTS = [0, 0, 1, 0, 2, 1, 0, 3, 1, 0, 2, 0]
ENTRIES = [
    ("“红色物业”议事厅", "社区党委牵头，物业公司、业委会和居民代表每月坐下来议事，去年解决了车棚、化粪池等十一件难事。"),
    ("楼栋党小组“微网格”", "每栋楼建一个党小组，党员包户联系，困难户每周上门，居民有事找楼长、楼长找网格。"),
    ("“邻里食堂”党建联建", "联合驻区单位开放食堂，每天为六十岁以上老人供应午餐，党员志愿者送餐到户。"),
]
PANEL_SCORES = [  # per member, per community: points on (创新性 30, 实效性 40, 可推广性 30)
    [(26, 35, 25), (22, 33, 24), (24, 30, 22)],
    [(27, 36, 26), (23, 31, 22), (25, 34, 25)],
    [(25, 34, 27), (21, 32, 23), (23, 33, 24)],
]


def _voters(ctx: DemoContext, community) -> list:
    """Resident accounts (jumin01 …) linked to adults of the community's registry, one per household."""
    users = []
    password_hash = make_password(DEMO_PASSWORD)
    seen = set()
    for person in adult_residents(community).filter(user=None).order_by("household__path", "pk")[:200]:
        if person.household_id in seen:
            continue
        seen.add(person.household_id)
        user = accounts.user_create(actor=ctx.actor, username=f"jumin{len(users) + 1:02d}", password=DEMO_PASSWORD,
                                    role=Role.RESIDENT, display_name=person.name, check_password_strength=False,
                                    password_hash=password_hash)
        residents.person_link_account(actor=ctx.actor, person=person, user=user)
        users.append((user, person))
        if len(users) >= VOTERS:
            break
    return users


def load(ctx: DemoContext) -> None:
    main, street = ctx.data["main_community"], ctx.data["street"]
    demo_users = ctx.data.get("users", {})
    staff = demo_users.get(Role.COMMUNITY_STAFF) or ctx.actor
    street_staff = demo_users.get(Role.STREET_STAFF) or ctx.actor
    voters = _voters(ctx, main)
    if len(voters) < 8:
        ctx.log("honours: too few registered residents for a selection")
        return
    now = timezone.now()
    last = (timezone.localdate().replace(day=1) - dt.timedelta(days=1))

    # 每月好人 of last month: nominated, short-listed, voted on, closed and announced.
    good = selections.selection_create(
        actor=staff, area=main, kind=SelectionKind.GOOD_PERSON, year=last.year, month=last.month,
        nominations_open_at=now - dt.timedelta(days=20), nominations_close_at=now + dt.timedelta(hours=1),
        description="推选身边热心公益、助人为乐、孝老爱亲的好邻居，每月一名。")
    candidates = [voters[-1 - n][1] for n in range(len(NOMINATIONS))]
    made = [selections.nomination_add(actor=voters[n][0], selection=good, person=candidate, reason=reason)
            for n, (candidate, reason) in enumerate(zip(candidates, NOMINATIONS, strict=True))]
    selections.selection_shortlist(actor=staff, selection=good, nominations=[m.pk for m in made],
                                   note="社区“两委”会议逐一核实了推荐事迹，四位候选人全部入围，提交居民投票。")
    good = selections.selection_start_vote(actor=staff, selection=good, opens_at=now - dt.timedelta(minutes=5),
                                           closes_at=now + dt.timedelta(days=3))
    options = {o.reference: o for o in VoteOption.objects.filter(vote_id=good.vote_id)}
    for (voter, _person), pick in zip(voters, BALLOTS, strict=False):
        votes.ballot_cast(actor=voter, vote=good.vote_id, option=options[f"nomination:{made[pick].pk}"])
    good = selections.selection_close_vote(actor=staff, selection=good)
    good = selections.selection_announce(actor=staff, selection=good)
    ctx.log(f"honours: {good.title} — {good.announcement}")

    # 最美家庭 of this year, taking nominations now.
    family = selections.selection_create(
        actor=staff, area=main, kind=SelectionKind.BEAUTIFUL_FAMILY, year=now.year, month=None,
        nominations_open_at=now - dt.timedelta(days=2), nominations_close_at=now + dt.timedelta(days=12),
        description="推选家风好、邻里和睦、热心社区事务的家庭。")
    for n, reason in enumerate(FAMILY_REASONS):
        selections.nomination_add(actor=voters[n + 2][0], selection=family, person=voters[n + 6][1], reason=reason)

    # The street's 党建载体创新奖: three communities, a panel of three, scored and decided.
    communities = list(ctx.data.get("communities", []))[:3]
    if len(communities) < 2:
        return
    award_round = awards.round_create(
        actor=street_staff, area=street, kind=AwardKind.PARTY_INNOVATION, year=last.year, winners=1,
        nominations_close_at=now + dt.timedelta(hours=1),
        description="评选本街道各社区党建引领基层治理的创新做法。",
        criteria=[("创新性", 30), ("实效性", 40), ("可推广性", 30)])
    password_hash = make_password(DEMO_PASSWORD)
    panel = [accounts.user_create(actor=ctx.actor, username=f"pingwei{n}", password=DEMO_PASSWORD,
                                  role=Role.DISTRICT_ADMIN, nodes=[ctx.data["district"]], display_name=name,
                                  title="评审组成员", check_password_strength=False, password_hash=password_hash)
             for n, name in enumerate(["区委组织部评审员", "区委社会工作部评审员", "党校讲师"], start=1)]
    for member in panel:
        awards.panel_add(actor=street_staff, award_round=award_round, user=member)
    nominations = [awards.award_nominate(actor=street_staff, award_round=award_round, community=community,
                                         entry=entry, description=description)
                   for community, (entry, description) in zip(communities, ENTRIES, strict=False)]
    awards.round_start_scoring(actor=street_staff, award_round=award_round)
    criteria = list(award_round.criteria.order_by("order"))
    for member, scores in zip(panel, PANEL_SCORES, strict=True):
        for nomination, points in zip(nominations, scores, strict=False):
            awards.score_submit(actor=member, nomination=nomination,
                                points={c.pk: p for c, p in zip(criteria, points, strict=True)})
    award_round = awards.round_decide(actor=street_staff, award_round=award_round)
    winner = award_round.nominations.filter(is_winner=True).first()
    ctx.log(f"honours: {award_round.title} — {winner.name if winner else '—'}")
