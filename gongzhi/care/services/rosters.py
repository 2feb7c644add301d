"""Rotation rosters (值班表): generated fairly for a period by the branch, published to the carers,
withdrawn; swaps between two carers with the branch's approval; tomorrow's turns reminded.

Generating: every active plan of the branch gives its visits in the period (`fairness.visit_windows`:
every `every_days` days from an offset of `plan.pk % every_days`, so a branch's plans spread over
the week, each with the few later days a visit may move to), and every active carer on at least
one active plan's rota takes part, with their unavailable weekdays, their leave and their weekly
maximum. `fairness.share` gives every visit to one carer of the plan's rota, loads within one of
each other, or says why it cannot (`Unfair`): then nothing is written and the reasons come back
as the form's error, so the secretary sees which person or household binds.

A plan that skips public holidays skips the statutory holidays that fall on a weekday (a weekday
that is not a working day in `gongzhi.core.calendar`); ordinary weekends, and the make-up working
days (调休), stay visit days like any other.

A draft may be generated again for the same or an overlapping period: the earlier drafts it
overlaps are replaced (deleted with their turns) in the same transaction; a published roster that
overlaps refuses the period — withdraw it first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gongzhi.areas.selectors import addresses
from gongzhi.core import audit, calendar
from gongzhi.core.actors import Actor, is_system
from gongzhi.core.errors import Forbidden, InvalidInput, NotFound
from gongzhi.core.models import Notification
from gongzhi.core.notifications import notify, send_bulk
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import apply_transition, lock_visible

from .. import fairness
from ..models import (
    CareBranch,
    CarePlan,
    Carer,
    CarerLeave,
    PlanCarer,
    PlanState,
    Roster,
    RosterState,
    SwapRequest,
    SwapState,
    Turn,
    TurnState,
)
from ..workflow import ROSTER_WORKFLOW, SWAP_WORKFLOW
from .inputs import date_value, field_error, object_id

MIN_DAYS, MAX_DAYS = 7, 92
REASON_MAX = 200
MY_TURNS_URL = "/care/my-turns/"
# Turns that count towards a carer's week (a cancelled turn does not).
COUNTED = (TurnState.PLANNED, TurnState.DONE, TurnState.MISSED)


def _day(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def is_public_holiday(day: dt.date) -> bool:
    """A statutory holiday on a weekday (the calendar's days off that are not a weekend)."""
    return day.weekday() < 5 and not calendar.is_working_day(day)


def check_period(start_on, end_on) -> tuple[dt.date, dt.date]:
    start, end = date_value(start_on, "start_on"), date_value(end_on, "end_on")
    if end < start:
        raise field_error("end_on", _("The roster cannot end before it starts."))
    days = (end - start).days + 1
    if days < MIN_DAYS or days > MAX_DAYS:
        raise field_error("end_on", _("A roster covers %(min)d to %(max)d days; this period has %(days)d.")
                           % {"min": MIN_DAYS, "max": MAX_DAYS, "days": days})
    return start, end


# --- generating -----------------------------------------------------------------------------------


def build_share(*, branch: CareBranch, start: dt.date, end: dt.date) -> tuple[list[fairness.Slot], list[fairness.Carer]]:
    """The slots of the branch's active plans and the carers on their rotas, for `fairness.share`."""
    plans = list(CarePlan.objects.filter(branch=branch, state=PlanState.ACTIVE).select_related("household")
                 .order_by("pk"))
    names = addresses([p.household for p in plans], short=True)
    rota: dict[int, list[int]] = defaultdict(list)
    for plan_id, carer_id in (PlanCarer.objects.filter(plan__in=[p.pk for p in plans], carer__active=True,
                                                       carer__branch=branch)
                              .order_by("plan_id", "carer_id").values_list("plan_id", "carer_id")):
        rota[plan_id].append(carer_id)
    on_a_rota = {cid for ids in rota.values() for cid in ids}
    leave: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for carer_id, a, b in CarerLeave.objects.filter(carer_id__in=on_a_rota, end_on__gte=start, start_on__lte=end) \
            .values_list("carer_id", "start_on", "end_on"):
        leave[carer_id].append((a, b))
    carers = [
        fairness.Carer(id=c.pk, name=c.name, max_per_week=c.max_per_week,
                       unavailable_weekdays=frozenset(int(d) for d in (c.unavailable_weekdays or []) if str(d).isdigit()),
                       leave=tuple(sorted(leave.get(c.pk, ()))))
        for c in Carer.objects.filter(pk__in=on_a_rota).order_by("pk")
    ]
    slots: list[fairness.Slot] = []
    for plan in plans:
        slots += fairness.visit_windows(
            start=start, end=end, every_days=plan.every_days, offset=plan.pk % plan.every_days,
            skip=is_public_holiday if plan.skip_holidays else None, plan_id=plan.pk,
            plan_name=names.get(plan.household_id) or plan.household.name, rota=tuple(rota.get(plan.pk, ())))
    return slots, carers


def _branch_for(actor: Actor, branch) -> CareBranch:
    row = CareBranch.objects.visible_to(actor).select_related("organization").filter(pk=object_id(branch)).first()
    if row is None:
        raise field_error("branch", _("Choose a branch of your own."))
    return row


@transaction.atomic
def roster_generate(*, actor: Actor, branch, start_on, end_on) -> Roster:
    """A fair draft roster of the branch for [start_on, end_on] (7 to 92 days), replacing the
    branch's drafts it overlaps; refused when a published roster overlaps, or when it cannot be
    fair (the reasons, naming who or what binds, on the form)."""
    row = _branch_for(actor, branch)
    require(actor, "care.run_roster", row)
    start, end = check_period(start_on, end_on)
    row = CareBranch.objects.select_for_update().get(pk=row.pk)  # one generation per branch at a time
    overlapping = Roster.objects.filter(branch=row, start_on__lte=end, end_on__gte=start)
    published = overlapping.filter(state=RosterState.PUBLISHED).first()
    if published is not None:
        raise field_error("start_on", _("The published roster %(start)s–%(end)s covers part of this period: "
                                         "withdraw it first or choose another period.")
                           % {"start": _day(published.start_on), "end": _day(published.end_on)})
    slots, carers = build_share(branch=row, start=start, end=end)
    if not slots:
        raise field_error("branch", _("The branch has no active care plan with visits in this period."))
    try:
        shared = fairness.share(slots, carers)
    except fairness.Unfair as unfair:
        reasons = [str(r) for r in unfair.reasons]
        raise InvalidInput(reasons[0], code="unfair", fields={
            "__all__": reasons,
            "end_on": [_("The roster cannot be fair in this period: see the reasons above.")]}) from None
    replaced = list(overlapping.filter(state=RosterState.DRAFT).values_list("pk", flat=True))
    if replaced:
        Roster.objects.filter(pk__in=replaced).delete()
    loads = shared.loads
    roster = Roster.objects.create(
        branch=row, start_on=start, end_on=end, state=RosterState.DRAFT,
        min_load=min(loads.values()) if loads else 0, max_load=max(loads.values()) if loads else 0,
        turn_count=len(shared.assignment), generated_by=None if is_system(actor) else actor)
    Turn.objects.bulk_create(
        [Turn(roster=roster, plan_id=slot.plan_id, carer_id=cid, date=day)
         for slot, cid, day in zip(shared.slots, shared.assignment, shared.days, strict=True)], batch_size=2000)
    audit.record(actor=actor, action="care.roster.generate", obj=roster,
                 after={"start_on": start, "end_on": end, "turns": roster.turn_count, "carers": len(loads),
                        "min_load": roster.min_load, "max_load": roster.max_load, "spread": roster.spread,
                        "replaced": replaced})
    return roster


# --- publishing -----------------------------------------------------------------------------------


def _carer_users(roster: Roster) -> list:
    User = get_user_model()
    return list(User.objects.filter(is_active=True, care_rotas__turns__roster=roster).distinct().order_by("pk"))


@transaction.atomic
def roster_publish(*, actor: Actor, roster) -> Roster:
    """Publish a draft: its carers see their turns and each hears of it once in the inbox."""
    row = lock_visible(Roster, actor=actor, pk=object_id(roster))

    def guard(obj: Roster) -> None:
        CareBranch.objects.select_for_update().filter(pk=obj.branch_id).first()
        other = Roster.objects.filter(branch_id=obj.branch_id, state=RosterState.PUBLISHED, start_on__lte=obj.end_on,
                                      end_on__gte=obj.start_on).exclude(pk=obj.pk).first()
        if other is not None:
            raise field_error("start_on", _("The published roster %(start)s–%(end)s covers part of this period: "
                                             "withdraw it first.")
                               % {"start": _day(other.start_on), "end": _day(other.end_on)})

    def update(obj: Roster):
        obj.published_at = timezone.now()
        return ["published_at"]

    def tell(obj: Roster) -> None:
        notify(recipients=_carer_users(obj), kind="care.roster_published", url=MY_TURNS_URL, obj=obj,
               title=_("The care roster %(start)s–%(end)s of %(branch)s is out: see your turns")
               % {"start": _day(obj.start_on), "end": _day(obj.end_on), "branch": obj.branch})

    return apply_transition(ROSTER_WORKFLOW, actor=actor, obj=row, action="publish", guard=guard, update=update,
                            notify=tell, locked=True)


@transaction.atomic
def roster_withdraw(*, actor: Actor, roster, note: str = "") -> Roster:
    """Withdraw a draft or a published roster: its planned turns are cancelled (done and missed
    ones stay as they are) and its open swap requests withdrawn."""
    row = lock_visible(Roster, actor=actor, pk=object_id(roster))

    def update(obj: Roster):
        now = timezone.now()
        SwapRequest.objects.filter(turn__roster=obj, state=SwapState.REQUESTED).update(
            state=SwapState.WITHDRAWN, decided_at=now, decided_by=None if is_system(actor) else actor)
        Turn.objects.filter(roster=obj, state=TurnState.PLANNED).update(state=TurnState.CANCELLED)
        return []

    return apply_transition(ROSTER_WORKFLOW, actor=actor, obj=row, action="withdraw", update=update, locked=True,
                            note=(note or "")[:200])


# --- swaps ----------------------------------------------------------------------------------------


def _week_load(carer_id: int, day: dt.date, *, without: tuple[int, ...]) -> int:
    year, week, _weekday = day.isocalendar()
    monday = dt.date.fromisocalendar(year, week, 1)
    return Turn.objects.filter(carer_id=carer_id, state__in=COUNTED, date__range=(monday, monday + dt.timedelta(days=6))) \
        .exclude(pk__in=without).count()


def swap_problems(turn: Turn, other: Turn) -> list[str]:
    """What stops the two carers from taking each other's turn: the rota, their weekdays, leave and
    weekly maximum (each sentence names the carer and the constraint)."""
    problems = []
    for carer, takes, gives in ((turn.carer, other, turn), (other.carer, turn, other)):
        if not PlanCarer.objects.filter(plan_id=takes.plan_id, carer=carer).exists():
            problems.append(_("%(name)s is not on the rota of %(household)s.")
                            % {"name": carer.name, "household": takes.plan.household.name})
            continue
        weekdays = {int(d) for d in (carer.unavailable_weekdays or []) if str(d).isdigit()}
        if takes.date.weekday() in weekdays:
            problems.append(_("%(name)s does not take turns on %(weekday)s (%(day)s).")
                            % {"name": carer.name, "weekday": fairness.WEEKDAYS[takes.date.weekday()],
                               "day": _day(takes.date)})
        leave = CarerLeave.objects.filter(carer=carer, start_on__lte=takes.date, end_on__gte=takes.date).first()
        if leave is not None:
            problems.append(_("%(name)s is on leave %(start)s–%(end)s.")
                            % {"name": carer.name, "start": _day(leave.start_on), "end": _day(leave.end_on)})
        load = _week_load(carer.pk, takes.date, without=(gives.pk,))
        if load + 1 > carer.max_per_week:
            problems.append(_("%(name)s would have %(n)d turns in the week of %(day)s, more than their maximum of "
                              "%(max)d.") % {"name": carer.name, "n": load + 1, "day": _day(takes.date),
                                             "max": carer.max_per_week})
    return problems


def _swappable(turn: Turn, other: Turn) -> None:
    today = timezone.localdate()
    if other.roster_id != turn.roster_id:
        raise field_error("other_turn", _("Choose a turn of the same roster."))
    if turn.roster.state != RosterState.PUBLISHED:
        raise field_error("other_turn", _("Turns are swapped only on a published roster."))
    if turn.carer_id == other.carer_id:
        raise field_error("other_turn", _("Choose a turn of another carer."))
    for t in (turn, other):
        if t.state != TurnState.PLANNED:
            raise field_error("other_turn", _("The turn of %(day)s is no longer planned.") % {"day": _day(t.date)})
        if t.date <= today:
            raise field_error("other_turn", _("Only turns after today are swapped."))
    problems = swap_problems(turn, other)
    if problems:
        raise InvalidInput(problems[0], code="swap_constraint", fields={"other_turn": problems})


def _turn_related(qs):
    return qs.select_related("roster__branch__organization", "plan__household", "carer")


def may_request_for(actor: Actor, turn: Turn) -> bool:
    """The turn's carer (their account), or whoever runs the branch's rosters."""
    return (turn.carer.user_id is not None and turn.carer.user_id == getattr(actor, "pk", None)) \
        or can(actor, "care.run_roster", turn)


@transaction.atomic
def swap_request(*, actor: Actor, turn, other_turn, reason: str = "") -> SwapRequest:
    """Ask to exchange `turn` with another carer's `other_turn` of the same roster: both planned,
    after today, and each carer free that day and within their weekly maximum after the exchange.
    The branch secretary is asked to approve."""
    row = _turn_related(Turn.objects.visible_to(actor)).filter(pk=object_id(turn)).first()
    if row is None:
        raise NotFound()
    require(actor, "care.ask_swap", row)
    if not may_request_for(actor, row):
        raise Forbidden(_("Only the turn's carer or the branch secretary asks to swap it."))
    other = _turn_related(Turn.objects.filter(roster_id=row.roster_id)).filter(pk=object_id(other_turn)).first()
    if other is None:
        raise field_error("other_turn", _("Choose a turn of the same roster."))
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise field_error("reason", _("At most %(count)d characters.") % {"count": REASON_MAX})
    locked = {t.pk: t for t in Turn.objects.select_for_update().filter(pk__in=[row.pk, other.pk]).order_by("pk")}
    row.state, other.state = locked[row.pk].state, locked[other.pk].state
    _swappable(row, other)
    if SwapRequest.objects.filter(Q(turn__in=[row, other]) | Q(other_turn__in=[row, other]),
                                  state=SwapState.REQUESTED).exists():
        raise field_error("other_turn", _("One of these turns already waits for a swap decision."))
    swap = SwapRequest.objects.create(turn=row, other_turn=other, reason=text,
                                      requested_by=None if is_system(actor) else actor)
    audit.record(actor=actor, action="care.swap.request", obj=swap,
                 after={"turn": row.pk, "other_turn": other.pk, "carer": row.carer_id, "other_carer": other.carer_id,
                        "reason": text})
    secretary = row.roster.branch.secretary

    def tell() -> None:
        notify(recipients=[secretary], kind="care.swap_requested", obj=swap, url=reverse("care:roster-swaps"),
               title=_("%(name)s asks to swap the turn of %(day)s with %(other)s")
               % {"name": row.carer.name, "day": _day(row.date), "other": other.carer.name})

    transaction.on_commit(tell)
    return swap


def _tell_decided(swap: SwapRequest) -> None:
    label = swap.get_state_display()
    users = [t.carer.user for t in (swap.turn, swap.other_turn) if t.carer.user_id]
    notify(recipients=users, kind="care.swap_decided", obj=swap, url=MY_TURNS_URL,
           title=_("Swap of the turns of %(day)s and %(other_day)s: %(state)s")
           % {"day": _day(swap.turn.date), "other_day": _day(swap.other_turn.date), "state": label})


def _locked_swap(actor: Actor, swap) -> SwapRequest:
    lock_visible(SwapRequest, actor=actor, pk=object_id(swap))
    return SwapRequest.objects.select_related(
        "turn__roster__branch", "turn__plan__household", "turn__carer",
        "other_turn__plan__household", "other_turn__carer").get(pk=object_id(swap))


@transaction.atomic
def swap_approve(*, actor: Actor, swap, note: str = "") -> SwapRequest:
    """The branch approves: checked again on the locked turns, then each carer takes the other's turn."""
    row = _locked_swap(actor, swap)

    def guard(obj: SwapRequest) -> None:
        if obj.state != SwapState.REQUESTED:
            return  # the workflow answers the conflict
        list(Turn.objects.select_for_update().filter(pk__in=[obj.turn_id, obj.other_turn_id]).order_by("pk"))
        turns = {t.pk: t for t in _turn_related(Turn.objects.filter(pk__in=[obj.turn_id, obj.other_turn_id]))}
        obj.turn, obj.other_turn = turns[obj.turn_id], turns[obj.other_turn_id]
        _swappable(obj.turn, obj.other_turn)

    def update(obj: SwapRequest):
        a, b = obj.turn, obj.other_turn
        carer_a, carer_b = a.carer, b.carer
        Turn.objects.filter(pk=a.pk).update(carer=carer_b)
        Turn.objects.filter(pk=b.pk).update(carer=carer_a)
        a.carer, b.carer = carer_b, carer_a
        obj.decided_by, obj.decided_at = (None if is_system(actor) else actor), timezone.now()
        return ["decided_by", "decided_at"]

    return apply_transition(SWAP_WORKFLOW, actor=actor, obj=row, action="approve", guard=guard, update=update,
                            notify=_tell_decided, locked=True, note=(note or "")[:200])


def _decide(actor: Actor, swap, action: str, note: str) -> SwapRequest:
    row = _locked_swap(actor, swap)

    def update(obj: SwapRequest):
        obj.decided_by, obj.decided_at = (None if is_system(actor) else actor), timezone.now()
        return ["decided_by", "decided_at"]

    return apply_transition(SWAP_WORKFLOW, actor=actor, obj=row, action=action, update=update,
                            notify=_tell_decided if action == "refuse" else None, locked=True, note=(note or "")[:200])


@transaction.atomic
def swap_refuse(*, actor: Actor, swap, note: str = "") -> SwapRequest:
    """The branch refuses: the turns stay as they are; both carers hear of it."""
    return _decide(actor, swap, "refuse", note)


def may_withdraw(actor: Actor, swap: SwapRequest) -> bool:
    return swap.requested_by_id is not None and swap.requested_by_id == getattr(actor, "pk", None)


@transaction.atomic
def swap_withdraw(*, actor: Actor, swap, note: str = "") -> SwapRequest:
    """Whoever asked takes the request back."""
    row = _locked_swap(actor, swap)
    if not (may_withdraw(actor, row) or is_system(actor)):
        raise Forbidden(_("Only whoever asked for the swap withdraws it."))
    return _decide(actor, row, "withdraw", note)


# --- reminders ------------------------------------------------------------------------------------


def remind_tomorrow(*, actor: Actor, batch: int = 2000) -> int:
    """Tell each carer of tomorrow's planned turns on published rosters, once per turn (a turn
    reminded is marked, so running again tells no one twice). Returns the number of turns reminded.
    A few queries per batch whatever the number of turns: the hourly job runs over a district."""
    require(actor, "care.run_roster")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    total = 0
    while True:
        with transaction.atomic():
            rows = list(Turn.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(date=tomorrow, state=TurnState.PLANNED, reminded_at__isnull=True,
                                roster__state=RosterState.PUBLISHED)
                        .select_related("plan__household", "carer__user").order_by("pk")[:batch])
            if not rows:
                return total
            now = timezone.now()
            Turn.objects.filter(pk__in=[t.pk for t in rows]).update(reminded_at=now)
            names = addresses([t.plan.household for t in rows], short=True)
            content_type = ContentType.objects.get_for_model(Turn)
            send_bulk([
                Notification(recipient=t.carer.user, kind="care.turn_reminder", url=MY_TURNS_URL,
                             title=str(_("Tomorrow it is your turn at %(address)s")
                                       % {"address": names.get(t.plan.household_id) or t.plan.household.name})[:200],
                             content_type=content_type, object_id=str(t.pk))
                for t in rows if t.carer.user_id and t.carer.user.is_active])
            total += len(rows)
        if len(rows) < batch:
            return total
