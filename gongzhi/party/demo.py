"""Demo party tree (seed 000's 街道党工委 + 社区党委/党总支 + 支部 + 党小组 + 党员, seed 002's three
alliances): 区委 → 街道党工委 → a committee per community; in the main community a general branch
with one grid branch per grid, a branch in a property company and a retirees' branch, 2–3 party
groups per branch and 8–15 members per group; in-service members with 双报到; 区级大联盟, 街道大工委
and the main community's 大党委 with member units and their representatives.

Uses ctx.data from areas (district, street, communities, main_community, grids, units) and accounts
(users, optional). Leaves ctx.data["party"]: district_committee, street_committee,
community_committees (dict community code → organisation), general_branch, branches, groups,
alliances (dict level → Alliance)."""

from __future__ import annotations

import datetime

from gongzhi.accounts.roles import Role
from gongzhi.areas.models import UnitKind
from gongzhi.core.demo import DemoContext

from . import services
from .models import AllianceLevel, AllianceRole, Gender, MemberStatus, OrgKind, PartyMember, PartyOrganization

GROUP_NUMERALS = ["第一", "第二", "第三"]
# The representative's title, by kind of unit.
TITLES = {
    UnitKind.SCHOOL: ["校长", "党支部书记"],
    UnitKind.HOSPITAL: ["院长", "党委书记"],
    UnitKind.AGENCY: ["党组书记", "主任", "所长"],
    UnitKind.ENTERPRISE: ["党委书记", "总经理", "副总经理"],
    UnitKind.PROPERTY_COMPANY: ["党支部书记", "总经理", "项目经理"],
    UnitKind.SOCIAL_ORG: ["理事长", "党支部书记"],
}


def _date(ctx: DemoContext, first_year: int, last_year: int) -> datetime.date:
    start = datetime.date(first_year, 1, 1)
    span = (datetime.date(last_year, 12, 31) - start).days
    return start + datetime.timedelta(days=ctx.rng.randrange(span + 1))


def _members(ctx: DemoContext, count: int, *, retirees: bool = False, in_service_share: float = 0.0,
             employers=(), home_community=None) -> list[dict]:
    specs = []
    for _ in range(count):
        gender = ctx.rng.choice([Gender.MALE, Gender.FEMALE])
        first = ctx.faker.first_name_male() if gender == Gender.MALE else ctx.faker.first_name_female()
        name = ctx.faker.last_name() + first
        birth_year = ctx.rng.randint(1940, 1962) if retirees else ctx.rng.randint(1955, 2001)
        probationary = not retirees and birth_year > 1990 and ctx.rng.random() < 0.15
        joined = (
            _date(ctx, 2025, 2025) if probationary
            else _date(ctx, min(birth_year + 20, 2024), min(birth_year + 40, 2024))
        )
        spec = {
            "name": name,
            "gender": gender,
            "birth_year": birth_year,
            "joined_on": joined,
            "status": MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            "phone": ctx.faker.phone_number(),
        }
        if not retirees and birth_year > 1962 and ctx.rng.random() < in_service_share:
            spec["is_in_service"] = True
            if employers and ctx.rng.random() < 0.7:
                spec["employer"] = ctx.rng.choice(employers)
            else:
                spec["employer_name"] = ctx.faker.company()
            spec["home_community"] = home_community
        specs.append(spec)
    return specs


