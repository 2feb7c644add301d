"""The actions of the case workflow (`workflow.CASE_WORKFLOW`), one function each. Every change of
state goes through `gongzhi.core.workflow.apply_transition`: the case is locked if the actor may
see it (NotFound otherwise), checked (role 403, merged or wrong state 409, relation 403 — the
gate's rules in `permissions.py`), moved to the target the table names, saved with
`update_fields`, its `CaseEvent` written by the `record` hook and the audit row
"cases.case.<action>" by the engine. Inbox rows of notifications are written in the same
transaction; their delivery runs after commit (`gongzhi.core.notifications`).

Records that keep the state and carry their own historical audit name (a contact: "respond"; an
extension decision: "extension"; a note) are checked the same way and write their own audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode, Department
from gongzhi.core import calendar, scope
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition

from .. import conf, routing
from ..models import (
    TERMINAL_STATES,
    Case,
    CaseEvent,
    Category,
    Dispute,
    Kind,
    Level,
    Rating,
    RatingSource,
    Result,
    State,
)
from ..workflow import CASE_WORKFLOW
from . import notify
from .attachments import check_attachments
from .catalogue import current_revision
from .events import audit_case, check, event, fields, lock, recorder, require_role, required_text


def _move(actor: Actor, case: Case, action: str, *, update=None, choice: str | None = None, note: str = "",
          event_note: str | None = None, params=None, attachments: Sequence[UploadedFile] = ()) -> Case:
    """The engine, on a case the service has locked and checked: the target from the table, the
    fields `update` changes, the case's event and the audit row."""

    def changed(row: Case):
        return fields(*(update(row) if update is not None else ()))

    return apply_transition(
        CASE_WORKFLOW, actor=actor, obj=case, action=action, choice=choice, locked=True, update=changed,
        record=recorder(actor, note=note if event_note is None else event_note, params=params,
                        attachments=attachments),
        note=note,
    )


# ---------------------------------------------------------------------------------------------
# Triage: accept, reject, merge, change the matter, dispatch


@transaction.atomic
def case_accept(*, actor: Actor, case: Case, note: str = "") -> Case:
    case = lock(actor, case)
    check(actor, case, "accept")
    return _move(actor, case, "accept", event_note=note)


@transaction.atomic
def case_reject(*, actor: Actor, case: Case, reason: str) -> Case:
    case = lock(actor, case)
    check(actor, case, "reject")
    reason = required_text(reason, "reason", _("Say why the request is rejected."))

    def update(row: Case):
        row.closed_at = timezone.now()
        return ["closed_at"]

    case = _move(actor, case, "reject", update=update, note=reason)
    notify.notify_later(lambda: notify.requesters(case), _("Your request was not accepted"), reason, case,
                        "cases.rejected")
    return case


@transaction.atomic
def case_merge(*, actor: Actor, case: Case, master: Case, note: str = "") -> Case:
    """Merge a duplicate into a master case: it follows the master from now on, its requester is
    told and may rate the master's result."""
    case = lock(actor, case)
    check(actor, case, "merge")
    master = lock(actor, master)
    if master.pk == case.pk or master.master_id or master.state in TERMINAL_STATES:
        message = _("Merge into an open case that is not itself merged.")
        raise InvalidInput(message, fields={"master": [message]})

    def update(row: Case):
        row.master = master
        return ["master"]

    case = _move(actor, case, "merge", update=update, note=note, params={"master": master.pk})
    event(master, actor, "merge_in", from_state=master.state, params={"child": case.pk}, note=note)
    notify.notify_later(
        lambda: [case.requester] if case.requester_id else [],
        _("Your request is handled together with case %(ref)s") % {"ref": master.reference},
        _("Others reported the same matter; you will be told of the result and may rate it."),
        case, "cases.merged",
    )
    return case


