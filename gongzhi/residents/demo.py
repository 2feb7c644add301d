"""Demo residents: exactly 7,637 people in the 3,030 households of the main community (seed 003),
a few in the lighter communities, special-group tags in realistic shares, and door visits by the
demo grid workers. Generated names and ID numbers only (valid check digits, never real people)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.demo import DemoContext

from . import sample, services
from .models import Person, Relation, ResidenceType, TagKind

MAIN_RESIDENTS = 7_637
MAX_HOUSEHOLD = 6
OCCUPATIONS = ["退休", "教师", "个体经营", "公司职员", "医生", "护士", "司机", "工人", "公务员", "自由职业", "学生", "无业"]
EMPLOYERS = ["兰州市第三十一中学", "七里河区人民医院", "兰州石化公司", "甘肃省建筑设计院", "兰州公交集团", ""]
FINDINGS = [
    ("家中一切正常，老人身体尚可。", False),
    ("楼道堆放杂物，已提醒清理。", False),
    ("反映楼顶漏水，需物业维修。", True),
    ("独居老人行动不便，希望有人定期上门。", True),
    ("家中有人失业，想了解就业培训。", True),
    ("低保材料需要年审，已告知所需材料。", False),
    ("反映小区路灯不亮。", True),
    ("租户登记信息已核对。", False),
]


def _size_plan(ctx: DemoContext, households: int, people: int) -> list[int]:
    if not households or not households <= people <= households * MAX_HOUSEHOLD:
        raise ValueError(f"cannot place {people} people in {households} households")
    sizes = [1] * households
    extra = people - households
    while extra > 0:
        index = ctx.rng.randrange(households)
        if sizes[index] < MAX_HOUSEHOLD and (sizes[index] < 4 or ctx.rng.random() < 0.3):
            sizes[index] += 1
            extra -= 1
    return sizes


def _members(ctx: DemoContext, household: AreaNode, size: int, used: set[str], today: datetime.date) -> list[dict]:
    rng, faker = ctx.rng, ctx.faker
    surname = faker.last_name()
    tenant = rng.random() < 0.08
    head_age = rng.randint(68, 90) if size == 1 and rng.random() < 0.35 else rng.randint(28, 82)
    plan: list[tuple[str, int, bool | None]] = [(Relation.TENANT if tenant else Relation.HEAD, head_age, None)]
    if size >= 2:
        plan.append((Relation.SPOUSE, max(20, head_age + rng.randint(-5, 5)), None))
    for _ in range(size - len(plan)):
        if head_age > 55 and rng.random() < 0.4:
            plan.append((Relation.GRANDCHILD, rng.randint(0, 17), None))
        elif head_age < 50 and rng.random() < 0.3:
            plan.append((Relation.PARENT, min(95, head_age + rng.randint(22, 32)), None))
        else:
            plan.append((Relation.CHILD, max(0, head_age - rng.randint(22, 35)), None))
    people = []
    head_male = rng.random() < 0.55
    for index, (relation, age, _) in enumerate(plan):
        male = head_male if index == 0 else (not head_male if relation == Relation.SPOUSE else rng.random() < 0.5)
        born = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        while True:
            number = sample.id_number(born=born, male=male, region=rng.choice(sample.REGIONS), order=rng.randint(0, 498))
            if number not in used:
                used.add(number)
                break
        family = surname if relation in (Relation.HEAD, Relation.CHILD, Relation.GRANDCHILD, Relation.TENANT) else faker.last_name()
        given = faker.first_name_male() if male else faker.first_name_female()
        adult = age >= 18
        tags = []
        if age >= 70 and size == 1:
            tags.append((TagKind.ELDERLY_ALONE, today - datetime.timedelta(days=rng.randint(30, 2000))))
        elif age >= 65 and size == 2 and relation in (Relation.HEAD, Relation.SPOUSE) and rng.random() < 0.6:
            tags.append((TagKind.EMPTY_NEST, today - datetime.timedelta(days=rng.randint(30, 2000))))
        roll = rng.random()
        if roll < 0.015:
            tags.append((TagKind.DISABLED, today - datetime.timedelta(days=rng.randint(100, 5000))))
        elif roll < 0.025 and adult and 40 < age < 80 and male:
            tags.append((TagKind.VETERAN, today - datetime.timedelta(days=rng.randint(100, 5000))))
        elif roll < 0.03 and adult:
            tags.append((TagKind.KEY_ATTENTION, today - datetime.timedelta(days=rng.randint(10, 400))))
        elif roll < 0.04 and adult and age < 60:
            tags.append((TagKind.UNEMPLOYED, today - datetime.timedelta(days=rng.randint(10, 400))))
        if relation == Relation.GRANDCHILD and age < 16 and rng.random() < 0.15:
            tags.append((TagKind.LEFT_BEHIND_CHILD, today - datetime.timedelta(days=rng.randint(30, 900))))
        people.append({
            "household": household,
            "name": family + given,
            "id_number": number,
            "phone": sample.mobile(rng) if adult and rng.random() < 0.85 else "",
            "residence_type": ResidenceType.FLOATING if tenant else rng.choices(
                [ResidenceType.REGISTERED, ResidenceType.PERMANENT], weights=[75, 25])[0],
            "relation": relation if not (tenant and index > 0) else Relation.OTHER,
            "occupation": "退休" if age >= 60 else ("学生" if age < 18 and age >= 6 else (rng.choice(OCCUPATIONS) if adult else "")),
            "employer": rng.choice(EMPLOYERS) if adult and age < 60 else "",
            "is_party_member": adult and rng.random() < 0.07,
            "moved_in_on": today - datetime.timedelta(days=rng.randint(30, min(age * 365 + 31, 15000))),
            "tags": tags,
        })
    return people


def _link_demo_resident(ctx: DemoContext) -> None:
    """The demo resident (`jumin`) lives at 铁建丽苑 3号楼2单元: their account is linked to the
    head of the first household there, so the site offers their own home first when they file."""
    user = ctx.data.get("users", {}).get(Role.RESIDENT)
    building = next((b for b in ctx.data.get("buildings", []) if b.estate_id and b.estate.name == "铁建丽苑"
                     and b.name == "3号楼"), None)
    if user is None or building is None:
        return
    unit = AreaNode.objects.get_children(building).filter(name="2单元").first() or building
    person = Person.objects.filter(household__path__startswith=unit.path).order_by("household__path", "pk").first()
    if person is not None:
        services.person_link_account(actor=ctx.actor, person=person, user=user)


def load(ctx: DemoContext) -> None:
    actor = ctx.actor
    today = timezone.localdate()
    households: list[AreaNode] = list(ctx.data["households"])
    used: set[str] = set()
    sizes = _size_plan(ctx, len(households), MAIN_RESIDENTS)
    specs = []
    poor = set(ctx.rng.sample(range(len(households)), k=max(1, len(households) * 2 // 100)))
    very_poor = set(ctx.rng.sample(sorted(poor), k=max(1, len(poor) // 8)))
    for index, (household, size) in enumerate(zip(households, sizes, strict=True)):
        members = _members(ctx, household, size, used, today)
        if index in poor:  # 低保 households: the head carries the tag; some are 特困
            kind = TagKind.EXTREME_POVERTY if index in very_poor else TagKind.SUBSISTENCE
            members[0]["tags"].append((kind, today - datetime.timedelta(days=ctx.rng.randint(60, 2000))))
        specs += members
    # Lighter communities: a few people in the first households of each.
    main = ctx.data.get("main_community")
    for community in ctx.data.get("communities", [])[1:]:
        if main is not None and community.pk == main.pk:
            continue
        light = AreaNode.objects.filter(path__startswith=community.path, kind=AreaKind.HOUSEHOLD).order_by("path")[:12]
        for household in light:
            specs += _members(ctx, household, ctx.rng.randint(1, 3), used, today)
    services.people_bulk_create(actor=actor, people=specs, note="demo")
    _link_demo_resident(ctx)

    # Door visits by the two demo grid workers, over the last 90 days, in their grids.
    users = ctx.data.get("users", {})
    visits = 0
    for key in (Role.GRID_WORKER, "grid_worker_2"):  # the demo users accounts left (keyed by role)
        worker = users.get(key)
        if worker is None:
            continue
        in_grid = [h for h in households if scope.covers_path(worker, h.path)]
        for household in ctx.rng.sample(in_grid, k=min(len(in_grid), 150)):
            finding, follow_up = ctx.rng.choice(FINDINGS)
            met = list(Person.objects.filter(household=household)[: ctx.rng.randint(1, 2)])
            services.visit_create(
                actor=worker, household=household, people_met=met, findings=finding, follow_up_needed=follow_up,
                visited_at=timezone.now() - datetime.timedelta(days=ctx.rng.randint(0, 90), minutes=ctx.rng.randint(0, 600)),
            )
            visits += 1
    ctx.log(f"residents: {Person.objects.count()} people ({MAIN_RESIDENTS} in the main community), {visits} visits")
