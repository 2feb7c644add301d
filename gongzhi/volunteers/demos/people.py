"""Volunteers demo, people: the specialties; a district corps (区志愿服务总队) → the street's team →
the main community's team and the teams of seed 001 (老年棋牌队, 曲艺队, 书画队, 妇女文艺队,
乒乓球队, the 青少年志愿服务联盟 and a social organisation's 四点半课堂); about sixty volunteers
of the main community — mostly residents of the registry, some party members and staff of units —
with leaders; the demo resident (`jumin`) registered themself, so the demo shows "my" pages; a
few trainings and awards.

Leaves ctx.data["volunteers"]: skills {name: Skill}, teams {name: Team}, volunteers [Volunteer],
me (the demo resident's Volunteer or None), staff (the community staff user who keeps them)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.core.errors import DomainError
from gongzhi.party.models import PartyMember
from gongzhi.residents.models import Person, PersonStatus
from gongzhi.residents.sample import id_number as sample_id_number

from ..models import RecordKind, Skill, TeamKind, TeamLevel, Volunteer
from ..services import people as people_services
from ..services import teams as team_services

SKILLS = ["医疗", "法律", "维修", "书画", "文艺", "体育", "教育辅导", "理发", "心理疏导", "摄影", "电脑", "驾驶"]
# name, kind, specialty, description
SEED_TEAMS = [
    ("老年棋牌队", TeamKind.TEAM, "体育", "社区老年人棋牌活动，每周二、四下午在老年活动室。"),
    ("曲艺队", TeamKind.TEAM, "文艺", "秦腔、兰州鼓子，节日慰问演出。"),
    ("书画队", TeamKind.TEAM, "书画", "书法绘画交流，春节为居民写春联。"),
    ("妇女文艺队", TeamKind.TEAM, "文艺", "广场舞、合唱，参加街道文艺汇演。"),
    ("乒乓球队", TeamKind.TEAM, "体育", "每周六上午社区乒乓球室训练。"),
    ("青少年志愿服务联盟", TeamKind.ALLIANCE, "教育辅导", "辖区中小学生和大学生志愿者，寒暑假社区服务。"),
    ("四点半课堂", TeamKind.SOCIAL_ORG, "教育辅导", "社工服务中心承接：放学后作业辅导、兴趣课程。"),
    ("便民服务队", TeamKind.TEAM, "维修", "义务理发、小家电维修、磨刀，每月一次。"),
]
RESIDENTS = 48
PARTY_MEMBERS = 8
UNIT_STAFF = 4


def _availability(rng) -> list[dict]:
    days = rng.sample(range(7), k=rng.randint(1, 3))
    slots = [("08:30", "11:30"), ("14:30", "17:30"), ("19:00", "21:00")]
    return [{"weekday": d, "start": s, "end": e} for d in sorted(days) for s, e in [rng.choice(slots)]]


def _adult_q(today: dt.date):
    return {"birth_date__lte": today - dt.timedelta(days=18 * 366), "birth_date__gte": today - dt.timedelta(days=78 * 365)}


def _account(username: str):
    """A demo account of `gongzhi.accounts.demo` by its username (shuji: the community's secretary
    who keeps the volunteers; jumin: the demo resident)."""
    return User.objects.filter(username=username, is_active=True).first()


def load(ctx) -> None:
    actor = ctx.actor
    rng = ctx.rng
    today = timezone.localdate()
    main, street, district = ctx.data["main_community"], ctx.data["street"], ctx.data["district"]
    staff = _account("shuji") or actor
    skills = {name: Skill.objects.get_or_create(name=name, defaults={"order": i})[0] for i, name in enumerate(SKILLS)}
    skill_rows = list(skills.values())

    # The demo resident registers themself (their account is linked to a resident of the registry).
    me = None
    resident_user = _account("jumin")
    if resident_user is not None and people_services.own_person(resident_user) is not None:
        me = people_services.volunteer_register_self(
            actor=resident_user, consent=True, phone=people_services.own_person(resident_user).phone or "13919310618",
            skills=[skills["维修"], skills["电脑"]],
            availability=[{"weekday": 5, "start": "08:30", "end": "11:30"}], languages="兰州话",
        )
        Volunteer.objects.filter(pk=me.pk).update(registered_on=today - dt.timedelta(days=400))
        me.refresh_from_db()

    volunteers: list[Volunteer] = [me] if me is not None else []

    def registered_on() -> dt.date:
        return today - dt.timedelta(days=rng.randint(30, 900))

    # Residents of the registry (adults of the main community).
    pool = list(Person.objects.filter(household__path__startswith=main.path, status=PersonStatus.LIVING,
                                      volunteer__isnull=True, **_adult_q(today))
                .exclude(id_number="").order_by("pk").values_list("pk", flat=True)[:3000])
    for pk in rng.sample(pool, k=min(RESIDENTS, len(pool))):
        person = Person.objects.get(pk=pk)
        volunteers.append(people_services.volunteer_register(
            actor=staff, person=person, consent=True, phone=person.phone or f"139{rng.randint(10_000_000, 99_999_999)}",
            skills=rng.sample(skill_rows, k=rng.randint(1, 2)),
            availability=_availability(rng), languages=rng.choice(["", "", "兰州话", "英语"]),
            publish_name=rng.random() > 0.1, registered_on=registered_on(),
        ))

    # Party members of the main community's organisations who are not residents registered above.
    members = list(PartyMember.objects.filter(organization__area__path__startswith=main.path, volunteer__isnull=True)
                   .order_by("pk")[:200])
    members = [m for m in members if not Person.objects.filter(party_member=m, volunteer__isnull=False).exists()]
    for n, member in enumerate(rng.sample(members, k=min(PARTY_MEMBERS, len(members)))):
        born = dt.date(1965 + rng.randint(0, 30), rng.randint(1, 12), rng.randint(1, 28))
        try:
            volunteers.append(people_services.volunteer_register(
                actor=staff, party_member=member, consent=True, phone=member.phone or ctx.faker.phone_number(),
                id_number=sample_id_number(born=born, male=rng.random() < 0.5, region="620103", order=300 + n),
                skills=rng.sample(skill_rows, k=1), availability=_availability(rng), registered_on=registered_on(),
            ))
        except DomainError:  # a generated number already taken: skip this one
            continue

    # Staff of units in the community (双报到 units send their people).
    units = [u for u in ctx.data.get("units", []) if u.area.path.startswith(main.path)][:UNIT_STAFF]
    for n, unit in enumerate(units):
        born = dt.date(1975 + rng.randint(0, 25), rng.randint(1, 12), rng.randint(1, 28))
        try:
            volunteers.append(people_services.volunteer_register(
                actor=staff, unit=unit, name=ctx.faker.name(), phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                id_number=sample_id_number(born=born, male=rng.random() < 0.5, region="620102", order=400 + n),
                consent=True, skills=rng.sample(skill_rows, k=1), availability=_availability(rng),
                registered_on=registered_on(),
            ))
        except DomainError:
            continue

    # Teams: corps → street → community → the seed's teams.
    corps = team_services.team_create(actor=actor, name="区志愿服务总队", level=TeamLevel.CORPS, area=district,
                                      description="区委社会工作部指导，下设专业志愿服务支队和街道大队。")
    street_team = team_services.team_create(actor=actor, name=f"{street.name}志愿服务大队", level=TeamLevel.STREET,
                                            area=street, parent=corps)
    party = ctx.data.get("party", {})
    committee = party.get("community_committees", {}).get(main.code)
    community_team = team_services.team_create(
        actor=staff, name=f"{main.name}志愿服务队", level=TeamLevel.COMMUNITY, area=main, parent=street_team,
        led_by=committee, description="社区党委领导，网格党支部、双报到党员和共建单位参与。")
    teams = {corps.name: corps, street_team.name: street_team, community_team.name: community_team}
    social_unit = next((u for u in ctx.data.get("units", []) if u.area.path.startswith(main.path)
                        and u.kind not in ("property_company",)), None)
    for name, kind, skill, description in SEED_TEAMS:
        teams[name] = team_services.team_create(
            actor=staff, name=name, level=TeamLevel.SQUAD if kind != TeamKind.ALLIANCE else TeamLevel.COMMUNITY,
            kind=kind, area=main, parent=community_team if kind != TeamKind.ALLIANCE else street_team,
            skill=skills[skill], led_by=committee if kind == TeamKind.TEAM else None,
            unit=social_unit if kind == TeamKind.SOCIAL_ORG else None, description=description,
        )

    # Members: each volunteer in one or two squads; the first of each squad leads it.
    squads = [teams[name] for name, *_ in SEED_TEAMS]
    for v in volunteers:
        team_services.team_member_add(actor=staff, team=community_team, volunteer=v)
    order = list(volunteers)
    rng.shuffle(order)
    for i, v in enumerate(order):
        for team in {squads[i % len(squads)], rng.choice(squads)}:
            leads = not team.members.filter(is_leader=True).exists()
            team_services.team_member_add(actor=staff, team=team, volunteer=v, is_leader=leads)
    if me is not None and not teams["便民服务队"].members.filter(volunteer=me).exists():
        team_services.team_member_add(actor=staff, team=teams["便民服务队"], volunteer=me)

    # A few trainings and awards.
    trainings = [("志愿服务基础知识培训", 120), ("应急救护（心肺复苏）培训", 180), ("消防安全培训", 90)]
    for title, minutes in trainings:
        on = today - dt.timedelta(days=rng.randint(20, 300))
        for v in rng.sample(volunteers, k=min(12, len(volunteers))):
            people_services.record_add(actor=staff, volunteer=v, kind=RecordKind.TRAINING, title=title, on=on,
                                       minutes=minutes)
    for v in rng.sample(volunteers, k=min(5, len(volunteers))):
        people_services.record_add(actor=staff, volunteer=v, kind=RecordKind.AWARD, title="优秀志愿者",
                                   on=today - dt.timedelta(days=rng.randint(30, 200)), note="街道表彰")
    if me is not None:
        people_services.record_add(actor=staff, volunteer=me, kind=RecordKind.TRAINING, title="志愿服务基础知识培训",
                                   on=today - dt.timedelta(days=60), minutes=120)
        people_services.record_add(actor=staff, volunteer=me, kind=RecordKind.EVALUATION, title="服务态度好，维修认真",
                                   on=today - dt.timedelta(days=30))

    ctx.data["volunteers"] = {"skills": skills, "teams": teams, "volunteers": volunteers, "me": me, "staff": staff}
    ctx.log(f"volunteers: {len(volunteers)} volunteers, {len(teams)} teams, {len(skills)} specialties")
