"""The units' problem list (问题清单): a unit's liaison (or the staff) raises a difficulty of the unit
(parking, hiring, permits, premises) for the unit's street or community; the street's or the
community's staff take it up with an owner and a deadline, report progress, mark it solved with
how, reopen it; the unit withdraws one not yet taken up. The unit's liaisons are told of every step.
Overdue: a deadline passed and not solved; the daily sweep (`flag_overdue`) tells the owner, the
area's staff and the unit once per deadline."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import audit, notifications
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Forbidden, InvalidInput
from gongzhi.core.permissions import can, require, role_q
from gongzhi.core.workflow import apply_transition, lock_visible

from ..models import Problem, ProblemKind, ProblemState, ProblemUpdate
from ..permissions import KEEPER_ROLES
from ..workflow_projects import PROBLEM_WORKFLOW

PROBLEM_AREA_KINDS = (AreaKind.STREET, AreaKind.COMMUNITY)


def _refuse(field: str, message: str) -> None:
    raise InvalidInput(message, fields={field: [message]})


def _text(value, field: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        _refuse(field, _("This field is required."))
    if len(value) > limit:
        _refuse(field, _("At most %(n)d characters.") % {"n": limit})
    return value


def _date(value, field: str) -> dt.date:
    if value in (None, ""):
        _refuse(field, _("Give a date."))
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        _refuse(field, _("Give a date as YYYY-MM-DD."))


def areas_of_unit(unit: Unit) -> list[AreaNode]:
    """The community and the street of the unit (the places a problem of the unit is raised with)."""
    path, steplen = unit.area.path, AreaNode.steplen
    above = [path[:depth] for depth in range(steplen, len(path) + 1, steplen)]
    return list(AreaNode.objects.filter(path__in=above, kind__in=PROBLEM_AREA_KINDS).order_by("path"))


def _liaisons(problem: Problem) -> list:
    return list(get_user_model().objects.filter(unit_id=problem.unit_id, is_active=True))


def _tell_unit(problem: Problem, title: str, body: str = "") -> None:
    notifications.notify(recipients=_liaisons(problem), title=title, body=body, obj=problem,
                         url=reverse("cobuilding:problem-detail", kwargs={"problem_id": problem.pk}),
                         kind="cobuilding.problem_update")


@transaction.atomic
def problem_raise(*, actor: Actor, unit: Unit | None, area: AreaNode | None, kind: str, title: str,
                  description: str = "") -> Problem:
    """A problem of `unit` for its street or community: raised by the unit's own liaison, or by the
    staff of that area."""
    require(actor, "cobuilding.raise_problem")
    if unit is None:
        _refuse("unit", _("Choose the unit."))
    own = getattr(actor, "unit_id", None) == unit.pk
    if not own and not can(actor, "cobuilding.handle_problem", area or unit.area):
        raise Forbidden(_("Only a unit's liaison or the area's staff raise a unit's problem."))
    if area is None or area.pk not in {a.pk for a in areas_of_unit(unit)}:
        _refuse("area", _("Choose the unit's street or community."))
    if not own:
        require(actor, "cobuilding.handle_problem", area)
    if kind not in ProblemKind.values:
        _refuse("kind", _("Choose a kind from the list."))
    problem = Problem.objects.create(unit=unit, area=area, kind=kind, title=_text(title, "title", 100, required=True),
                                     description=_text(description, "description", 5000),
                                     raised_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor=actor, action="cobuilding.problem.raise", obj=problem, after=audit.snapshot(problem))
    return problem


def problem_take_up(*, actor: Actor, problem: Problem | int, owner_name: str = "", owner=None, deadline) -> Problem:
    """The staff take it up: who (a name, or an account of the area's staff) and by when."""
    owner_name = _text(owner_name, "owner_name", 100)
    due = _date(deadline, "deadline")
    if due < timezone.localdate():
        _refuse("deadline", _("The deadline cannot lie in the past."))
    if owner is None and not owner_name:
        _refuse("owner_name", _("Say who takes it up."))

    def update(row):
        if owner is not None and not can(owner, "cobuilding.handle_problem", row):
            _refuse("owner", _("Choose a member of the area's staff."))
        row.owner = owner
        row.owner_name = owner_name or str(owner)
        row.deadline = due
        row.taken_up_at = timezone.now()
        return ["owner", "owner_name", "deadline", "taken_up_at"]

    def notify(row):
        _tell_unit(row, _("Your problem “%(title)s” was taken up") % {"title": row.title},
                   _("%(owner)s, by %(deadline)s.") % {"owner": row.owner_name, "deadline": row.deadline})

    return apply_transition(PROBLEM_WORKFLOW, actor=actor, obj=problem, action="take_up", update=update, notify=notify)


@transaction.atomic
def problem_report(*, actor: Actor, problem: Problem | int, text: str) -> ProblemUpdate:
    """Progress on a problem taken up (the area's staff); the unit's liaisons are told."""
    row = lock_visible(Problem, actor=actor, pk=getattr(problem, "pk", problem))
    require(actor, "cobuilding.handle_problem", row)
    text = _text(text, "text", 2000, required=True)
    if row.state != ProblemState.TAKEN_UP:
        _refuse("text", _("Progress is reported on a problem taken up."))
    update = ProblemUpdate.objects.create(problem=row, author=actor if getattr(actor, "pk", None) else None, text=text)
    audit.record(actor=actor, action="cobuilding.problem.report", obj=row, after={"text": text})
    transaction.on_commit(lambda: _tell_unit(row, _("Progress on “%(title)s”") % {"title": row.title}, text))
    return update


def problem_solve(*, actor: Actor, problem: Problem | int, solution: str) -> Problem:
    solution = _text(solution, "solution", 5000, required=True)

    def update(row):
        row.solution = solution
        row.solved_at = timezone.now()
        return ["solution", "solved_at"]

    def notify(row):
        _tell_unit(row, _("Your problem “%(title)s” was solved") % {"title": row.title}, row.solution)

    return apply_transition(PROBLEM_WORKFLOW, actor=actor, obj=problem, action="solve", update=update, notify=notify)


def problem_reopen(*, actor: Actor, problem: Problem | int, reason: str, deadline=None) -> Problem:
    reason = _text(reason, "reason", 300, required=True)
    due = _date(deadline, "deadline") if deadline not in (None, "") else None
    if due is not None and due < timezone.localdate():
        _refuse("deadline", _("The deadline cannot lie in the past."))

    def update(row):
        row.solved_at = None
        fields = ["solved_at"]
        if due is not None:
            row.deadline, row.overdue_flagged_at = due, None
            fields += ["deadline", "overdue_flagged_at"]
        ProblemUpdate.objects.create(problem=row, author=actor if getattr(actor, "pk", None) else None,
                                     text=_("Reopened: %(reason)s") % {"reason": reason})
        return fields

    def notify(row):
        _tell_unit(row, _("Your problem “%(title)s” was reopened") % {"title": row.title}, reason)

    return apply_transition(PROBLEM_WORKFLOW, actor=actor, obj=problem, action="reopen", update=update,
                            notify=notify, note=reason)


def problem_withdraw(*, actor: Actor, problem: Problem | int) -> Problem:
    """The unit (its liaison; or the staff for it) withdraws a problem not yet taken up."""

    def guard(row):
        if getattr(actor, "unit_id", None) != row.unit_id and not can(actor, "cobuilding.handle_problem", row):
            raise Forbidden(_("Only the unit that raised it withdraws a problem."))

    return apply_transition(PROBLEM_WORKFLOW, actor=actor, obj=problem, action="withdraw", guard=guard)


def _keepers_of(area: AreaNode) -> list:
    """The staff who keep the problem's area: bound to it or to a level above."""
    steplen = area.steplen
    above = [area.path[:depth] for depth in range(steplen, len(area.path) + 1, steplen)]
    return list(get_user_model().objects.filter(role_q(KEEPER_ROLES), is_active=True,
                                                area_bindings__node__path__in=above).distinct())


def flag_overdue(*, actor: Actor, today: dt.date | None = None) -> int:
    """Problems taken up whose deadline has passed are flagged once per deadline (audited
    "cobuilding.problem.overdue"); the owner, the area's staff and the unit's liaisons are told.
    Returns how many were flagged; a second run flags nothing new (a new deadline re-arms it)."""
    require(actor, "cobuilding.sweep")
    today = today or timezone.localdate()
    due = list(Problem.objects.filter(state=ProblemState.TAKEN_UP, deadline__lt=today, overdue_flagged_at__isnull=True)
               .values_list("pk", flat=True)[:5000])
    flagged = 0
    for pk in due:
        with transaction.atomic():
            row = (Problem.objects.select_for_update()
                   .filter(pk=pk, state=ProblemState.TAKEN_UP, deadline__lt=today, overdue_flagged_at__isnull=True)
                   .select_related("area", "unit").first())
            if row is None:
                continue
            row.overdue_flagged_at = timezone.now()
            row.save(update_fields=["overdue_flagged_at"])
            audit.record(actor=actor, action="cobuilding.problem.overdue", obj=row, before={"overdue_flagged_at": None},
                         after={"overdue_flagged_at": row.overdue_flagged_at, "deadline": row.deadline})
            recipients = {u.pk: u for u in [*_keepers_of(row.area), *_liaisons(row)]}
            if row.owner_id:
                recipients.setdefault(row.owner_id, row.owner)
            title = _("A unit's problem is overdue: %(title)s") % {"title": row.title}
            body = _("%(unit)s · deadline %(deadline)s · taken up by %(owner)s") % {
                "unit": row.unit.name, "deadline": row.deadline.isoformat(), "owner": row.owner_name or "—"}
            url = reverse("cobuilding:problem-detail", kwargs={"problem_id": row.pk})
            told = list(recipients.values())
            transaction.on_commit(lambda r=told, t=title, b=body, u=url, p=row: notifications.notify(
                recipients=r, kind="cobuilding.problem_overdue", obj=p, url=u, title=t, body=b))
            flagged += 1
    return flagged