@transaction.atomic
def case_recategorise(*, actor: Actor, case: Case, category: Category, note: str = "") -> Case:
    """Change the matter of a case still in triage — a dispatcher's correction of the requester or of
    triage. The case takes the matter's current rules, and its time limits are counted again from
    submission by them. The final matter of every closed case is what triage learns from."""
    case = lock(actor, case)
    check(actor, case, "recategorise")
    if category is None or not category.is_active or category.parent_id is None:
        message = _("Choose an active matter from the catalogue (not a group).")
        raise InvalidInput(message, fields={"category": [message]})
    if category.pk == case.category_id:
        message = _("The case already has this matter.")
        raise InvalidInput(message, fields={"category": [message]})
    old = case.category
    old_kind = case.rule.rules.get("kind")
    revision = current_revision(category)
    rules = revision.rules

    def update(row: Case):
        row.category, row.rule, row.theme = category, revision, rules["theme"]
        if row.kind == old_kind:  # the kind followed the old matter; a kind chosen by hand stays
            row.kind = rules["kind"]
        row.response_due, row.handling_due, row.handling_warn_at = routing.deadlines(row.created_at, rules)
        if row.kind == Kind.DISPUTE:
            Dispute.objects.get_or_create(case=row)
        return ["category", "rule", "theme", "kind", "response_due", "handling_due", "handling_warn_at"]

    return _move(actor, case, "recategorise", update=update, note=note,
                 params={"from": old.code, "to": category.code, "rule_version": revision.version})


def _resolve_target(case: Case, *, node: AreaNode | None, department: Department | None) -> routing.Route:
    if node is None and department is None:
        return routing.route_for(location_path=case.location_path, rules=case.rule.rules)
    if department is not None:
        if department.district.path != routing.prefix(case.location_path, 1) or not department.is_active:
            message = _("Choose an active department of the case's district.")
            raise InvalidInput(message, fields={"department": [message]})
        return routing.Route(Level.DEPARTMENT, routing.node_at(case.location_path, Level.STREET), department)
    if node.kind not in (AreaKind.GRID, AreaKind.COMMUNITY, AreaKind.STREET, AreaKind.BUILDING):
        message = _("Dispatch to a building, grid, community or street.")
        raise InvalidInput(message, fields={"node": [message]})
    return routing.Route(routing.level_of(node), node)


@transaction.atomic
def case_dispatch(
    *,
    actor: Actor,
    case: Case,
    node: AreaNode | None = None,
    department: Department | None = None,
    note: str = "",
) -> Case:
    """Send the case to whoever handles it: by default the catalogue's level at the location (or
    its lead department); or by hand to another node or department (re-dispatch)."""
    case = lock(actor, case)
    check(actor, case, "dispatch")
    route = _resolve_target(case, node=node, department=department)
    if node is not None and not scope.covers_path(actor, route.node.path):
        raise Forbidden(_("You may dispatch only within your area."))

    def update(row: Case):
        if row.state == State.ACCEPTED:
            row.dispatcher_node_id = row.area_id
        row.level = route.level
        row.area, row.area_path, row.department, row.assignee = route.node, route.node.path, route.department, None
        return ["level", "area", "area_path", "department", "assignee", "dispatcher_node"]

    params = {"level": route.level, "node": route.node.code,
              "department": route.department.code if route.department else None, "manual": bool(node or department)}
    case = _move(actor, case, "dispatch", update=update, event_note=note, params=params)
    notify.notify_later(lambda: notify.holders(case), _("Case to claim: %(title)s") % {"title": case.title}, note,
                        case, "cases.dispatched")
    return case


# ---------------------------------------------------------------------------------------------
# Handling: claim, return, escalate, contact, note, extension, resolve


@transaction.atomic
def case_claim(*, actor: Actor, case: Case) -> Case:
    """Take the case on. Two people claiming at once: the row lock makes one wait, and it then
    finds the case already claimed."""
    case = lock(actor, case)
    require_role(actor, "claim")
    if case.state == State.IN_PROGRESS and case.assignee_id:
        if case.assignee_id == getattr(actor, "pk", None):
            raise Conflict(_("You have already claimed this case."), code="already_claimed")
        raise Conflict(
            _("%(name)s has already claimed this case.") % {"name": case.assignee}, code="already_claimed"
        )
    check(actor, case, "claim")

    def update(row: Case):
        row.assignee = actor_user(actor)
        return ["assignee"]

    return _move(actor, case, "claim", update=update)


@transaction.atomic
def case_return(*, actor: Actor, case: Case, reason: str) -> Case:
    """退单: the case goes back to the dispatcher with a reason. After CASES_MAX_RETURNS returns
    the street decides who handles it."""
    case = lock(actor, case)
    check(actor, case, "return")
    reason = required_text(reason, "reason", _("Say why you return the case."))
    returns = case.return_count + 1
    if returns >= conf.get("CASES_MAX_RETURNS") or case.dispatcher_node_id is None:
        target, to_street = routing.node_at(case.location_path, Level.STREET), True
    else:
        target, to_street = case.dispatcher_node, False

    def update(row: Case):
        row.return_count = returns
        row.level, row.assignee, row.department = routing.level_of(target), None, None
        row.area, row.area_path = target, target.path
        return ["level", "assignee", "department", "area", "area_path", "return_count"]

    case = _move(actor, case, "return", update=update, note=reason,
                 params={"to": target.code, "returns": returns, "street_decides": to_street})
    notify.notify_later(lambda: notify.holders(case), _("Case returned: %(title)s") % {"title": case.title}, reason,
                        case, "cases.returned")
    return case


