"""Who may do what with accounts (read by `gongzhi.core.permissions`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core import components, scope
from gongzhi.core.permissions import Rule

from .roles import STAFF_ROLES, Role

# --- relations ---------------------------------------------------------------------------------


def node_in_scope(user, node) -> bool:
    """The area node (one the account is, or will be, bound to) lies in the user's area scope."""
    return node is not None and scope.covers_path(user, node.path)


def is_self(user, owner) -> bool:
    """The account concerned is the user's own."""
    return getattr(owner, "pk", None) == user.pk


def owns_token(user, token) -> bool:
    return token.user_id == user.pk


# --- sign-in policy (read by the sign-in middleware, the password policy and the security pages) ---


def is_staff_account(user) -> bool:
    """Staff (and superusers, admin-site staff) get the stricter sign-in policy: a longer password,
    shorter sessions, two-factor sign-in on offer."""
    return bool(
        getattr(user, "is_superuser", False) or getattr(user, "is_staff", False) or getattr(user, "role", None) in STAFF_ROLES
    )


def two_factor_required(user) -> bool:
    """The account must verify a TOTP code after its password before it may use any page or the
    API through its session (ACCOUNTS_2FA_REQUIRED_ROLES, default roles.TWO_FACTOR_ROLES; and
    superusers while ACCOUNTS_2FA_SUPERUSERS)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and components.setting("ACCOUNTS_2FA_SUPERUSERS"):
        return True
    return getattr(user, "role", None) in set(components.setting("ACCOUNTS_2FA_REQUIRED_ROLES"))


RULES = {
    # Create and change accounts, their roles and bindings (object: each area node concerned).
    "accounts.manage_users": Rule(
        roles=frozenset({Role.DISTRICT_ADMIN}),
        relation=node_in_scope,
        message=_("Only a district administrator can manage accounts."),
    ),
    # Personal API tokens: one's own (object: the account the token is for).
    "accounts.create_token": Rule(
        everyone=True, relation=is_self, message=_("You can only create tokens for yourself.")
    ),
    # Revoke a token (object: the token).
    "accounts.revoke_token": Rule(everyone=True, relation=owns_token),
    # The Security page: one's own password and second factor (object: the account).
    "accounts.manage_own_security": Rule(
        everyone=True, relation=is_self, message=_("You can only change your own sign-in settings.")
    ),
    # Enrol in two-factor sign-in: staff (superusers through the gate).
    "accounts.use_two_factor": Rule(
        roles=STAFF_ROLES, relation=is_self, message=_("Two-factor sign-in is offered to staff accounts.")
    ),
}
