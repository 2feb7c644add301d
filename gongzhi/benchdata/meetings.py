"""`gongzhi gen-bench-meetings`: a district-year of bodies, meetings and decisions (issue 13's
benchmark: 9 streets, 80 communities, 650 bodies, 10,000 meetings, 30,000 decisions).

Written on the district `gongzhi gen-bench` made when the database holds one; otherwise a bare
district of the same shape is built first (9 streets, 80 communities, 500 grids with one building
each, its staff and a district administrator `bench_admin`, through the same code as gen-bench),
so the meetings benchmark does not need the 5,000,000 cases.

The bodies of each level, in the columns the meetings services write (`body_create` cadences, a
party branch's 三会一课 and theme day): the 区级大联盟 (yearly), each street's 大工委 (quarterly),
each community's 大党委 (every two months), 两委 (monthly), 居民议事会 (quarterly) and 四位一体
联席会 (every two months), party branches (三会一课 + 主题党日) and party groups (monthly) at the grids.
Their periods of the year get a meeting (most held, a few cancelled, some missed), plus
extraordinary meetings, hearings and coordination meetings; held meetings have attendance rows
(present, excused, absent, with the counts `refresh_counts` keeps), agenda items and decisions
(done on time, late, open past the deadline, open, withdrawn) with an owner. Rows are streamed
through `Sink` (COPY on PostgreSQL); the same seed and year give the same data. No audit rows or
notifications are generated for the history (no read measured here uses them)."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.meetings.models import (
    CADENCE_MONTHS,
    PARTY_LIFE_CADENCES,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyCadence,
    BodyKind,
    BodyMember,
    Cadence,
    Decision,
    DecisionOwner,
    DecisionState,
    Meeting,
    MeetingKind,
    MeetingState,
    MemberRole,
    QuorumRule,
    quorum_met,
)

from .generator import DISTRICT_CODE, GIVEN, SURNAMES, Sizes, build_tree, make_people
from .sink import Sink

TOPICS = [
    "老旧小区加装电梯意见征集", "背街小巷环境整治", "小区停车难问题", "冬季供暖保障", "垃圾分类推进",
    "独居老人关爱服务", "楼道堆物清理", "共享单车乱停放治理", "物业服务质量提升", "雨污管网改造",
    "社区食堂运营", "困难群众帮扶", "文明城市创建", "疫情防控常态化工作", "驻区单位资源共享",
    "志愿服务积分兑换", "安全生产隐患排查", "电动车充电桩建设", "校园周边交通秩序", "农贸市场周边秩序",
]
DECISIONS = [
    "由物业公司负责，两周内完成清理", "社区牵头，协调驻区单位开放停车位", "街道报区住建局争取改造资金",
    "网格员逐户摸排，建立台账", "党员志愿者每周开展一次巡查", "供热公司排查管网，限期恢复供暖",
    "召开居民代表会议征求意见后实施", "社区居委会公示办理结果",
]
OWNERS = ["社区居委会", "物业服务中心", "网格党支部", "街道城建办", "驻区单位联络员", "业主委员会", "供热公司"]
ABSENCE = ["因病请假", "外出开会", "单位值班", "家中有事"]


@dataclass
class Plan:
    kind: str
    name: str
    area: tuple[int, str]  # (id, path)
    cadences: dict[str, str]  # meeting kind → cadence
    members: int
    turnout: float  # share of members present at a held meeting
    diligence: float  # share of due periods it meets
    decisions_weight: float


def _bare_tree(shape: tuple[int, int, int], out: Callable[[str], None]) -> None:
    """A district of `shape` (streets, communities, grids) without residents or cases, one building
    and household per grid, and its staff (only when the database holds no generated district)."""
    streets, communities, grids = shape
    sizes = Sizes(people=0, cases=0, streets=streets, communities=communities, grids=grids, households=grids,
                  buildings=grids)
    with transaction.atomic():
        tree = build_tree(sizes, random.Random(1))
        make_people(tree, sizes)
    out(f"bare district {DISTRICT_CODE}: {streets} streets, {communities} communities, {grids} grids and their staff")


def _tree() -> tuple[tuple, list, list, list]:
    nodes = list(AreaNode.objects.filter(path__startswith=AreaNode.objects.get(code=DISTRICT_CODE).path,
                                         kind__in=[AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY,
                                                   AreaKind.GRID]).order_by("path").values_list("id", "path", "kind", "name"))
    by_kind: dict[str, list] = {}
    for pk, path, kind, name in nodes:
        by_kind.setdefault(kind, []).append((pk, path, name))
    district = by_kind[AreaKind.DISTRICT][0]
    # A grid's name with its community's ("西站第3社区第2网格"): grid names repeat from one community to the next.
    community_names = {path: name for _pk, path, name in by_kind.get(AreaKind.COMMUNITY, [])}
    by_kind[AreaKind.GRID] = [(pk, path, community_names.get(path[:-AreaNode.steplen], "") + name)
                              for pk, path, name in by_kind.get(AreaKind.GRID, [])]
    return district, by_kind.get(AreaKind.STREET, []), by_kind.get(AreaKind.COMMUNITY, []), by_kind.get(AreaKind.GRID, [])


def _plans(district, streets, communities, grids, bodies: int, rng: random.Random) -> list[Plan]:
    party = {str(k): str(v) for k, v in PARTY_LIFE_CADENCES.items()}
    plans = [Plan(BodyKind.ALLIANCE, f"{district[2]}党建引领基层治理大联盟", district[:2], {MeetingKind.REGULAR: Cadence.YEARLY},
                  24, 0.9, 1.0, 4)]
    for s in streets:
        plans.append(Plan(BodyKind.ALLIANCE, f"{s[2]}大工委", s[:2], {MeetingKind.REGULAR: Cadence.QUARTERLY}, 16, 0.88, 0.97, 3))
    for c in communities:
        plans += [
            Plan(BodyKind.ALLIANCE, f"{c[2]}大党委", c[:2], {MeetingKind.REGULAR: Cadence.BIMONTHLY}, 12, 0.85, 0.95, 3),
            Plan(BodyKind.TWO_COMMITTEES, f"{c[2]}两委联席会", c[:2], {MeetingKind.REGULAR: Cadence.MONTHLY}, 9, 0.92, 0.9, 3),
            Plan(BodyKind.RESIDENTS_COUNCIL, f"{c[2]}居民议事会", c[:2], {MeetingKind.REGULAR: Cadence.QUARTERLY}, 15, 0.8, 0.85, 4),
            Plan(BodyKind.FOUR_IN_ONE, f"{c[2]}四位一体联席会", c[:2], {MeetingKind.REGULAR: Cadence.BIMONTHLY}, 6, 0.9, 0.8, 4),
        ]
    left = max(0, bodies - len(plans))
    branches = min(len(grids), round(left * 0.68))
    for g in grids[:branches]:
        plans.append(Plan(BodyKind.PARTY_BRANCH, f"{g[2]}党支部", g[:2], party, rng.randint(8, 16),
                          rng.uniform(0.75, 0.95), rng.uniform(0.55, 0.85), 1))
    for i in range(bodies - len(plans)):
        g = grids[i % len(grids)]
        plans.append(Plan(BodyKind.PARTY_GROUP, f"{g[2]}第{i // len(grids) + 1}党小组", g[:2],
                          {MeetingKind.GROUP_MEETING: Cadence.MONTHLY}, rng.randint(5, 10), rng.uniform(0.7, 0.95),
                          rng.uniform(0.6, 0.9), 0.5))
    return plans[:bodies]


def _periods(cadence: str, year: int) -> list[tuple[dt.date, dt.date]]:
    months = CADENCE_MONTHS[cadence]
    out = []
    for first in range(1, 13, months):
        start = dt.date(year, first, 1)
        nxt = dt.date(year + 1, 1, 1) if first + months > 12 else dt.date(year, first + months, 1)
        out.append((start, nxt - dt.timedelta(days=1)))
    return out


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def generate_meetings(*, seed: int = 1, year: int | None = None, bodies: int = 650, meetings: int = 10_000,
                      decisions: int = 30_000, shape: tuple[int, int, int] = (9, 80, 500),
                      out: Callable[[str], None] = print) -> dict:
    """Bodies, a year of meetings and their decisions in the generated district; returns a summary."""
    started = time.perf_counter()
    today = timezone.localdate()
    year = year or today.year - 1
    rng = random.Random(seed)
    bare = not AreaNode.objects.filter(code=DISTRICT_CODE).exists()
    if bare:
        _bare_tree(shape, out)
    if Body.objects.filter(area__path__startswith=AreaNode.objects.get(code=DISTRICT_CODE).path).exists():
        raise RuntimeError("The generated district already has bodies; generate meetings into a fresh district.")
    district, streets, communities, grids = _tree()
    plans = _plans(district, streets, communities, grids, bodies, rng)
    tz = timezone.get_current_timezone()
    created_at = dt.datetime(year - 2, 1, 1, 9, 0, tzinfo=tz)

    with transaction.atomic():
        body_sink = Sink(Body, ["kind", "name", "area", "alliance", "party_organization", "estate", "quorum_rule",
                                "description", "is_active", "created_at"])
        cadence_sink = Sink(BodyCadence, ["body", "kind", "cadence"])
        member_sink = Sink(BodyMember, ["body", "capacity", "name", "title", "user", "party_member", "unit", "phone",
                                        "phone_masked", "joined_on", "left_on"])
        body_ids, members_of = [], []
        for plan in plans:
            pk = body_sink.new_id()
            body_ids.append(pk)
            body_sink.add((pk, plan.kind, plan.name[:100], plan.area[0], None, None, None, QuorumRule.MORE_THAN_HALF,
                           "", True, created_at))
            for kind, cadence in plan.cadences.items():
                cadence_sink.add((cadence_sink.new_id(), pk, kind, cadence))
            members = []
            for i in range(plan.members):
                capacity = MemberRole.CHAIR if i == 0 else MemberRole.SECRETARY if i == 1 else (
                    MemberRole.OBSERVER if i == plan.members - 1 and plan.members > 8 else MemberRole.MEMBER)
                mid = member_sink.new_id()
                name = _name(rng)
                member_sink.add((mid, pk, capacity, name, "", None, None, None, "", "", created_at.date(), None))
                members.append((mid, name, capacity))
            members_of.append(members)
        for sink in (body_sink, cadence_sink, member_sink):
            sink.finish()
        out(f"[{time.perf_counter() - started:6.1f} s] {len(plans)} bodies, {member_sink.written:,} members")

        # The year's slots (body, meeting kind, period), then which of them met.
        slots = [(b, kind, period) for b, plan in enumerate(plans) for kind, cadence in plan.cadences.items()
                 for period in _periods(cadence, year)]
        extras = max(1, round(meetings * 0.03))
        wanted = meetings - extras
        weights = [plans[b].diligence for b, _k, _p in slots]
        order = sorted(range(len(slots)), key=lambda i: rng.random() ** (1 / max(weights[i], 1e-6)), reverse=True)
        chosen = set(order[:min(wanted, len(slots))])
        sessions = [slots[i] + (False,) for i in sorted(chosen)]
        for _ in range(meetings - len(sessions)):
            b = rng.randrange(len(plans))
            start = dt.date(year, rng.randint(1, 12), 1)
            sessions.append((b, rng.choice([MeetingKind.EXTRAORDINARY, MeetingKind.EXTRAORDINARY, MeetingKind.HEARING]),
                             (start, start), True))

        meeting_sink = Sink(Meeting, ["body", "area", "case", "kind", "title", "starts_at", "ends_at", "location",
                                      "period_start", "period_end", "state", "state_reason", "quorum_rule",
                                      "expected_count", "present_count", "is_quorate", "signin_code",
                                      "signin_expires_at", "notice_sent_at", "missed_flagged_at", "created_by",
                                      "created_at"], batch=5000)
        attendance_sink = Sink(Attendance, ["meeting", "member", "user", "name", "organization", "capacity",
                                            "is_outside_party", "phone", "phone_masked", "counts_for_quorum", "status",
                                            "absence_reason", "signed_in_at", "signed_in_via", "notified_at"],
                               batch=50_000)
        agenda_sink = Sink(AgendaItem, ["meeting", "position", "title", "notes", "case", "reference",
                                        "is_fixed_content"], batch=50_000)
        held: list[tuple[int, dt.datetime, float, list[int]]] = []  # meeting id, start, weight, agenda ids
        states: dict[str, int] = {}
        for b, kind, (p_start, p_end), extra in sessions:
            plan = plans[b]
            day = p_start + dt.timedelta(days=rng.randint(0, max(0, (p_end - p_start).days)))
            if extra:
                day = p_start + dt.timedelta(days=rng.randint(0, 27))
            starts = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 14, 15, 19]), rng.choice([0, 30])), tzinfo=tz)
            upcoming = starts.date() >= today
            state = MeetingState.PLANNED if upcoming else (
                MeetingState.CANCELLED if rng.random() < 0.02 else MeetingState.HELD)
            states[str(state)] = states.get(str(state), 0) + 1
            mid = meeting_sink.new_id()
            members = members_of[b]
            present = expected = 0
            if state == MeetingState.HELD:
                for member_id, name, capacity in members:
                    counts = capacity != MemberRole.OBSERVER
                    roll = rng.random()
                    status = (AttendanceStatus.PRESENT if roll < plan.turnout else
                              AttendanceStatus.EXCUSED if roll < plan.turnout + (1 - plan.turnout) * 0.7 else
                              AttendanceStatus.ABSENT)
                    expected += counts
                    present += counts and status == AttendanceStatus.PRESENT
                    attendance_sink.add((attendance_sink.new_id(), mid, member_id, None, name, "", capacity, False, "", "",
                                         counts, status,
                                         rng.choice(ABSENCE) if status == AttendanceStatus.EXCUSED else "",
                                         starts if status == AttendanceStatus.PRESENT else None,
                                         "secretary" if status == AttendanceStatus.PRESENT else "", None))
            topic = rng.choice(TOPICS)
            title = f"{plan.name}{MeetingKind(kind).label if kind != MeetingKind.REGULAR else '例会'}：{topic}"
            meeting_sink.add((
                mid, body_ids[b], plan.area[0], None, kind, str(title)[:200], starts, starts + dt.timedelta(hours=2),
                "社区党群服务中心会议室", None if extra else p_start, None if extra else p_end, state,
                "因防汛值班改期未开" if state == MeetingState.CANCELLED else "", QuorumRule.MORE_THAN_HALF, expected,
                present, quorum_met(QuorumRule.MORE_THAN_HALF, present, expected) if state == MeetingState.HELD else None,
                "", None, starts - dt.timedelta(days=2), None, None, starts - dt.timedelta(days=10),
            ))
            agenda_ids = []
            if state == MeetingState.HELD:
                position = 1
                if kind == MeetingKind.THEME_DAY:
                    for fixed in ("重温入党誓词", "学习党的创新理论", "交纳党费", "开展志愿服务"):
                        agenda_sink.add((agenda_sink.new_id(), mid, position, fixed, "", None, "", True))
                        position += 1
                for _ in range(rng.choice([1, 2, 2, 3, 4]) if plan.decisions_weight >= 1 else rng.choice([1, 1, 2])):
                    aid = agenda_sink.new_id()
                    agenda_sink.add((aid, mid, position, rng.choice(TOPICS), "", None, "", False))
                    agenda_ids.append(aid)
                    position += 1
                held.append((mid, starts, plan.decisions_weight, agenda_ids))
        for sink in (meeting_sink, attendance_sink, agenda_sink):
            sink.finish()
        out(f"[{time.perf_counter() - started:6.1f} s] {meeting_sink.written:,} meetings ({states}), "
            f"{attendance_sink.written:,} attendances, {agenda_sink.written:,} agenda items")

        decision_sink = Sink(Decision, ["meeting", "agenda_item", "case", "number", "text", "deadline", "state",
                                        "done_at", "done_note", "overdue_flagged_at", "created_by", "created_at"],
                             batch=20_000)
        owner_sink = Sink(DecisionOwner, ["decision", "user", "unit", "department", "name"], batch=20_000)
        picks = rng.choices(range(len(held)), weights=[h[2] for h in held], k=decisions) if held else []
        numbers: dict[int, int] = {}
        outcome: dict[str, int] = {}
        for index in picks:
            mid, starts, _w, agenda_ids = held[index]
            numbers[mid] = numbers.get(mid, 0) + 1
            deadline = starts.date() + dt.timedelta(days=rng.choice([7, 14, 30, 30, 60, 90]))
            roll = rng.random()
            done_at = None
            if deadline < today:
                if roll < 0.74:
                    state, done_at = DecisionState.DONE, starts + dt.timedelta(days=rng.randint(1, (deadline - starts.date()).days))
                elif roll < 0.86:
                    state, done_at = DecisionState.DONE, dt.datetime.combine(
                        deadline + dt.timedelta(days=rng.randint(1, 40)), dt.time(17, 0), tzinfo=tz)
                    done_at = min(done_at, timezone.now())
                elif roll < 0.97:
                    state = DecisionState.OPEN
                else:
                    state = DecisionState.CANCELLED
            else:
                state = DecisionState.DONE if roll < 0.3 else DecisionState.OPEN
                if state == DecisionState.DONE:
                    done_at = min(starts + dt.timedelta(days=rng.randint(1, 10)), timezone.now())
            key = "late" if done_at and timezone.localdate(done_at) > deadline else (
                "overdue" if state == DecisionState.OPEN and deadline < today else str(state))
            outcome[key] = outcome.get(key, 0) + 1
            did = decision_sink.new_id()
            decision_sink.add((did, mid, rng.choice(agenda_ids) if agenda_ids else None, None, numbers[mid],
                               rng.choice(DECISIONS), deadline, state, done_at,
                               "已办结，结果已在社区公示栏公示" if done_at else "", None, None, starts))
            owner_sink.add((owner_sink.new_id(), did, None, None, None, rng.choice(OWNERS)))
        decision_sink.finish()
        owner_sink.finish()
        out(f"[{time.perf_counter() - started:6.1f} s] {decision_sink.written:,} decisions {outcome}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum would leave them: statistics and the visibility map (the whole database
            # after building a bare district, else the tables written here).
            tables = [""] if bare else [m._meta.db_table for m in (
                Body, BodyCadence, BodyMember, Meeting, Attendance, AgendaItem, Decision, DecisionOwner)]
            for table in tables:
                cursor.execute((("ANALYZE " if connection.in_atomic_block else "VACUUM ANALYZE ") + table).strip())
    seconds = round(time.perf_counter() - started, 1)
    out(f"gen-bench-meetings done in {seconds} s")
    return {"year": year, "bodies": len(plans), "meetings": meeting_sink.written, "held": states.get(MeetingState.HELD, 0),
            "attendances": attendance_sink.written, "agenda_items": agenda_sink.written,
            "decisions": decision_sink.written, "outcomes": outcome, "seconds": seconds}