@transaction.atomic
def case_escalate(*, actor: Actor, case: Case, reason: str, department: Department | None = None) -> Case:
    """上报: to the next rung of building → grid → community → street → department, with a reason."""
    case = lock(actor, case)
    check(actor, case, "escalate")
    reason = required_text(reason, "reason", _("Say why the case needs the next level."))
    nxt = routing.next_level(case.level)
    while nxt and nxt != Level.DEPARTMENT and routing.node_at(case.location_path, nxt) is None:
        nxt = routing.next_level(nxt)
    if nxt is None:
        raise Conflict(_("The case is already at the top of the ladder."), code="top_of_ladder")
    if nxt == Level.DEPARTMENT:
        department = department or routing.department_for(case.location_path, case.rule.rules["lead"])
        route = _resolve_target(case, node=None, department=department)
    else:
        route = routing.Route(nxt, routing.node_at(case.location_path, nxt))
    from_level = case.level

    def update(row: Case):
        row.dispatcher_node_id = row.area_id
        row.level, row.assignee = route.level, None
        row.area, row.area_path, row.department = route.node, route.node.path, route.department
        return ["level", "assignee", "area", "area_path", "department", "dispatcher_node"]

    case = _move(actor, case, "escalate", update=update, note=reason,
                 params={"from_level": from_level, "to_level": route.level, "node": route.node.code,
                         "department": route.department.code if route.department else None})
    notify.notify_later(lambda: notify.holders(case), _("Case escalated to you: %(title)s") % {"title": case.title},
                        reason, case, "cases.escalated")
    return case


@transaction.atomic
def case_record_contact(
    *, actor: Actor, case: Case, method: str, note: str, at: dt.datetime | None = None
) -> Case:
    """A contact with the requester (phone call, visit, message); the first one is the response
    (audited as "cases.case.respond")."""
    case = lock(actor, case)
    check(actor, case, "contact")
    note = required_text(note, "note", _("Note what was said."))
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise InvalidInput(_("The time must carry a time zone."), fields={"at": [_("Invalid time.")]})
    first = case.responded_at is None
    if first:
        case.responded_at = at
        case.save(update_fields=fields("responded_at"))
    event(case, actor, "contact", from_state=case.state, note=note,
          params={"method": method, "at": at, "first": first, "in_time": first and at <= case.response_due})
    if first:
        audit_case(actor, case, "respond", {"responded_at": None}, {"responded_at": at})
    return case


@transaction.atomic
def case_add_note(
    *, actor: Actor, case: Case, note: str, attachments: Sequence[UploadedFile] = (), internal: bool = False
) -> CaseEvent:
    case = lock(actor, case)
    check(actor, case, "note")
    note = (note or "").strip()
    if not note and not attachments:
        raise InvalidInput(_("Write a note or attach a file."), fields={"note": [_("This field is required.")]})
    check_attachments(attachments)
    written = event(case, actor, "note", from_state=case.state, note=note, internal=internal, attachments=attachments)
    audit_case(actor, case, "note", {}, {"event": written.pk, "attachments": len(attachments)})
    return written


@transaction.atomic
def case_request_extension(*, actor: Actor, case: Case, days: int, reason: str) -> Case:
    case = lock(actor, case)
    check(actor, case, "request_extension")
    if case.extended or case.extension_days:
        raise Conflict(_("A case gets one extension, and it has been asked for already."), code="extension_used")
    limit = conf.get("CASES_MAX_EXTENSION_DAYS")
    if not isinstance(days, int) or not 1 <= days <= limit:
        message = _("Ask for 1 to %(n)d working days.") % {"n": limit}
        raise InvalidInput(message, fields={"days": [message]})
    reason = required_text(reason, "reason", _("Say why more time is needed."))

    def update(row: Case):
        row.extension_days, row.extension_reason = days, reason
        return ["extension_days", "extension_reason"]

    case = _move(actor, case, "request_extension", update=update, note=reason, params={"days": days})
    notify.notify_later(lambda: notify.extension_deciders(case),
                        _("Extension asked for: %(title)s") % {"title": case.title}, reason, case,
                        "cases.extension_requested")
    return case


