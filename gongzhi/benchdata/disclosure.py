"""`gongzhi gen-bench-disclosure`: five years of open-books items in a district of 80 communities
(issue 15's benchmark: 100,000 items), for the due board and the public page.

Written on the district `gongzhi gen-bench` (or `gen-bench-meetings`) made when the database holds
one; otherwise a bare district of the same shape is built first (9 streets, 80 communities, 500
grids, their staff and `bench_admin`, through the same code as gen-bench-meetings).

Each community gets its regular business (monthly accounts, quarterly work reports, half-yearly
party fund reports) and event items (benefit policies, major matters, temporary notices, hot
issues) spread over the five years up to today, most published on time, some late, about 2 %
corrected (a second version, the first superseded), a few still missing past their due time, and
the coming weeks planned. Due times are the rule's working days added as calendar days (close
enough for a read benchmark). Rows are streamed through `Sink` (COPY on PostgreSQL); no audit rows.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from gongzhi.areas.models import AreaNode
from gongzhi.disclosure.models import Item, ItemKind, ItemState, Timing

from .generator import DISTRICT_CODE
from .meetings import _bare_tree, _tree
from .sink import Sink

EVENT_TITLES = {
    Timing.POLICY: (ItemKind.GOVERNMENT, ["城乡低保对象名单公示", "高龄补贴发放名单公示", "临时救助发放情况公示",
                                          "残疾人两项补贴发放公示", "医疗救助政策解读", "就业援助政策告知"]),
    Timing.MAJOR: (ItemKind.AFFAIRS, ["老旧小区改造方案公示", "加装电梯意见征集结果", "雨污分流改造工程公示",
                                       "居民公约修订决议", "小区停车管理方案决议", "社区服务用房改造方案"]),
    Timing.TEMPORARY: (ItemKind.AFFAIRS, ["停水检修临时通知", "燃气管道检修通知", "冬季清雪安排通知",
                                           "疫苗接种安排通知", "防汛应急演练通知"]),
    Timing.HOT: (ItemKind.AFFAIRS, ["关于供暖不热问题的答复", "关于楼道堆物清理的答复", "关于物业费收支的答复",
                                     "关于垃圾清运时间的答复"]),
}
REGULAR = [(ItemKind.FINANCE, 1, "财务收支情况"), (ItemKind.AFFAIRS, 3, "社区工作情况"),
           (ItemKind.FINANCE, 6, "党组织服务群众专项经费使用情况"), (ItemKind.GOVERNMENT, 6, "惠民政策落实情况")]
DUE_DAYS = {Timing.POLICY: 5, Timing.REGULAR: 10, Timing.MAJOR: 1, Timing.TEMPORARY: 0, Timing.HOT: 3}
BODY = ("根据《城乡社区居务公开工作规定》，现将有关情况公示如下：{title}。本次共涉及{n}户，资金{m}元，"
        "已经社区“两委”联席会议研究并经居务监督委员会审核。公示期为七天，如有异议，请在公示期内向社区居务监督"
        "委员会反映，或在本页面提出质询，社区将在五个工作日内公开答复。")


def _months(start: dt.date, end: dt.date, step: int):
    year, month = start.year, 1
    while True:
        first = dt.date(year, month, 1)
        if first > end:
            return
        last_month = month + step - 1
        last_year = year + (last_month - 1) // 12
        last_month = (last_month - 1) % 12 + 1
        nxt = dt.date(last_year + (last_month // 12), last_month % 12 + 1, 1)
        if first >= start:
            yield first, nxt - dt.timedelta(days=1)
        month += step
        if month > 12:
            year, month = year + (month - 1) // 12, (month - 1) % 12 + 1


def generate_disclosure(*, seed: int = 1, items: int = 100_000, years: int = 5,
                        shape: tuple[int, int, int] = (9, 80, 500), out: Callable[[str], None] = print) -> dict:
    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    bare = not AreaNode.objects.filter(code=DISTRICT_CODE).exists()
    if bare:
        _bare_tree(shape, out)
    district_path = AreaNode.objects.get(code=DISTRICT_CODE).path
    if Item.objects.filter(community__path__startswith=district_path).exists():
        raise RuntimeError("The generated district already has disclosure items; generate into a fresh district.")
    _district, _streets, communities, _grids = _tree()
    start = dt.date(today.year - years + 1, 1, 1)
    until = today + dt.timedelta(days=45)
    per_community = items // max(len(communities), 1)
    regular_slots = [(kind, step, title, a, b) for kind, step, title in REGULAR for a, b in _months(start, until, step)]
    states: dict[str, int] = {}
    with transaction.atomic():
        sink = Sink(Item, ["community", "kind", "timing", "title", "body", "state", "trigger_at", "period_start",
                           "period_end", "due_at", "published_at", "is_late", "reminded_at", "series", "version",
                           "supersedes", "correction_reason", "reference", "owner", "created_by", "created_at",
                           "updated_at"])
        span = (until - start).days
        for community_id, _path, _name in communities:
            plan = [(kind, Timing.REGULAR, f"{a.year}年{a.month}月起{title}", a, b,
                     dt.datetime.combine(b + dt.timedelta(days=1), dt.time(0, 0), tzinfo=tz))
                    for kind, _step, title, a, b in regular_slots]
            while len(plan) < per_community:
                timing = rng.choice(list(EVENT_TITLES))
                kind, titles = EVENT_TITLES[timing]
                trigger = dt.datetime.combine(start + dt.timedelta(days=rng.randrange(span)),
                                              dt.time(rng.randint(8, 17), rng.choice((0, 30))), tzinfo=tz)
                plan.append((kind, timing, f"{trigger.year}年{rng.choice(titles)}", None, None, trigger))
            for kind, timing, title, a, b, trigger in plan[:per_community]:
                due = trigger + dt.timedelta(days=DUE_DAYS[timing], hours=8 if timing == Timing.TEMPORARY else 0)
                body = BODY.format(title=title, n=rng.randint(3, 80), m=rng.randint(500, 90_000))
                if due > now + dt.timedelta(days=3) or trigger > now:
                    state, published, late = ItemState.PLANNED, None, False
                elif due > now - dt.timedelta(days=30) and rng.random() < 0.25:
                    state, published, late = (ItemState.DRAFT if rng.random() < 0.5 else ItemState.PLANNED), None, False
                elif rng.random() < 0.002:  # never published: missing
                    state, published, late = ItemState.DRAFT, None, False
                else:
                    late = rng.random() < 0.08
                    published = due + (dt.timedelta(days=rng.randint(1, 9)) if late
                                       else -dt.timedelta(hours=rng.randint(0, max(int((due - trigger).total_seconds() // 3600), 1))))
                    published = min(max(published, trigger), now)
                    state = ItemState.PUBLISHED
                corrected = state == ItemState.PUBLISHED and rng.random() < 0.02
                pk = sink.new_id()
                sink.add((pk, community_id, kind, timing, title, body if state != ItemState.PLANNED else "",
                          ItemState.SUPERSEDED if corrected else state, trigger, a, b, due, published, late, None,
                          None, 1, None, "", "", None, None, trigger, published or trigger))
                states[state] = states.get(state, 0) + 1
                if corrected:
                    fixed = min(published + dt.timedelta(days=rng.randint(1, 20)), now)
                    sink.add((sink.new_id(), community_id, kind, timing, title, body.replace("公示期为七天", "公示期为十天"),
                              ItemState.PUBLISHED, trigger, a, b, due, fixed, late, None, pk, 2, pk,
                              "公示期有误，更正为十天", "", None, None, fixed, fixed))
                    states["corrected"] = states.get("corrected", 0) + 1
        sink.finish()
        out(f"[{time.perf_counter() - started:6.1f} s] {sink.written:,} items {states}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE " + Item._meta.db_table if not connection.in_atomic_block
                           else "ANALYZE " + Item._meta.db_table)
    seconds = round(time.perf_counter() - started, 1)
    out(f"gen-bench-disclosure done in {seconds} s")
    return {"items": sink.written, "states": states, "seconds": seconds}
