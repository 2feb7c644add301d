"""Who may do what with accounts (read by `gongzhi.core.permissions`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core import scope
from gongzhi.core.permissions import Rule

from .roles import Role

# --- relations ---------------------------------------------------------------------------------


def node_in_scope(user, node) -> bool:
    """The area node (one the account is, or will be, bound to) lies in the user's area scope."""
    return node is not None and scope.covers_path(user, node.path)


def is_self(user, owner) -> bool:
    """The account concerned is the user's own."""
    return getattr(owner, "pk", None) == user.pk


def owns_token(user, token) -> bool:
    return token.user_id == user.pk


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
}
