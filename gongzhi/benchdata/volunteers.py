"""`gongzhi gen-bench-volunteers`: a district's volunteers and a year of their points ledger (issue
16's benchmark: 50,000 volunteers, 2,000,000 ledger entries).

Written on the district `gongzhi gen-bench` (or another gen-bench-*) made when the database holds
one; otherwise a district of the same shape is built first (9 streets, 80 communities, 500 grids,
40,000 households, their staff and `bench_admin`, through `generator.build_tree`/`make_people`).

- volunteers (`volunteers.Volunteer`) spread over the district's households (a volunteer's area is
  their household's node), with numbers, consent, masked phone and ID number; the encrypted
  fields and their blind indexes are left empty (bench rows, never real people);
- one points account per volunteer (`points.Account`, programme "volunteers", the holder the
  volunteer through its ContentType, the volunteer's area and name);
- entries (`points.Entry`) over the last twelve months, a few volunteers very active and about a
  tenth idle: earned by the hour rule (most), awarded, spent in the store, returned (a cancelled
  order) and deducted. Each `balance_after` is the running balance and never below zero; ids
  follow time (as the ledger writes them, so the month's last entry is its highest id); each
  account's kept balance, earned and spent are the sums of its entries, so `gongzhi points-check`
  passes.

Rows are streamed through `Sink` (COPY on PostgreSQL) in time slices: the entries of one slice
are sorted by time and written, the running balances carried to the next. Accounts are written
last with their final figures (their foreign keys from entries are checked at commit). The same
seed gives the same data. No audit rows or notifications.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections.abc import Callable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from gongzhi.accounts.models import User
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import pii
from gongzhi.points.models import Account, EarningRule, Entry, EntryKind, Programme, RuleBasis
from gongzhi.volunteers.models import Volunteer, VolunteerKind

from .generator import DISTRICT_CODE, GIVEN, SURNAMES, Sizes, build_tree, make_people
from .sink import Sink

PROGRAMME = Programme.VOLUNTEERS
POINTS_PER_HOUR = 10
HOURS = (Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2"), Decimal("2.5"), Decimal("3"), Decimal("4"))
PRICES = (20, 30, 50, 50, 80, 100, 150, 200)
GOODS = ["洗衣液", "食用油", "大米五公斤", "毛巾套装", "理发服务券", "家电清洗", "保温杯", "雨伞"]
ACTIVITIES = ["助老服务", "环境整治", "文明劝导", "垃圾分类督导", "关爱儿童", "便民服务", "治安巡逻", "防汛值守"]
AWARDS = ["疫情防控突出贡献", "吹哨报到表现突出", "优秀志愿者表彰", "应急救援出勤"]
DEDUCTIONS = ["报名后无故缺席", "服务记录有误更正", "签到后提前离开"]
SLICES = 24  # half-months: the entries of one are sorted by time in memory


def _tree(shape: tuple[int, int, int], households: int, out: Callable[[str], None]) -> None:
    """A district of `shape` with `households` households and its staff, when there is none."""
    streets, communities, grids = shape
    buildings = max(grids, math.ceil(households / 72))
    sizes = Sizes(people=0, cases=0, streets=streets, communities=communities, grids=grids, households=households,
                  buildings=buildings)
    with transaction.atomic():
        tree = build_tree(sizes, random.Random(1))
        make_people(tree, sizes)
    out(f"district {DISTRICT_CODE}: {streets} streets, {communities} communities, {grids} grids, "
        f"{len(tree.households):,} households and their staff")


def _counts(rng: random.Random, accounts: int, entries: int) -> list[int]:
    """Entries per account adding up to `entries` exactly: a tenth idle, the rest log-normal."""
    weights = [0.0 if rng.random() < 0.1 else rng.lognormvariate(0, 1) for _ in range(accounts)]
    total = sum(weights) or 1.0
    raw = [w * entries / total for w in weights]
    counts = [int(x) for x in raw]
    left = entries - sum(counts)
    order = sorted(range(accounts), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[:left]:
        counts[i] += 1
    return counts


def generate_volunteers(*, seed: int = 1, volunteers: int = 50_000, entries: int = 2_000_000,
                        shape: tuple[int, int, int] = (9, 80, 500), households: int = 40_000,
                        out: Callable[[str], None] = print) -> dict:
    started = time.perf_counter()

    def log(message: str) -> None:
        out(f"[{time.perf_counter() - started:7.1f} s] {message}")

    rng = random.Random(seed)
    now = timezone.now()
    start = now - dt.timedelta(days=365)
    if not AreaNode.objects.filter(code=DISTRICT_CODE).exists():
        _tree(shape, households, log)
    district = AreaNode.objects.get(code=DISTRICT_CODE)
    if Volunteer.objects.filter(area__path__startswith=district.path).exists():
        raise RuntimeError("The generated district already has volunteers; generate into a fresh district.")
    homes = list(AreaNode.objects.filter(path__startswith=district.path, kind=AreaKind.HOUSEHOLD)
                 .order_by("path").values_list("id", flat=True))
    if not homes:
        raise RuntimeError("The generated district has no households.")
    admin_id = User.objects.filter(username="bench_admin").values_list("pk", flat=True).first()
    holder_type = ContentType.objects.get_for_model(Volunteer).pk
    summary: dict[str, int] = {}
    with transaction.atomic():
        rule = EarningRule.objects.create(programme=PROGRAMME, key="hour", label="志愿服务每小时", basis=RuleBasis.PER_HOUR,
                                          points=POINTS_PER_HOUR)
        # --- volunteers
        vsink = Sink(Volunteer, ["number", "kind", "name", "area", "phone", "phone_masked", "phone_hash", "id_number",
                                 "id_number_masked", "id_number_hash", "availability", "languages", "consent_at",
                                 "publish_name", "status", "registered_on", "created_at"])
        people = []  # (volunteer id, name, area id, opened)
        kinds = [VolunteerKind.RESIDENT] * 7 + [VolunteerKind.PARTY_MEMBER] * 2 + [VolunteerKind.UNIT_STAFF]
        for i in range(volunteers):
            pk = vsink.new_id()
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            area = homes[i * len(homes) // volunteers]  # spread evenly over the households, in tree order
            registered = start - dt.timedelta(days=rng.randint(1, 3 * 365), minutes=rng.randint(0, 600))
            phone = f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}"
            id_number = f"620103{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 9999):04d}"
            vsink.add((pk, f"V{DISTRICT_CODE}{i + 1:07d}", rng.choice(kinds), name, area, "", pii.mask_phone(phone), "",
                       "", pii.mask_id_number(id_number), "", "[]", "", registered, rng.random() < 0.95, "active",
                       timezone.localdate(registered), registered))
            people.append((pk, name, area, registered))
        vsink.finish()
        log(f"{vsink.written:,} volunteers over {len(homes):,} households")

        # --- entries, slice by slice in time order; accounts last with their final figures
        asink = Sink(Account, ["programme", "holder_type", "holder_id", "name", "area", "balance", "earned", "spent",
                               "created_at"])
        account_ids = [asink.new_id() for _ in people]
        esink = Sink(Entry, ["account", "kind", "amount", "balance_after", "reason", "source", "rule", "quantity",
                             "approved_by", "created_by", "created_at"])
        counts = _counts(rng, len(people), entries)
        span = (now - start).total_seconds()
        times = [sorted(rng.random() for _ in range(n)) for n in counts]  # shares of the year, per account
        cursor = [0] * len(people)
        balance = [0] * len(people)
        earned = [0] * len(people)
        spent = [0] * len(people)
        pending: list[tuple[int, int] | None] = [None] * len(people)  # (order no, points) that may be returned
        kinds_written = dict.fromkeys(EntryKind.values, 0)
        order_no = adjustment_no = 0
        for s in range(SLICES):
            upto = (s + 1) / SLICES
            batch = []
            for a, share_list in enumerate(times):
                j, n = cursor[a], len(share_list)
                b = balance[a]
                while j < n and share_list[j] < upto:
                    r = rng.random()
                    kind = EntryKind.EARN
                    if 0.70 <= r < 0.75:
                        kind = EntryKind.AWARD
                    elif 0.75 <= r < 0.93 and b >= PRICES[0]:
                        kind = EntryKind.SPEND
                    elif 0.93 <= r < 0.95 and pending[a] is not None:
                        kind = EntryKind.REFUND
                    elif r >= 0.95 and b >= 5:
                        kind = EntryKind.DEDUCT
                    quantity = rule_id = approved = None
                    if kind == EntryKind.EARN:
                        quantity = rng.choice(HOURS)
                        amount = int(quantity * POINTS_PER_HOUR)
                        reason, source, rule_id = f"{rng.choice(ACTIVITIES)} {quantity} 小时", "checkout", rule.pk
                        earned[a] += amount
                    elif kind == EntryKind.AWARD:
                        amount = rng.choice((10, 20, 30, 50))
                        adjustment_no += 1
                        reason, source, approved = rng.choice(AWARDS), f"adjustment:{adjustment_no}", admin_id
                        earned[a] += amount
                    elif kind == EntryKind.SPEND:
                        price = rng.choice([p for p in PRICES if p <= b])
                        amount = -price
                        order_no += 1
                        reason, source = f"兑换{rng.choice(GOODS)}", f"order:{order_no}"
                        pending[a] = (order_no, price)
                        spent[a] += price
                    elif kind == EntryKind.REFUND:
                        order, amount = pending[a]
                        pending[a] = None
                        reason, source = "兑换订单取消，积分退回", f"order:{order}:refund"
                        spent[a] -= amount
                    else:
                        amount = -min(rng.choice((5, 10, 20)), b)
                        adjustment_no += 1
                        reason, source, approved = rng.choice(DEDUCTIONS), f"adjustment:{adjustment_no}", admin_id
                    b += amount
                    kinds_written[kind] += 1
                    batch.append((share_list[j], a, kind, amount, b, reason, source, rule_id, quantity, approved))
                    j += 1
                cursor[a], balance[a] = j, b
            batch.sort(key=lambda row: row[0])
            for share, a, kind, amount, after, reason, source, rule_id, quantity, approved in batch:
                pk = esink.new_id()
                at = start + dt.timedelta(seconds=share * span)
                esink.add((pk, account_ids[a], kind, amount, after, reason,
                           f"checkout:{pk}" if source == "checkout" else source, rule_id, quantity, approved,
                           approved, at))
            esink.flush()
            if s % 6 == 5:
                log(f"{esink.written:,} entries up to {timezone.localtime(start + dt.timedelta(seconds=upto * span)):%Y-%m-%d}")
        esink.finish()
        first = {a: start + dt.timedelta(seconds=t[0] * span) for a, t in enumerate(times) if t}
        for a, (_pk, name, area, registered) in enumerate(people):
            opened = min(registered, first.get(a, registered))
            asink.add((account_ids[a], PROGRAMME, holder_type, people[a][0], name, area, balance[a], earned[a],
                       spent[a], opened))
        asink.finish()
        log(f"{asink.written:,} accounts; entries {kinds_written}")
        summary = {"volunteers": vsink.written, "accounts": asink.written, "entries": esink.written,
                   "kinds": kinds_written, "points_outstanding": sum(balance)}
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for model in (Volunteer, Account, Entry, AreaNode):
                cur.execute(("VACUUM ANALYZE " if not connection.in_atomic_block else "ANALYZE ") + model._meta.db_table)
    summary["seconds"] = round(time.perf_counter() - started, 1)
    out(f"gen-bench-volunteers done in {summary['seconds']} s")
    return summary