@transaction.atomic
def case_decide_extension(*, actor: Actor, case: Case, approve: bool, note: str = "") -> Case:
    """The level above the holder approves (the handling deadline moves by the days asked, in
    working days) or refuses. Only one extension per case (audited as "cases.case.extension")."""
    case = lock(actor, case)
    check(actor, case, "approve_extension")
    if not case.extension_days or case.extended:
        raise Conflict(_("No extension is waiting for a decision."), code="no_extension")
    before = {"handling_due": case.handling_due, "extension_days": case.extension_days}
    days = case.extension_days
    if approve:
        case.handling_due = calendar.add_working_days(case.handling_due, days)
        case.handling_warn_at = routing.warning_at(case.created_at, case.handling_due,
                                                   Decimal(case.rule.rules["warning_share"]))
        case.extended = True
    else:
        case.extension_days = 0
        case.extended = True  # refused: no second request either
    case.save(update_fields=fields("handling_due", "handling_warn_at", "extended", "extension_days"))
    event(case, actor, "approve_extension" if approve else "refuse_extension", from_state=case.state, note=note,
          params={"days": days, "handling_due": case.handling_due, "approved": approve})
    audit_case(actor, case, "extension", before, {"handling_due": case.handling_due, "approved": approve}, note=note)
    return case


@transaction.atomic
def case_resolve(
    *, actor: Actor, case: Case, result: str, feedback: str, attachments: Sequence[UploadedFile] = ()
) -> Case:
    """The handler's result and the feedback the requester reads. Goes to verification when the
    matter requires it, else straight to the requester for rating."""
    case = lock(actor, case)
    check(actor, case, "resolve")
    if result not in Result.values:
        message = _("Choose the result: solved, partly solved or explained.")
        raise InvalidInput(message, fields={"result": [message]})
    feedback = required_text(feedback, "feedback", _("Write the feedback the requester will read."))
    check_attachments(attachments)
    open_calls = case.whistle_calls.filter(acknowledged_at=None).count()
    if open_calls:
        message = _("%(n)d called department(s) have not reported in yet.") % {"n": open_calls}
        raise Conflict(message, code="whistle_open")
    verify = bool(case.rule.rules.get("verification_required"))

    def update(row: Case):
        row.result, row.feedback, row.resolved_at, row.resolved_level = result, feedback, timezone.now(), row.level
        return ["result", "feedback", "resolved_at", "resolved_level"]

    case = _move(actor, case, "resolve", update=update, choice=State.VERIFYING if verify else State.AWAITING_RATING,
                 event_note=feedback, params={"result": result}, attachments=attachments)
    if case.state == State.AWAITING_RATING:
        notify.ask_for_rating(case)
    else:
        notify.notify_later(lambda: notify.verifiers(case), _("Case to verify: %(title)s") % {"title": case.title},
                            feedback[:200], case, "cases.verify")
    return case


@transaction.atomic
def case_verify(*, actor: Actor, case: Case, passed: bool, note: str = "") -> Case:
    """核查 by the dispatching level or an inspector: passed → the requester rates; failed → back
    to the handler with a reason."""
    case = lock(actor, case)
    action = "verify_pass" if passed else "verify_fail"
    check(actor, case, action)
    if not passed:
        note = required_text(note, "note", _("Say what is wrong with the result."))

    def update(row: Case):
        if passed:
            return []
        row.resolved_at, row.resolved_level = None, ""
        return ["resolved_at", "resolved_level"]

    case = _move(actor, case, action, update=update, note=note)
    if passed:
        notify.ask_for_rating(case)
    else:
        notify.notify_later(lambda: notify.handler(case), _("Verification failed: %(title)s") % {"title": case.title},
                            note, case, "cases.verify_failed")
    return case


# ---------------------------------------------------------------------------------------------
# Rating, reopening, closing


@transaction.atomic
def case_rate(
    *, actor: Actor, case: Case, rating: str, solved: bool | None, comment: str = "", callback: bool = False
) -> Case:
    """The requester's own rating. Not satisfied → the case is reopened once; otherwise, or the
    second time, it closes. A merged request rates its master's result on its own record.
    `callback=True` is `record_callback` (kept for callers of the older signature)."""
    if callback:
        return record_callback(actor=actor, case=case, rating=rating, solved=solved, comment=comment)
    return _rate(actor, case, "rate", rating=rating, solved=solved, comment=comment, source=RatingSource.REQUESTER)


