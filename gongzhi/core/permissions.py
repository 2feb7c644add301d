"""The one authorisation gate: `can(user, action, obj=None)` and `require(user, action, obj=None)`.

Each app's `permissions.py` declares its actions in `RULES`, a dict from action name
("<app>.<verb>", e.g. "cases.claim") to a `Rule`: which roles may do it, and optionally how the
user must relate to the object (in their area scope, its requester, its department …) or a Django
permission that grants it to anyone who holds it explicitly. Pages, the API, the admin, services,
selectors, navigation and templates all ask this gate; no other code names a role.

The system (commands, background tasks: `SystemActor`) may do everything; a superuser may do
everything except what a rule reserves for the system (`system_only=True`). An inactive or
anonymous user may do nothing. The relation is only asked when an object is given: without one,
`can` answers "may this user do this kind of thing at all" (what a page offers, what navigation
shows), and the object check happens again when the object is known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .actors import is_system
from .errors import Forbidden

Relation = Callable[[Any, Any], bool]  # (user, obj) -> bool


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] = field(default_factory=frozenset)
    relation: Relation | None = None
    # A Django permission ("app.codename") that grants the action to whoever holds it by a user or
    # group grant, whatever their role (the relation still applies).
    granted_by: str = ""
    system_only: bool = False
    # Any signed-in, active user (the relation still applies): "my own" things.
    everyone: bool = False
    message: str = ""

    def allows_role(self, user) -> bool:
        if self.everyone:
            return True
        if getattr(user, "role", None) in self.roles:
            return True
        return bool(self.granted_by) and _holds_grant(user, self.granted_by)


def _holds_grant(user, perm: str) -> bool:
    # A grant by user or group permission, not the role table of accounts (ModelBackend alone).
    from django.contrib.auth.backends import ModelBackend

    return perm in ModelBackend().get_all_permissions(user)


_RULES: dict[str, Rule] | None = None


def rules() -> dict[str, Rule]:
    """Every action any installed component declares (read once, on first use)."""
    global _RULES
    if _RULES is None:
        from . import components

        collected: dict[str, Rule] = {}
        for module in components.permission_modules():
            for action, rule in getattr(module, "RULES", {}).items():
                if action in collected:
                    raise ValueError(f"The action {action} is declared twice")
                collected[action] = rule
        _RULES = collected
    return _RULES


def reset() -> None:
    """Read the rules again (a test that installs a component)."""
    global _RULES
    _RULES = None


def rule(action: str) -> Rule:
    try:
        return rules()[action]
    except KeyError:
        raise KeyError(f"No component declares the action {action}") from None


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", True))


def can(user, action: str, obj: Any = None) -> bool:
    """May `user` do `action` (to `obj`, when given)?"""
    r = rule(action)
    if is_system(user):
        return True
    if not _active(user):
        return False
    if r.system_only:
        return False
    if not (user.is_superuser or r.allows_role(user)):
        return False
    if obj is not None and r.relation is not None and not user.is_superuser:
        return bool(r.relation(user, obj))
    return True


def require(user, action: str, obj: Any = None, *, message: str | None = None) -> None:
    """Raise Forbidden unless `can(user, action, obj)`."""
    if not can(user, action, obj):
        r = rule(action)
        raise Forbidden(message or r.message or _("You do not have permission to do this."))


def allowed_actions(user, actions: Iterable[str], obj: Any = None) -> list[str]:
    return [a for a in actions if can(user, a, obj)]


def role_q(roles: Iterable[str], *, field: str = "role") -> Q:
    """Users whose role is one of `roles` (a set a permissions.py declares): the recipients of a
    notification, the people a picker lists. Access itself is always asked of `can`."""
    return Q(**{f"{field}__in": sorted(str(r) for r in roles)})


def roles_for(action: str) -> frozenset[str]:
    """The roles a rule names (for documentation and the matrix test's expectations)."""
    return rule(action).roles


# ---------------------------------------------------------------------------------------------
# The platform's own actions. `core` sits below `accounts`, so it names roles by their values.

RULES: dict[str, Rule] = {
    # An object's change history (audit events), for staff who work with master data and cases.
    "core.view_history": Rule(
        roles=frozenset({"grid_worker", "community_staff", "street_staff", "inspector", "supervision", "district_admin"})
    ),
    # Holidays and make-up working days (the working-day calendar).
    "core.edit_calendar": Rule(roles=frozenset({"district_admin"})),
    # One's own notifications.
    "core.read_notifications": Rule(everyone=True),
}


def page_requires(action: str):
    """Decorate a page view: sign-in required, then the gate's answer for `action` (no object):
    403 when the user's role may not do it."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


def scoped_page(view):
    """Decorate a page view that asks services and selectors: sign-in required; a `NotFound` answers
    404 (outside the area scope looks absent), a `Forbidden` 403 with the gate's words."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from .errors import NotFound

    @wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return login_required(guarded)
