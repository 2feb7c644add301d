"""`gongzhi gen-bench`: a district of a given size with years of case history.

What is written, and how (each in the format the owning app's services write):

- the area tree district → streets → communities → grids → buildings → entrance units →
  households, with treebeard paths computed like `areas.services.area_children_bulk_create`
  (`AreaNode._get_path`), standard codes and `numchild`; buildings carry coordinates;
- the ten district departments (`areas.services.department_save`) and the staff accounts
  (`accounts.services.user_create`: a grid worker per grid, community staff per community,
  street staff per street, one district administrator, one officer per department), plus
  resident accounts (requesters of online cases) in bulk;
- residents (`residents.Person`) with valid generated ID numbers, encrypted and hashed exactly as
  the import writes them (`core.pii.encryptor`, `blind_indexer`, masks, pinyin), and their move-in;
- cases with their events, disputes and whistle calls: every case follows the transition table
  from submission (deadlines from `cases.routing.deadlines` under the rule revision of its matter)
  through triage, dispatch to the catalogue's level, claim, first contact, resolution,
  verification, rating or auto-close; with rejections, merges, escalations, reopenings, whistle
  calls and stalled cases. The timeline is cut at `until`: recent cases are still open.

No per-row ORM saves: rows are streamed through `Sink` (COPY on PostgreSQL). The same seed and
`until` give the same data. Audit-log rows and notifications are not generated for the history
(the services write them, but no read measured here uses them).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from gongzhi.accounts import services as account_services
from gongzhi.accounts.models import User
from gongzhi.accounts.roles import Role
from gongzhi.areas import services as area_services
from gongzhi.areas.demo import DEPARTMENTS
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases import rollups, routing
from gongzhi.cases.models import (
    Case,
    CaseEvent,
    Category,
    CategoryRevision,
    Dispute,
    Level,
    QuestionType,
    State,
    WhistleCall,
)
from gongzhi.core import pii
from gongzhi.core.actors import SystemActor
from gongzhi.residents import sample, validation
from gongzhi.residents.models import Move, Person

from .sink import Sink

ACTOR = SystemActor(label="command:gen-bench")
DISTRICT_CODE = "620103"
SQLITE_MAX_CASES = 50_000
SQLITE_MAX_PEOPLE = 20_000
PEOPLE_PER_HOUSEHOLD = 2.6
HOUSEHOLDS_PER_UNIT = 24
UNITS_PER_BUILDING = 3
BENCH_PASSWORD = "gongzhi-bench-2026"

CHANNELS = [("hotline", 30), ("online", 25), ("visit", 14), ("hall", 8), ("patrol", 9), ("camera", 5),
            ("mailbox", 4), ("superior", 3), ("deliberation", 2)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志新海波宁晨浩然子轩梓涵一诺欣怡雨桐"
STREET_NAMES = ["西站", "西湖", "建兰路", "敦煌路", "西园", "秀川", "龚家湾", "土门墩", "晏家坪", "彭家坪", "魏岭", "黄峪"]
FEEDBACK = ["已现场处置完毕，居民认可。", "已协调相关单位整改到位。", "已向诉求人解释政策并提供办理指引。",
            "已安排专人跟进，问题已解决。"]
PLACES = ["楼下", "单元门口", "小区东门", "院内", "楼道", "停车场", "路口"]


@dataclass
class Sizes:
    people: int
    cases: int
    streets: int
    communities: int
    grids: int
    households: int
    buildings: int


def plan(people: int, cases: int) -> Sizes:
    grids = max(8, min(500, round(people / 1300)))
    communities = max(4, min(80, round(grids * 80 / 500)))
    streets = max(2, min(9, round(communities * 9 / 80)))
    households = max(1, math.ceil(people / PEOPLE_PER_HOUSEHOLD))
    buildings = max(grids, math.ceil(households / (HOUSEHOLDS_PER_UNIT * UNITS_PER_BUILDING)))
    return Sizes(people, cases, streets, communities, grids, households, buildings)


def _spread(total: int, parts: int) -> list[int]:
    """`total` items over `parts` as evenly as possible."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


@dataclass
class Tree:
    district: AreaNode | None = None
    streets: list[tuple[int, str, str]] = field(default_factory=list)  # (id, path, code)
    communities: list[tuple[int, str, str, int]] = field(default_factory=list)  # + street index
    grids: list[tuple[int, str, str, int]] = field(default_factory=list)  # + community index
    buildings: list[tuple[int, str, str, int]] = field(default_factory=list)  # + grid index
    households: list[tuple[int, str, str, int]] = field(default_factory=list)  # + building index


