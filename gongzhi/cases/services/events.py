"""What every action on a case shares: the locked, visible case; the checks in the order users see
their errors (role 403, merged or wrong state 409, relation to the case 403); the case's own event
(`CaseEvent`, the timeline) and the audit row of actions that keep the state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_label, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput
from gongzhi.core.permissions import can, require
from gongzhi.core.workflow import Transition, lock_visible

from ..models import Case, CaseEvent, State
from ..workflow import CASE_WORKFLOW
from .attachments import save_attachments


def lock(actor: Actor, case: Case | int) -> Case:
    """The case locked for update, if the actor may see it (`Case.objects.visible_to`)."""
    return lock_visible(Case, actor=actor, pk=case.pk if isinstance(case, Case) else case, message=_("No such case."))


def label(action: str) -> str:
    return str(CASE_WORKFLOW.transition(action).label)


def require_role(actor: Actor, action: str) -> Transition:
    if not can(actor, CASE_WORKFLOW.permission(action)):
        raise Forbidden(_("Your role may not do this: %(action)s.") % {"action": label(action)})
    return CASE_WORKFLOW.transition(action)


def check(actor: Actor, case: Case, action: str, *, allow_merged: bool = False, relation: bool = True) -> Transition:
    """Role, then merged, then state against the table, then (unless `relation=False`) how the actor
    relates to the case by the gate's rule."""
    t = require_role(actor, action)
    if case.master_id and not allow_merged:
        raise Conflict(
            _("This case was merged into case %(ref)s; act on that case.") % {"ref": case.master.reference},
            code="merged",
        )
    if case.state not in t.sources:
        raise Conflict(
            _("“%(action)s” is not possible: the case is “%(state)s”.")
            % {"action": label(action), "state": State(case.state).label},
            code="invalid_transition",
        )
    if relation:
        require(actor, CASE_WORKFLOW.permission(action), case)
    return t


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, fields={field: [message]})
    return value


def event(
    case: Case,
    actor: Actor,
    action: str,
    *,
    from_state: str,
    note: str = "",
    params: dict | None = None,
    internal: bool = False,
    attachments: Sequence[UploadedFile] = (),
) -> CaseEvent:
    written = CaseEvent.objects.create(
        case=case,
        actor=actor_user(actor),
        actor_label=actor_label(actor),
        action=action,
        from_state=from_state,
        to_state=case.state,
        note=note,
        params=audit._plain(params or {}),
        internal=internal,
    )
    save_attachments(case, written, actor, attachments)
    return written


def recorder(actor: Actor, *, action: str | None = None, note: str = "", params=None, attachments=()):
    """The engine's `record` hook: the case's own event for the transition just taken."""

    def record(case: Case, transition: Transition, previous: str) -> None:
        event(case, actor, action or transition.action, from_state=previous, note=note,
              params=params(case) if callable(params) else params, attachments=attachments)

    return record


def audit_case(actor: Actor, case: Case, action: str, before: dict, after: dict, note: str = "") -> None:
    """The audit row of a record that keeps the state (its historical name "cases.case.<action>")."""
    audit.record(
        actor=actor, action=f"cases.case.{action}", obj=case, before=before, after=after, note=note,
        area_path=case.area_path,
    )


def fields(*names: Iterable[str]) -> list[str]:
    """The fields an `update` hook changed, with `updated_at` (saved with update_fields)."""
    return [*names, "updated_at"]