@transaction.atomic
def record_callback(*, actor: Actor, case: Case, rating: str, solved: bool | None, comment: str = "") -> Case:
    """Staff of the place called the requester back (回访) and record the rating they gave: the same
    outcome as the requester's own rating (close, or reopen once), stored as given on a callback
    and audited as "cases.case.callback"."""
    return _rate(actor, case, "callback", rating=rating, solved=solved, comment=comment, source=RatingSource.CALLBACK)


def _rate(actor: Actor, case: Case, action: str, *, rating: str, solved: bool | None, comment: str,
          source: str) -> Case:
    case = lock(actor, case)
    if rating not in Rating.values:
        message = _("Choose satisfied, basically satisfied or not satisfied.")
        raise InvalidInput(message, fields={"rating": [message]})
    if solved is None:
        message = _("Say whether the matter was solved.")
        raise InvalidInput(message, fields={"solved": [message]})
    if case.master_id:
        return _rate_merged(actor, case, action, rating=rating, solved=solved, comment=comment, source=source)
    check(actor, case, action)
    reopen = rating == Rating.UNSATISFIED and not case.reopened
    now = timezone.now()

    def update(row: Case):
        if reopen:
            row.reopened = True
            return ["reopened"]
        row.rating, row.rating_solved, row.rating_comment, row.rated_at, row.closed_at, row.rating_source = (
            rating, bool(solved), comment, now, now, source,
        )
        return ["rating", "rating_solved", "rating_comment", "rated_at", "closed_at", "rating_source"]

    case = _move(actor, case, action, update=update, choice=State.REOPENED if reopen else State.CLOSED, note=comment,
                 params={"rating": rating, "solved": solved, "callback": source == RatingSource.CALLBACK})
    if reopen:
        notify.notify_later(lambda: notify.handler(case),
                            _("Requester not satisfied, case reopened: %(title)s") % {"title": case.title}, comment,
                            case, "cases.reopened")
    else:
        Case.objects.filter(master=case).update(closed_at=now)
    return case


def _rate_merged(actor: Actor, case: Case, action: str, *, rating: str, solved: bool, comment: str,
                 source: str) -> Case:
    """A merged request keeps its state (merged) and rates its master's result on its own record."""
    master = case.master
    if master.state not in (State.AWAITING_RATING, State.CLOSED) or case.rated_at:
        raise Conflict(_("There is no result to rate yet, or it was rated already."), code="invalid_transition")
    require(actor, CASE_WORKFLOW.permission(action), case)
    now = timezone.now()
    case.rating, case.rating_solved, case.rating_comment, case.rated_at, case.rating_source = (
        rating, bool(solved), comment, now, source)
    case.save(update_fields=fields("rating", "rating_solved", "rating_comment", "rated_at", "rating_source"))
    params = {"rating": rating, "solved": solved, "callback": source == RatingSource.CALLBACK, "master": master.pk}
    event(case, actor, action, from_state=case.state, note=comment, params=params)
    audit_case(actor, case, action, {}, params, note=comment)
    return case


@transaction.atomic
def case_reopen(*, actor: Actor, case: Case, note: str = "") -> Case:
    """The holder takes a reopened case up again; its handling time starts anew."""
    case = lock(actor, case)
    check(actor, case, "reopen")

    def update(row: Case):
        _response_due, row.handling_due, row.handling_warn_at = routing.deadlines(timezone.now(), row.rule.rules)
        row.assignee = actor_user(actor) or row.assignee
        row.resolved_at, row.resolved_level, row.result = None, "", ""
        return ["assignee", "handling_due", "handling_warn_at", "resolved_at", "resolved_level", "result"]

    return _move(actor, case, "reopen", update=update, event_note=note,
                 params=lambda row: {"handling_due": row.handling_due})


@transaction.atomic
def case_auto_close(*, actor: Actor, case: Case | int, now: dt.datetime | None = None) -> Case | None:
    """Close a case whose requester did not rate within CASES_AUTO_CLOSE_DAYS (the sweep calls
    this). Returns None when the case no longer qualifies (rated meanwhile)."""
    case = lock(actor, case)
    now = now or timezone.now()
    if case.state != State.AWAITING_RATING or case.resolved_at is None:
        return None
    if now - case.resolved_at < dt.timedelta(days=conf.get("CASES_AUTO_CLOSE_DAYS")):
        return None
    check(actor, case, "auto_close")

    def update(row: Case):
        row.closed_at = now
        return ["closed_at"]

    case = _move(actor, case, "auto_close", update=update)
    Case.objects.filter(master=case).update(closed_at=now)
    return case