def load(ctx: DemoContext) -> None:
    actor = ctx.actor
    district, street = ctx.data["district"], ctx.data["street"]
    communities, main = ctx.data["communities"], ctx.data["main_community"]
    grids = ctx.data["grids"].get(main.code, [])
    units = list(ctx.data.get("units", []))
    property_companies = [u for u in units if u.kind == UnitKind.PROPERTY_COMPANY]
    employers = [u for u in units if u.kind != UnitKind.PROPERTY_COMPANY]

    district_committee = services.organization_create(
        actor=actor, parent=None, kind=OrgKind.DISTRICT_COMMITTEE, area=district, name=f"中共{district.name}委员会",
        secretary_name=ctx.faker.name(), founded_on=datetime.date(1955, 7, 1),
    )
    street_committee = services.organization_create(
        actor=actor, parent=district_committee, kind=OrgKind.STREET_WORKING_COMMITTEE, area=street,
        name=f"中共{district.name}{street.name}工作委员会", secretary_name=ctx.faker.name(),
        founded_on=datetime.date(2002, 3, 1),
    )
    committees = services.organizations_bulk_create(
        actor=actor,
        parent=street_committee,
        children=[
            {"kind": OrgKind.COMMUNITY_COMMITTEE, "area": c, "name": f"中共{c.name}委员会",
             "secretary_name": ctx.faker.name(), "founded_on": _date(ctx, 2001, 2012)}
            for c in communities
        ],
    )
    by_community = {c.area_id: c for c in committees}
    main_committee = by_community[main.pk]

    general = services.organization_create(
        actor=actor, parent=main_committee, kind=OrgKind.GENERAL_BRANCH, area=main, name=f"中共{main.name}总支部委员会",
        secretary_name=ctx.faker.name(), founded_on=_date(ctx, 2005, 2012),
    )
    branch_specs = [
        {"kind": OrgKind.BRANCH, "area": g, "name": f"{main.name}{g.name}党支部", "is_grid_branch": True,
         "secretary_name": ctx.faker.name(), "founded_on": _date(ctx, 2014, 2020)}
        for g in grids
    ]
    if property_companies:
        company = property_companies[0]
        branch_specs.append(
            {"kind": OrgKind.BRANCH, "area": company.area, "unit": company, "name": f"{company.name}党支部",
             "secretary_name": ctx.faker.name(), "founded_on": _date(ctx, 2016, 2021)}
        )
    branch_specs.append(
        {"kind": OrgKind.BRANCH, "area": main, "name": f"{main.name}离退休党员党支部",
         "secretary_name": ctx.faker.name(), "founded_on": _date(ctx, 2003, 2010)}
    )
    branches = services.organizations_bulk_create(actor=actor, parent=general, children=branch_specs)

    # A branch with two groups in each lighter community: their in-service members 双报到 to the main one.
    other_branches = []
    for community in communities[1:]:
        other_branches += services.organizations_bulk_create(
            actor=actor, parent=by_community[community.pk],
            children=[{"kind": OrgKind.BRANCH, "area": community, "name": f"{community.name}党支部",
                       "secretary_name": ctx.faker.name(), "founded_on": _date(ctx, 2008, 2018)}],
        )

    groups: list[PartyOrganization] = []
    member_count = 0
    for branch in branches + other_branches:
        in_main = branch.area.path.startswith(main.path)
        count = ctx.rng.choice([2, 3]) if in_main else 2
        # 第1网格第一党小组, 离退休党员第二党小组 …: the branch's own words before the numeral.
        prefix = branch.name.removesuffix("党支部")
        for community in communities:
            prefix = prefix.removeprefix(community.name)
        made = services.organizations_bulk_create(
            actor=actor, parent=branch,
            children=[{"kind": OrgKind.GROUP, "area": branch.area, "name": f"{prefix}{GROUP_NUMERALS[i]}党小组",
                       "secretary_name": ctx.faker.name()} for i in range(count)],
        )
        groups += made
        retirees = "离退休" in branch.name
        for group in made:
            specs = _members(
                ctx, ctx.rng.randint(8, 15), retirees=retirees,
                in_service_share=0.3 if in_main else 0.5, employers=employers,
                home_community=main,
            )
            member_count += services.members_bulk_add(actor=actor, organization=group, members=specs)

    account = ctx.data.get("users", {}).get(Role.PARTY_MEMBER)
    if account is not None and groups:
        first = PartyMember.objects.filter(organization=groups[0]).order_by("id").first()
        if first is not None:
            # The demo party member account is an in-service member who 双报到 to the main community.
            services.member_update(actor=actor, member=first, user=account, is_in_service=True,
                                   employer=employers[0] if employers else None,
                                   employer_name="" if employers else ctx.faker.company(), home_community=main)

    alliances = _alliances(ctx, district_committee, street_committee, main_committee, units)
    ctx.data["party"] = {
        "district_committee": district_committee,
        "street_committee": street_committee,
        "community_committees": {c.area.code: c for c in committees},
        "general_branch": general,
        "branches": branches + other_branches,
        "groups": groups,
        "alliances": alliances,
    }
    ctx.log(
        f"party: {PartyOrganization.objects.count()} organisations, {member_count} members, "
        f"{len(alliances)} alliances"
    )


def _alliances(ctx: DemoContext, district_committee, street_committee, main_committee, units) -> dict:
    actor = ctx.actor
    plan = [
        (AllianceLevel.DISTRICT, f"{district_committee.area.name}党建引领基层治理大联盟", district_committee, 4),
        (AllianceLevel.STREET, f"{street_committee.area.name}大工委", street_committee, 6),
        (AllianceLevel.COMMUNITY, f"{main_committee.area.name}大党委", main_committee, 8),
    ]
    alliances = {}
    for level, name, lead, size in plan:
        alliance = services.alliance_create(actor=actor, level=level, name=name, area=lead.area,
                                            leading_organization=lead)
        chosen = ctx.rng.sample(units, min(size, len(units))) if units else []
        for index, unit in enumerate(chosen):
            services.alliance_member_add(
                actor=actor, alliance=alliance, unit=unit, representative_name=ctx.faker.name(),
                representative_title=ctx.rng.choice(TITLES.get(unit.kind, ["负责人"])),
                role=AllianceRole.PART_TIME_MEMBER if index < 2 else AllianceRole.MEMBER_UNIT,
                joined_on=_date(ctx, 2019, 2024),
            )
        alliances[level.value] = alliance
    return alliances
