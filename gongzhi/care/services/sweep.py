"""The missed-visit sweep (漏访巡检), run every hour (`tasks.sweep_missed`), idempotent like the cases'
SLA sweep: every stage marks what it told, so running it again tells no one twice.

1. A planned turn of a published roster whose day ended more than CARE_MISSED_AFTER_HOURS ago
   without a visit is marked missed (TURN_WORKFLOW "miss", in bulk) and its carer told
   (`flagged_carer_at`).
2. A turn still missed CARE_MISSED_AFTER_HOURS after the carer was told: the branch secretary is
   told (`flagged_branch_at`).
3. An active plan whose household was not seen (last visit, or since the plan began) for longer
   than `every_days` + CARE_UNSEEN_GRACE_DAYS: the community (staff and grid workers covering the
   household) is told once (`overdue_flagged_at`); a visit clears the flag.

Set-based: each stage locks a batch of rows (skip locked), updates them in one query, writes their
notifications in one insert and one audit event per batch naming the rows — a few queries per
batch whatever the size of the district.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.components import setting
from gongzhi.core.models import Notification
from gongzhi.core.notifications import send_bulk
from gongzhi.core.permissions import require, role_q

from ..models import CarePlan, PlanState, RosterState, Turn, TurnState
from ..permissions import COMMUNITY_ROLES
from ..workflow import TURN_WORKFLOW

BATCH = 5000
MY_TURNS_URL = "/care/my-turns/"


def _title(text) -> str:
    return str(text)[:200]


def _mark_missed(actor: Actor, now: dt.datetime, grace: dt.timedelta) -> int:
    # a turn's day ends at local midnight after it; grace hours later it is missed
    last_day = timezone.localdate(now - grace) - dt.timedelta(days=1)
    missed = TURN_WORKFLOW.target("miss", TurnState.PLANNED)
    ct = ContentType.objects.get_for_model(Turn)
    total = 0
    while True:
        with transaction.atomic():
            rows = list(Turn.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(state=TurnState.PLANNED, date__lte=last_day, roster__state=RosterState.PUBLISHED,
                                visit__isnull=True)
                        .select_related("plan__household", "carer__user").order_by("pk")[:BATCH])
            if not rows:
                return total
            ids = [t.pk for t in rows]
            Turn.objects.filter(pk__in=ids).update(state=missed, flagged_carer_at=now)
            audit.record(actor=actor, action="care.turn.miss", after={"turns": ids, "state": missed},
                         area_path=rows[0].plan.household.path[: AreaNode.steplen])
            send_bulk([
                Notification(recipient=t.carer.user, kind="care.turn_late", url=MY_TURNS_URL, content_type=ct,
                             object_id=str(t.pk),
                             title=_title(_("Your turn of %(day)s at %(address)s was not recorded: visit or record it now")
                                          % {"day": t.date.isoformat(), "address": t.plan.household.name}))
                for t in rows if t.carer.user_id and t.carer.user.is_active])
            total += len(rows)
        if len(rows) < BATCH:
            return total


def _tell_branch(actor: Actor, now: dt.datetime, grace: dt.timedelta) -> int:
    ct = ContentType.objects.get_for_model(Turn)
    total = 0
    while True:
        with transaction.atomic():
            rows = list(Turn.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(state=TurnState.MISSED, flagged_branch_at__isnull=True,
                                flagged_carer_at__lte=now - grace)
                        .select_related("plan__household", "carer", "roster__branch__secretary").order_by("pk")[:BATCH])
            if not rows:
                return total
            ids = [t.pk for t in rows]
            Turn.objects.filter(pk__in=ids).update(flagged_branch_at=now)
            audit.record(actor=actor, action="care.turn.late", after={"turns": ids},
                         area_path=rows[0].plan.household.path[: AreaNode.steplen])
            send_bulk([
                Notification(recipient=t.roster.branch.secretary, kind="care.turn_missed", url="/care/rosters/",
                             content_type=ct, object_id=str(t.pk),
                             title=_title(_("%(carer)s missed the turn of %(day)s at %(address)s")
                                          % {"carer": t.carer.name, "day": t.date.isoformat(),
                                             "address": t.plan.household.name}))
                for t in rows if t.roster.branch.secretary_id and t.roster.branch.secretary.is_active])
            total += len(rows)
        if len(rows) < BATCH:
            return total


def _community_of(plans: list[CarePlan]) -> dict[int, list]:
    """Each plan's community staff and grid workers (bound to its household or an area above it)."""
    steplen = AreaNode.steplen
    ancestors = {p.pk: [p.household.path[:i] for i in range(steplen, len(p.household.path) + 1, steplen)]
                 for p in plans}
    paths = {path for ps in ancestors.values() for path in ps}
    from gongzhi.accounts.models import AreaBinding

    by_path: dict[str, list] = defaultdict(list)
    for b in (AreaBinding.objects.filter(role_q(COMMUNITY_ROLES, field="user__role"), user__is_active=True,
                                         node__path__in=paths).select_related("user", "node")):
        by_path[b.node.path].append(b.user)
    return {pk: list({u.pk: u for path in ps for u in by_path.get(path, ())}.values()) for pk, ps in ancestors.items()}


def _flag_unseen(actor: Actor, now: dt.datetime) -> int:
    grace_days = int(setting("CARE_UNSEEN_GRACE_DAYS"))
    ct = ContentType.objects.get_for_model(CarePlan)
    total = 0
    intervals = sorted(set(CarePlan.objects.filter(state=PlanState.ACTIVE, overdue_flagged_at__isnull=True)
                           .values_list("every_days", flat=True).distinct()))
    if not intervals:
        return 0
    due = Q()
    for days in intervals:
        limit = now - dt.timedelta(days=days + grace_days)
        due |= Q(every_days=days) & (Q(last_visit_at__lt=limit) | Q(last_visit_at__isnull=True, created_at__lt=limit))
    while True:
        with transaction.atomic():
            plans = list(CarePlan.objects.select_for_update(skip_locked=True, of=("self",))
                         .filter(due, state=PlanState.ACTIVE, overdue_flagged_at__isnull=True)
                         .select_related("household").order_by("pk")[:BATCH])
            if not plans:
                return total
            ids = [p.pk for p in plans]
            CarePlan.objects.filter(pk__in=ids).update(overdue_flagged_at=now)
            audit.record(actor=actor, action="care.plan.unseen", after={"plans": ids},
                         area_path=plans[0].household.path[: AreaNode.steplen])
            staff = _community_of(plans)
            rows = []
            for p in plans:
                seen = p.last_visit_at
                title = (_("%(address)s has not been visited since %(day)s")
                         % {"address": p.household.name, "day": timezone.localdate(seen).isoformat()} if seen
                         else _("%(address)s has not been visited since its care plan began")
                         % {"address": p.household.name})
                rows += [Notification(recipient=u, kind="care.household_unseen", url=f"/care/plans/{p.pk}/",
                                      content_type=ct, object_id=str(p.pk), title=_title(title))
                         for u in staff.get(p.pk, ())]
            send_bulk(rows)
            total += len(plans)
        if len(plans) < BATCH:
            return total


def sweep(*, actor: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Run the three stages; returns how many turns or plans each flagged this time."""
    require(actor, "care.run_roster")
    now = now or timezone.now()
    grace = dt.timedelta(hours=int(setting("CARE_MISSED_AFTER_HOURS")))
    return {
        "missed": _mark_missed(actor, now, grace),
        "branch_told": _tell_branch(actor, now, grace),
        "unseen": _flag_unseen(actor, now),
    }
