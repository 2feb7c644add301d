"""Declared workflows and the one way to move an object through one.

An app's `workflow.py` declares a `Workflow`: pure data (which action leads from which states to
which, and the gate action that says who may do it), with no database access, so tests walk the
table. `apply_transition` is the only code that changes a declared state: it locks the row, checks
that the user may see it (else NotFound), that the user's role may do the action, that the action
is possible from the current state (else Conflict), that the user relates to the object as the rule
asks (else Forbidden), sets the target state from the table, lets the service change the other
fields it owns, saves with `update_fields`, writes the object's own event and the audit row, and
defers notifications until the transaction commits.

The page and the API offer actions from the same function, `Workflow.offered(user, obj)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from . import audit
from .actors import Actor, is_system
from .errors import Conflict, Forbidden, NotFound
from .permissions import can, rule

SAME = "="  # a target meaning "the state stays as it is" (notes, contacts, calls)


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # one target, the possible ones the service chooses among, or (SAME,)
    permission: str = ""  # the gate action; "<workflow.app>.<action>" when empty

    @property
    def keeps_state(self) -> bool:
        return self.targets == (SAME,)


@dataclass(frozen=True)
class Workflow:
    name: str  # "<app>.<model>", the prefix of the audit actions
    transitions: tuple[Transition, ...]
    state_field: str = "state"

    @property
    def app(self) -> str:
        return self.name.split(".", 1)[0]

    def transition(self, action: str) -> Transition:
        for t in self.transitions:
            if t.action == action:
                return t
        raise KeyError(f"{self.name} has no action {action}")

    def permission(self, action: str) -> str:
        return self.transition(action).permission or f"{self.app}.{action}"

    def allowed(self, action: str, state: str) -> bool:
        return state in self.transition(action).sources

    def target(self, action: str, state: str, choice: str | None = None) -> str:
        """The state after `action` from `state` (`choice` picks among several targets)."""
        t = self.transition(action)
        if state not in t.sources:
            raise ValueError(f"{action} is not allowed from {state}")
        if t.keeps_state:
            return state
        if len(t.targets) == 1:
            return t.targets[0]
        if choice not in t.targets:
            raise ValueError(f"{action} needs one of {t.targets}")
        return choice

    def actions_from(self, state: str) -> list[str]:
        return [t.action for t in self.transitions if state in t.sources]

    def offered(self, user, obj, *, actions: Iterable[str] | None = None) -> list[Transition]:
        """The transitions `user` may take on `obj` now: possible from its state, allowed by the gate
        for the user's role and relation to the object. What pages and the API both show."""
        state = getattr(obj, self.state_field)
        wanted = None if actions is None else set(actions)
        return [
            t
            for t in self.transitions
            if state in t.sources and (wanted is None or t.action in wanted) and can(user, self.permission(t.action), obj)
        ]

    def reachable(self, start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            state = todo.pop()
            for t in self.transitions:
                if state in t.sources:
                    for nxt in t.targets:
                        nxt = state if nxt == SAME else nxt
                        if nxt not in seen:
                            seen.add(nxt)
                            todo.append(nxt)
        return seen


def lock_visible(model: type[models.Model], *, actor: Actor, pk: Any, message: str | None = None) -> models.Model:
    """The row locked for update, if `actor` may see it; NotFound otherwise (same answer as absent)."""
    locked = model._default_manager.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise NotFound(message) if message else NotFound()
    if not is_system(actor) and not getattr(actor, "is_superuser", False):
        if not model._default_manager.visible_to(actor).filter(pk=pk).exists():
            raise NotFound(message) if message else NotFound()
    return locked


def check(workflow: Workflow, *, actor: Actor, obj: models.Model, action: str) -> Transition:
    """Role, then state, then the relation to the object — the order users see errors in: a role
    that may never do this is told so (403), an action the state does not allow is a conflict
    (409), and only then does it matter whose object it is (403)."""
    t = workflow.transition(action)
    permission = workflow.permission(action)
    message = rule(permission).message or _("Your role may not do this: %(action)s.") % {"action": t.label}
    if not can(actor, permission):
        raise Forbidden(message)
    state = getattr(obj, workflow.state_field)
    if state not in t.sources:
        state_field = obj._meta.get_field(workflow.state_field)
        state_label = dict(state_field.flatchoices).get(state, state)
        raise Conflict(
            _("“%(action)s” is not possible: it is “%(state)s”.") % {"action": t.label, "state": state_label},
            code="invalid_transition",
        )
    if not can(actor, permission, obj):
        raise Forbidden(message)
    return t


def apply_transition(
    workflow: Workflow,
    *,
    actor: Actor,
    obj: models.Model | Any,
    action: str,
    choice: str | None = None,
    update: Callable[[Any], Iterable[str] | None] | None = None,
    record: Callable[[Any, Transition, str], Any] | None = None,
    notify: Callable[[Any], None] | None = None,
    guard: Callable[[Any], None] | None = None,
    note: str = "",
    not_found: str | None = None,
    locked: bool = False,
) -> Any:
    """Move `obj` by `action`, in one transaction; returns the locked, saved object.

    `guard(obj)` runs on the locked row before the table is checked (e.g. "merged cases are acted on
    through their master"); `update(obj)` changes the fields the service owns and returns their
    names; `record(obj, transition, previous_state)` writes the object's own event (a case event, a
    step of a deliberation); `notify(obj)` runs after commit. `locked=True` when the caller already
    holds the row lock from `lock_visible` in the same transaction.
    """
    model = type(obj) if isinstance(obj, models.Model) else None
    with transaction.atomic():
        if locked:
            row = obj
        else:
            pk = obj.pk if isinstance(obj, models.Model) else obj
            row = lock_visible(model or workflow_model(workflow), actor=actor, pk=pk, message=not_found)
        if guard is not None:
            guard(row)
        check(workflow, actor=actor, obj=row, action=action)
        previous = getattr(row, workflow.state_field)
        before = audit.snapshot(row)
        changed = set(update(row) or ()) if update is not None else set()
        new_state = workflow.target(action, previous, choice)
        if new_state != previous:
            setattr(row, workflow.state_field, new_state)
            changed.add(workflow.state_field)
        if changed:
            row.save(update_fields=sorted(changed))
        if record is not None:
            record(row, workflow.transition(action), previous)
        old, new = audit.diff(before, audit.snapshot(row))
        audit.record(actor=actor, action=f"{workflow.name}.{action}", obj=row, before=old, after=new, note=note)
        if notify is not None:
            transaction.on_commit(lambda: notify(row))
    return row


_MODELS: dict[str, type[models.Model]] = {}


def bind(workflow: Workflow, model: type[models.Model]) -> Workflow:
    """Name the model a workflow moves, so `apply_transition` can lock it from a bare primary key."""
    _MODELS[workflow.name] = model
    return workflow


def workflow_model(workflow: Workflow) -> type[models.Model]:
    return _MODELS[workflow.name]