def _log(out: Callable[[str], None], started: float, message: str) -> None:
    out(f"[{time.perf_counter() - started:7.1f} s] {message}")


def build_tree(sizes: Sizes, rng: random.Random) -> Tree:
    """The area tree, written in bulk with treebeard paths (as area_children_bulk_create does)."""
    if AreaNode.objects.filter(code=DISTRICT_CODE).exists():
        raise RuntimeError(f"The database already holds district {DISTRICT_CODE}; generate into an empty database.")
    tree = Tree()
    district = area_services.area_node_create(
        actor=ACTOR, parent=None, kind=AreaKind.DISTRICT, code=DISTRICT_CODE, name="七里河区"
    )
    tree.district = district
    sink = Sink(AreaNode, ["path", "depth", "numchild", "kind", "code", "name", "latitude", "longitude", "is_active",
                           "outline"])
    get_path = AreaNode._get_path

    def add(parent_path: str, depth: int, step: int, kind: str, code: str, name: str, children: int,
            lat=None, lng=None) -> tuple[int, str]:
        pk = sink.new_id()
        path = get_path(parent_path, depth, step)
        sink.add((pk, path, depth, children, kind, code, name, lat, lng, True, "[]"))
        return pk, path

    per_street = _spread(sizes.communities, sizes.streets)
    per_community = _spread(sizes.grids, sizes.communities)
    per_grid = _spread(sizes.buildings, sizes.grids)
    households_left = sizes.households
    buildings_left = sizes.buildings
    community_index = grid_index = 0
    from decimal import Decimal

    for s in range(sizes.streets):
        s_code = f"{DISTRICT_CODE}{s + 1:03d}"
        s_id, s_path = add(district.path, 2, s + 1, AreaKind.STREET, s_code, f"{STREET_NAMES[s % len(STREET_NAMES)]}街道",
                           per_street[s])
        tree.streets.append((s_id, s_path, s_code))
        for c in range(per_street[s]):
            c_code = f"{s_code}{c + 1:03d}"
            c_children = per_community[community_index]
            c_id, c_path = add(s_path, 3, c + 1, AreaKind.COMMUNITY, c_code, f"{STREET_NAMES[s % len(STREET_NAMES)]}第{c + 1}社区",
                               c_children)
            tree.communities.append((c_id, c_path, c_code, s))
            for g in range(c_children):
                g_code = f"{c_code}{g + 1:03d}"
                g_buildings = per_grid[grid_index]
                g_id, g_path = add(c_path, 4, g + 1, AreaKind.GRID, g_code, f"第{g + 1}网格", g_buildings)
                tree.grids.append((g_id, g_path, g_code, community_index))
                for b in range(g_buildings):
                    b_code = f"{g_code}{b + 1:03d}"
                    # Households left are shared evenly over the buildings left.
                    b_households = math.ceil(households_left / buildings_left)
                    households_left -= b_households
                    buildings_left -= 1
                    units = _spread(b_households, UNITS_PER_BUILDING) if b_households else []
                    units = [u for u in units if u]
                    lat = Decimal("36.000000") + Decimal(rng.randint(0, 120_000)) / Decimal(1_000_000)
                    lng = Decimal("103.700000") + Decimal(rng.randint(0, 150_000)) / Decimal(1_000_000)
                    b_id, b_path = add(g_path, 5, b + 1, AreaKind.BUILDING, b_code, f"{b + 1}号楼", len(units), lat, lng)
                    b_index = len(tree.buildings)
                    tree.buildings.append((b_id, b_path, b_code, grid_index))
                    for u, count in enumerate(units):
                        u_code = f"{b_code}{u + 1:02d}"
                        u_id, u_path = add(b_path, 6, u + 1, AreaKind.UNIT, u_code, f"{u + 1}单元", count)
                        for h in range(count):
                            room = (h // 2 + 1) * 100 + h % 2 + 1
                            h_id, h_path = add(u_path, 7, h + 1, AreaKind.HOUSEHOLD, f"{u_code}{room:04d}",
                                               f"{room}室", 0)
                            tree.households.append((h_id, h_path, f"{u_code}{room:04d}", b_index))
                grid_index += 1
            community_index += 1
    sink.finish()
    AreaNode.objects.filter(pk=district.pk).update(numchild=sizes.streets)
    return tree


@dataclass
class Staff:
    grid: dict[int, tuple[int, str]]  # grid index → (user id, username)
    community: dict[int, tuple[int, str]]
    street: dict[int, tuple[int, str]]
    department: dict[str, tuple[int, str, int]]  # code → (user id, username, department id)
    admin: tuple[int, str]
    residents: list[tuple[int, str]]


def make_people(tree: Tree, sizes: Sizes) -> Staff:
    """Departments and staff through the services; resident accounts in bulk."""
    district = tree.district
    departments = {
        code: area_services.department_save(actor=ACTOR, district=district, code=code, name=f"七里河区{name}",
                                            short_name=short)
        for code, name, short in DEPARTMENTS
    }
    hashed = make_password(BENCH_PASSWORD)
    nodes = {n.pk: n for n in AreaNode.objects.filter(depth__lte=4)}

    def user(username: str, role: str, *, node_id: int | None = None, department=None) -> tuple[int, str]:
        u = account_services.user_create(
            actor=ACTOR, username=username, password="", password_hash=hashed, role=role,
            nodes=[nodes[node_id]] if node_id else [], department=department, display_name=username,
        )
        return u.pk, u.username

    admin = user("bench_admin", Role.DISTRICT_ADMIN, node_id=district.pk)
    street = {i: user(f"bench_street_{i + 1}", Role.STREET_STAFF, node_id=s[0]) for i, s in enumerate(tree.streets)}
    community = {i: user(f"bench_community_{i + 1}", Role.COMMUNITY_STAFF, node_id=c[0])
                 for i, c in enumerate(tree.communities)}
    grid = {i: user(f"bench_grid_{i + 1}", Role.GRID_WORKER, node_id=g[0]) for i, g in enumerate(tree.grids)}
    department = {}
    for code, d in departments.items():
        pk, name = user(f"bench_dept_{code}", Role.DEPARTMENT_STAFF, department=d)
        department[code] = (pk, name, d.pk)
    count = max(50, min(20_000, sizes.people // 30))
    User.objects.bulk_create(
        [User(username=f"bench_resident_{i + 1}", role=Role.RESIDENT, password=hashed, display_name=f"居民{i + 1}")
         for i in range(count)],
        batch_size=2000,
    )
    residents = list(User.objects.filter(username__startswith="bench_resident_").order_by("pk")
                     .values_list("pk", "username"))
    return Staff(grid, community, street, department, admin, residents)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def make_residents(tree: Tree, sizes: Sizes, rng: random.Random, until: dt.datetime,
                   progress: Callable[[str], None]) -> int:
    """Residents spread over the households, written like the import writes them."""
    encrypt = pii.encryptor()
    id_index = pii.blind_indexer(pii.ID_NUMBER)
    phone_index = pii.blind_indexer(pii.PHONE)
    fields = ["household_id", "name", "name_initials", "name_pinyin", "gender", "birth_date", "id_number",
              "id_number_hash", "id_number_masked", "phone", "phone_hash", "phone_masked", "residence_type",
              "relation", "occupation", "employer", "is_party_member", "notes", "status", "moved_in_on",
              "moved_out_on", "died_on", "updated_at", "created_at"]
    people = Sink(Person, fields)
    moves = Sink(Move, ["person_id", "kind", "date", "from_household_id", "to_household_id", "place", "note",
                        "recorded_by_id", "recorded_at"])
    today = until.date()
    seen: set[str] = set()
    households = tree.households
    regions = sample.REGIONS
    occupations = ["教师", "退休", "个体经营", "公司职员", "务工", "学生", ""]
    for i in range(sizes.people):
        household = households[i * len(households) // sizes.people]
        head = i == 0 or households[(i - 1) * len(households) // sizes.people] is not household
        while True:
            born = today - dt.timedelta(days=rng.randint(1, 92 * 365))
            male = rng.random() < 0.5
            number = sample.id_number(born=born, male=male, region=rng.choice(regions), order=rng.randint(0, 498))
            if number not in seen:
                seen.add(number)
                break
        name = _name(rng)
        initials, full = validation.name_pinyin(name)
        phone = sample.mobile(rng) if rng.random() < 0.8 else ""
        moved_in = today - dt.timedelta(days=rng.randint(30, 25 * 365))
        pk = people.new_id()
        people.add((
            pk, household[0], name, initials, full, "male" if male else "female", born, encrypt(number),
            id_index(number), pii.mask_id_number(number), encrypt(phone), phone_index(phone) if phone else "",
            pii.mask_phone(phone) if phone else "", rng.choice(["registered"] * 3 + ["permanent", "floating"]),
            "head" if head else rng.choice(["spouse", "child", "child", "parent", "grandchild"]),
            rng.choice(occupations), "", rng.random() < 0.07, "", "living", moved_in, None, None, until, until,
        ))
        moves.add((moves.new_id(), pk, "move_in", moved_in, None, household[0], "", "gen-bench", None, until))
        if (i + 1) % 100_000 == 0:
            progress(f"residents: {i + 1:,} of {sizes.people:,}")
    people.finish()
    moves.finish()
    return people.written


# ---------------------------------------------------------------------------------------------
# Cases


@dataclass
class Matter:
    id: int
    code: str
    name: str
    rules: dict
    revision_id: int
    version: int
    weight: float


def matters(rng: random.Random) -> list[Matter]:
    leaves = list(Category.objects.filter(parent__isnull=False, is_active=True).order_by("order", "code"))
    if not leaves:
        raise RuntimeError("The catalogue is empty: run `gongzhi migrate` (it seeds the catalogue).")
    result = []
    for rank, category in enumerate(sorted(leaves, key=lambda c: rng.random())):
        revision = CategoryRevision.objects.filter(category=category).order_by("-version").first()
        # Zipf-like popularity: a few matters (rubbish, noise, parking) dominate.
        result.append(Matter(category.pk, category.code, category.name, revision.rules, revision.pk,
                             revision.version, 1.0 / (rank + 1) ** 0.9))
    return result


def _iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def _answers(rules: dict, rng: random.Random) -> dict:
    answers = {}
    for q in rules.get("questions", []):
        if q["datatype"] == QuestionType.SINGLE and (q["required"] or rng.random() < 0.5):
            answers[q["code"]] = rng.choice(q["values"])["key"]
        elif q["datatype"] == QuestionType.NUMBER and rng.random() < 0.3:
            answers[q["code"]] = rng.randint(1, 30)
    return answers


@dataclass
class Ctx:
    tree: Tree
    staff: Staff
    rng: random.Random
    until: dt.datetime
    stall_share: float
    encrypt: Callable[[str], str]
    phone_index: Callable[[str], str]
    cases: Sink
    events: Sink
    disputes: Sink
    calls: Sink
    # (community index, category id) → (case id, created, [(time, state)]) of a recent master candidate
    masters: dict = field(default_factory=dict)
    merged_children: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


LEVEL_DEPTH = {Level.GRID: 4, Level.COMMUNITY: 3, Level.STREET: 2}
UP = {Level.GRID: Level.COMMUNITY, Level.COMMUNITY: Level.STREET}


def _holder(ctx: Ctx, level: str, grid_index: int, lead: str) -> tuple[int, str, int | None, tuple[int, str]]:
    """(area id, area path, department id, (assignee id, username)) holding a case at `level`."""
    tree, staff = ctx.tree, ctx.staff
    g = tree.grids[grid_index]
    c_index = g[3]
    s_index = tree.communities[c_index][3]
    if level == Level.GRID:
        return g[0], g[1], None, staff.grid[grid_index]
    if level == Level.COMMUNITY:
        c = tree.communities[c_index]
        return c[0], c[1], None, staff.community[c_index]
    s = tree.streets[s_index]
    if level == Level.STREET:
        return s[0], s[1], None, staff.street[s_index]
    d = staff.department[lead]
    return s[0], s[1], d[2], (d[0], d[1])


def _between(rng: random.Random, a: dt.datetime, b: dt.datetime, lo: float = 0.05, hi: float = 0.95) -> dt.datetime:
    return a + (b - a) * rng.uniform(lo, hi)


def make_case(ctx: Ctx, matter: Matter, created: dt.datetime) -> None:  # noqa: C901, PLR0912, PLR0915
    rng, tree, staff = ctx.rng, ctx.tree, ctx.staff
    rules = matter.rules
    channel = rng.choices(CHANNEL_NAMES, CHANNEL_WEIGHTS)[0]
    if channel in ("visit", "patrol", "camera") or rng.random() < 0.15:
        b_index = rng.randrange(len(tree.buildings))
        location = tree.buildings[b_index]
    else:
        location = tree.households[rng.randrange(len(tree.households))]
        b_index = location[3]
    grid_index = tree.buildings[b_index][3]
    c_index = tree.grids[grid_index][3]
    community = tree.communities[c_index]
    triage_staff = staff.community[c_index]
    requester = created_by = None
    caller_name = caller_phone = caller_index = ""
    if channel in ("online", "mailbox"):
        requester = rng.choice(staff.residents)
        submit_actor = requester
    elif channel in ("visit", "patrol"):
        created_by = staff.grid[grid_index]
        submit_actor = created_by
    elif channel == "camera":
        submit_actor = (None, "apikey:camera-bench")
    else:
        created_by = triage_staff
        submit_actor = created_by
        caller_name = _name(rng)
        phone = sample.mobile(rng)
        caller_phone, caller_index = ctx.encrypt(phone), ctx.phone_index(phone)
    response_due, handling_due, warn_at = routing.deadlines(created, rules)
    case_id = ctx.cases.new_id()
    kind = rules["kind"]
    now = ctx.until
    # The case's columns at submission; each step of its timeline carries the columns it sets.
    c = {
        "state": State.SUBMITTED, "level": Level.COMMUNITY, "area": community[0], "area_path": community[1],
        "department": None, "assignee": None, "dispatcher": None, "master": None,
        "responded_at": None, "handling_due": handling_due, "warn_at": warn_at, "reopened": False,
        "result": "", "feedback": "", "resolved_at": None, "resolved_level": "", "rating": "",
        "rating_solved": None, "rating_comment": "", "rated_at": None, "closed_at": None, "updated_at": created,
    }
    steps: list[tuple] = []
    state = [State.SUBMITTED]

    def step(at, action, to, actor, note="", params=None, sets=None):
        steps.append((at, action, state[0], to or state[0], actor, note, params or {}, sets or {}))
        if to:
            state[0] = to

    step(created, "submit", State.SUBMITTED, submit_actor, params={
        "channel": channel, "category": matter.code, "rule_version": matter.version, "location": location[2],
        "response_due": _iso(response_due), "handling_due": _iso(handling_due)})
    stall = bool(ctx.stall_share) and rng.random() < ctx.stall_share
    stall_after = rng.choice(["submit", "accept", "dispatch", "claim", "claim", "contact"]) if stall else None
    roll = rng.random()
    master_key = (c_index, matter.id)
    candidate = ctx.masters.get(master_key)
    merge_at = created + dt.timedelta(minutes=rng.randint(10, 240))
    whistle = None
    if stall_after == "submit":
        pass
    elif roll < 0.03:
        at = created + dt.timedelta(minutes=rng.randint(10, 1440))
        step(at, "reject", State.REJECTED, triage_staff, note="不属于受理范围，已告知诉求人相应渠道。",
             sets={"closed_at": at})
    elif (roll < 0.07 and candidate and merge_at <= now and created - dt.timedelta(days=7) < candidate[1] < merge_at
          and _state_at(candidate[2], merge_at) in _MERGE_TARGET):
        master_id = candidate[0]
        master_state = _state_at(candidate[2], merge_at)
        step(merge_at, "merge", State.MERGED, triage_staff, note="同一事项已有诉求在办。", params={"master": master_id},
             sets={"master": master_id})
        ctx.events.add((ctx.events.new_id(), master_id, merge_at, triage_staff[0], triage_staff[1], "merge_in",
                        master_state, master_state, "同一事项已有诉求在办。", json.dumps({"child": case_id}), False))
    else:
        in_time = rng.random() < 0.9
        if in_time:
            responded = _between(rng, created, response_due)
        else:
            responded = response_due + dt.timedelta(minutes=rng.randint(10, 2880))
        # Triage and dispatch happen before the first contact.
        step(_between(rng, created, responded, 0.05, 0.2), "accept", State.ACCEPTED, triage_staff)
        if stall_after != "accept":
            level = rules["level"]
            area, path, department, holder = _holder(ctx, level, grid_index, rules["lead"])
            step(_between(rng, created, responded, 0.25, 0.4), "dispatch", State.DISPATCHED, triage_staff,
                 params={"level": level, "node": _code_of(ctx, level, grid_index),
                         "department": rules["lead"] if department else None, "manual": False},
                 sets={"level": level, "area": area, "area_path": path, "department": department,
                       "dispatcher": community[0], "assignee": None})
            if stall_after != "dispatch":
                step(_between(rng, created, responded, 0.45, 0.6), "claim", State.IN_PROGRESS, holder,
                     sets={"assignee": holder[0]})
                if stall_after != "claim":
                    step(responded, "contact", None, holder, note="已电话联系诉求人，了解情况。",
                         params={"method": "phone", "at": _iso(responded), "first": True, "in_time": in_time},
                         sets={"responded_at": responded})
                    if not stall:
                        whistle = _handle(ctx, c, step, rules, grid_index, holder, responded, triage_staff,
                                          requester)
    if stall:
        ctx.counts["stalled"] = ctx.counts.get("stalled", 0) + 1
    # Cut the timeline at `until`: what lies beyond has not happened yet.
    kept = [s for s in steps if s[0] <= now]
    for s in kept:
        c.update(s[7])
    c["state"], c["updated_at"] = kept[-1][3], kept[-1][0]
    if kind == "dispute":
        ctx.disputes.add((ctx.disputes.new_id(), case_id, "mediation",
                          "agreed" if c["state"] == State.CLOSED else "pending", "", None))
    for at, action, src, dst, actor, note, params, _sets in kept:
        ctx.events.add((ctx.events.new_id(), case_id, at, actor[0], actor[1], action, src, dst, note,
                        json.dumps(params, ensure_ascii=False), False))
    if whistle and whistle[2] <= now:
        dept, caller, called, ack_by, acked, reported = whistle
        done_ack, done_report = acked <= now, reported <= now
        ctx.calls.add((ctx.calls.new_id(), case_id, dept[2], caller, called, "请协助处置。", ack_by,
                       acked if done_ack else None, dept[0] if done_ack else None, done_ack and acked > ack_by,
                       "已完成本部门职责部分。" if done_report else "", reported if done_report else None))
    final_state = c["state"]
    ctx.counts[final_state] = ctx.counts.get(final_state, 0) + 1
    title = f"{matter.name}：{rng.choice(PLACES)}"
    ctx.cases.add((
        case_id, final_state, channel, kind, matter.id, matter.revision_id, rules["theme"], title,
        f"{community[2]} {location[2]} {matter.name}，请尽快处理。", json.dumps(_answers(rules, rng), ensure_ascii=False),
        location[0], location[1], None, None, "", c["level"], c["area"], c["area_path"], c["department"],
        c["assignee"], c["dispatcher"], 0, requester[0] if requester else None, caller_name,
        caller_phone, caller_index, False, created_by[0] if created_by else None, c["master"], created,
        c["updated_at"], response_due, c["responded_at"], c["handling_due"], c["warn_at"], 0, "", False,
        c["reopened"], c["result"], c["feedback"], c["resolved_at"], c["resolved_level"], c["rating"],
        c["rating_solved"], c["rating_comment"], c["rated_at"], c["closed_at"],
    ))
    if c["master"] is None and final_state != State.REJECTED:
        ctx.masters[master_key] = (case_id, created, [(s[0], s[3]) for s in steps])


_MERGE_TARGET = {State.SUBMITTED, State.ACCEPTED, State.DISPATCHED, State.IN_PROGRESS, State.REOPENED,
                 State.VERIFYING, State.AWAITING_RATING}


def _state_at(timeline: list[tuple[dt.datetime, str]], at: dt.datetime) -> str:
    times = [t for t, _s in timeline]
    i = bisect.bisect_right(times, at)
    return timeline[i - 1][1] if i else State.SUBMITTED


def _code_of(ctx: Ctx, level: str, grid_index: int) -> str:
    g = ctx.tree.grids[grid_index]
    if level == Level.GRID:
        return g[2]
    c = ctx.tree.communities[g[3]]
    if level == Level.COMMUNITY:
        return c[2]
    return ctx.tree.streets[c[3]][2]


def _handle(ctx, c, step, rules, grid_index, holder, responded, triage_staff, requester):  # noqa: PLR0915
    """Escalation, whistle, resolution, verification, rating (with one reopening) after the first contact.
    Returns the whistle call's data, if any."""
    rng = ctx.rng
    t = responded
    due = c["handling_due"]
    level = rules["level"]
    whistle = None
    if level in UP and rng.random() < 0.04:
        t = _between(rng, responded, max(due, responded + dt.timedelta(hours=1)), 0.05, 0.2)
        new_level = UP[level]
        area, path, department, new_holder = _holder(ctx, new_level, grid_index, rules["lead"])
        step(t, "escalate", State.DISPATCHED, holder, note="超出本级处置能力，申请上级协调。",
             params={"from_level": level, "to_level": new_level, "node": _code_of(ctx, new_level, grid_index)},
             sets={"level": new_level, "area": area, "area_path": path, "assignee": None, "department": department})
        level, holder = new_level, new_holder
        t = t + dt.timedelta(minutes=rng.randint(10, 600))
        step(t, "claim", State.IN_PROGRESS, holder, sets={"assignee": holder[0]})
    if level == Level.STREET and rng.random() < 0.2:
        code = rng.choice([d for d in ctx.staff.department if d != rules["lead"]])
        dept = ctx.staff.department[code]
        called = t + dt.timedelta(minutes=rng.randint(30, 600))
        ack_by = called + dt.timedelta(hours=2)
        acked = called + dt.timedelta(minutes=rng.randint(10, 240))
        reported = acked + dt.timedelta(hours=rng.randint(2, 48))
        step(called, "whistle", None, holder, note="请协助处置。",
             params={"departments": [code], "acknowledge_by": _iso(ack_by)})
        step(acked, "acknowledge", None, (dept[0], dept[1]), params={"department": code, "late": acked > ack_by})
        step(reported, "report_part", None, (dept[0], dept[1]), note="已完成本部门职责部分。", params={"department": code})
        whistle = (dept, holder[0], called, ack_by, acked, reported)
        t = reported
    verify = bool(rules.get("verification_required"))
    for attempt in range(2):
        if rng.random() < 0.86 and due > t:
            resolved = _between(rng, t, due, 0.1, 0.98)
        else:
            resolved = max(t, due) + dt.timedelta(minutes=rng.randint(60, 14_400))
        result = rng.choices(["solved", "partly", "explained"], [80, 12, 8])[0]
        feedback = rng.choice(FEEDBACK)
        step(resolved, "resolve", State.VERIFYING if verify else State.AWAITING_RATING, holder, note=feedback,
             params={"result": result},
             sets={"result": result, "feedback": feedback, "resolved_at": resolved, "resolved_level": level})
        t = resolved
        if verify:
            t = t + dt.timedelta(minutes=rng.randint(60, 2880))
            step(t, "verify_pass", State.AWAITING_RATING, triage_staff)
        if rng.random() < 0.72:
            rating = rng.choices(["satisfied", "basic", "unsatisfied"], [80, 14, 6])[0]
            solved = rng.random() < {"satisfied": 0.96, "basic": 0.75, "unsatisfied": 0.2}[rating]
            callback = requester is None
            rater = requester or triage_staff
            params = {"rating": rating, "solved": solved, "callback": callback}
            t = t + dt.timedelta(minutes=rng.randint(60, 7000))
            if rating == "unsatisfied" and attempt == 0 and rng.random() < 0.6:
                step(t, "rate", State.REOPENED, rater, note="问题没有解决。", params=params, sets={"reopened": True})
                t = t + dt.timedelta(minutes=rng.randint(30, 1440))
                _r, due, warn = routing.deadlines(t, rules)
                step(t, "reopen", State.IN_PROGRESS, holder, params={"handling_due": _iso(due)},
                     sets={"handling_due": due, "warn_at": warn, "resolved_at": None, "resolved_level": "",
                           "result": "", "assignee": holder[0]})
                continue
            step(t, "rate", State.CLOSED, rater, params=params,
                 sets={"rating": rating, "rating_solved": solved, "rating_comment": "", "rated_at": t, "closed_at": t})
        else:
            t = t + dt.timedelta(days=7, minutes=rng.randint(1, 15))
            step(t, "auto_close", State.CLOSED, (None, "task:sla-sweep"), sets={"closed_at": t})
        break
    return whistle


CHANNEL_NAMES = [c for c, _w in CHANNELS]
CHANNEL_WEIGHTS = [w for _c, w in CHANNELS]

CASE_FIELDS = [
    "state", "channel", "kind", "category_id", "rule_id", "theme", "title", "description", "answers", "location_id",
    "location_path", "latitude", "longitude", "address", "level", "area_id", "area_path", "department_id",
    "assignee_id", "dispatcher_node_id", "return_count", "requester_id", "caller_name", "caller_phone",
    "caller_phone_index", "anonymous", "created_by_id", "master_id", "created_at", "updated_at", "response_due",
    "responded_at", "handling_due", "handling_warn_at", "extension_days", "extension_reason", "extended", "reopened",
    "result", "feedback", "resolved_at", "resolved_level", "rating", "rating_solved", "rating_comment", "rated_at",
    "closed_at",
]
EVENT_FIELDS = ["case_id", "created_at", "actor_id", "actor_label", "action", "from_state", "to_state", "note", "params",
                "internal"]


def make_cases(tree: Tree, staff: Staff, sizes: Sizes, rng: random.Random, *, until: dt.datetime, years: float,
               stall_share: float, progress: Callable[[str], None]) -> dict:
    found = matters(rng)
    weights = [m.weight for m in found]
    ctx = Ctx(
        tree=tree, staff=staff, rng=rng, until=until, stall_share=stall_share, encrypt=pii.encryptor(),
        phone_index=pii.blind_indexer(pii.PHONE),
        cases=Sink(Case, CASE_FIELDS, batch=10_000), events=Sink(CaseEvent, EVENT_FIELDS, batch=50_000),
        disputes=Sink(Dispute, ["case_id", "stage", "outcome", "agreement", "agreement_signed_at"]),
        calls=Sink(WhistleCall, ["case_id", "department_id", "called_by_id", "called_at", "reason", "acknowledge_by",
                                 "acknowledged_at", "acknowledged_by_id", "late", "report", "reported_at"]),
    )
    span = dt.timedelta(days=365 * years)
    start = until - span
    # Creation times in order (ids follow time, as in real data), a little denser towards the end
    # (requests grow year on year) and by day of week and hour.
    step_seconds = span.total_seconds() / max(1, sizes.cases)
    t = start
    for i in range(sizes.cases):
        growth = 1.3 - 0.6 * (i / max(1, sizes.cases))  # earlier: sparser
        t = t + dt.timedelta(seconds=rng.expovariate(1.0) * step_seconds * growth)
        if t >= until:
            t = until - dt.timedelta(seconds=rng.randint(1, 3600))
        local = timezone.localtime(t)
        created = t
        if local.hour < 7 or local.hour > 21:  # fewer requests at night: move half of them to the day
            if rng.random() < 0.5:
                created = t.replace(hour=(t.hour + 10) % 24) if (t.replace(hour=(t.hour + 10) % 24) < until) else t
        created = created.replace(microsecond=0)
        make_case(ctx, rng.choices(found, weights)[0], created)
        if (i + 1) % 100_000 == 0:
            progress(f"cases: {i + 1:,} of {sizes.cases:,} (events {ctx.events.written + len(ctx.events.rows):,})")
    # Merged children close with their master.
    for sink in (ctx.cases, ctx.events, ctx.disputes, ctx.calls):
        sink.finish()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Case._meta.db_table} SET closed_at = m.closed_at FROM {Case._meta.db_table} m "  # noqa: S608
            f"WHERE {Case._meta.db_table}.master_id = m.id AND m.closed_at IS NOT NULL"
            if connection.vendor == "postgresql" else
            f"UPDATE {Case._meta.db_table} SET closed_at = (SELECT m.closed_at FROM {Case._meta.db_table} m "  # noqa: S608
            f"WHERE m.id = {Case._meta.db_table}.master_id) WHERE master_id IS NOT NULL"
        )
    return {"cases": ctx.cases.written, "events": ctx.events.written, "disputes": ctx.disputes.written,
            "whistle_calls": ctx.calls.written, "states": dict(sorted(ctx.counts.items()))}


def generate(*, people: int, cases: int, seed: int = 1, years: float = 3.0, until: dt.datetime | None = None,
             stall_share: float = 0.003, out: Callable[[str], None] = print) -> dict:
    """Build the district and its history; returns a summary. Refuses large sizes on SQLite."""
    if connection.vendor != "postgresql" and (cases > SQLITE_MAX_CASES or people > SQLITE_MAX_PEOPLE):
        raise RuntimeError(
            f"gen-bench writes {people:,} people and {cases:,} cases only on PostgreSQL (set DATABASE_URL); "
            f"SQLite takes at most {SQLITE_MAX_PEOPLE:,} people and {SQLITE_MAX_CASES:,} cases."
        )
    started = time.perf_counter()
    until = until or timezone.now().replace(microsecond=0)
    rng = random.Random(seed)
    sizes = plan(people, cases)
    out(f"gen-bench: {people:,} people, {cases:,} cases over {years:g} years to {until:%Y-%m-%d %H:%M} UTC, seed {seed}, "
        f"on {connection.vendor}: {sizes.streets} streets, {sizes.communities} communities, {sizes.grids} grids, "
        f"{sizes.buildings:,} buildings, {sizes.households:,} households")
    summary: dict = {"people": people, "cases": cases, "seed": seed, "years": years, "until": until.isoformat(),
                     "streets": sizes.streets, "communities": sizes.communities, "grids": sizes.grids,
                     "buildings": sizes.buildings, "households": sizes.households}

    def progress(message: str) -> None:
        _log(out, started, message)

    with transaction.atomic():
        tree = build_tree(sizes, rng)
        progress(f"area tree: {len(tree.households):,} households")
        staff = make_people(tree, sizes)
        progress(f"staff and {len(staff.residents):,} resident accounts")
    with transaction.atomic():
        summary["residents"] = make_residents(tree, sizes, rng, until, progress)
        progress(f"residents: {summary['residents']:,}")
    with transaction.atomic():
        summary.update(make_cases(tree, staff, sizes, rng, until=until, years=years, stall_share=stall_share,
                                  progress=progress))
        progress(f"cases: {summary['cases']:,}, events: {summary['events']:,}")
    # The cases were written in bulk, past Case.save: their daily roll-ups come from one recount.
    summary["rollup_rows"] = rollups.rebuild(actor=ACTOR)
    progress(f"daily roll-ups: {summary['rollup_rows']:,} rows")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would leave it: statistics and the visibility map (index-only scans).
            # VACUUM cannot run inside a transaction (tests): statistics only there.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        progress("vacuumed and analyzed")
    summary["seconds"] = round(time.perf_counter() - started, 1)
    out(f"gen-bench done in {summary['seconds']} s: {json.dumps(summary['states'])}")
    return summary
