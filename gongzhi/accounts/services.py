"""Writes to accounts: creating users with their role and scope, binding nodes, API tokens."""

import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode, Department, Unit
from gongzhi.core import audit, permissions, pii, scope
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Forbidden, InvalidInput

from .models import ApiToken, AreaBinding, User, hash_token
from .roles import ADMIN_SITE_ROLES, check_role_fields, check_user_bindings

# `Role` and the role groups of accounts/roles.py are data about roles: they VALIDATE the
# role and bindings an account is given (and whether it may open the admin site). Who may manage
# accounts is asked of the gate (`accounts/permissions.py`).

USER_AUDIT_FIELDS = [
    "username", "role", "display_name", "title", "department", "unit", "is_active", "is_staff", "phone_masked",
]


def _clean_phone(phone: str) -> str:
    """A mainland mobile number (digits only, +86 dropped), or "" ; InvalidInput naming `phone`."""
    digits = pii.normalise_phone(phone or "")
    if digits and not pii.is_mobile(digits):
        message = _("Enter an 11-digit mobile number.")
        raise InvalidInput(message, fields={"phone": [message]})
    return digits


def _require_user_admin(actor: Actor, nodes: Iterable[AreaNode]) -> None:
    """The actor may manage accounts, and every node concerned lies in their area."""
    permissions.require(actor, "accounts.manage_users")
    for node in nodes:
        if not permissions.can(actor, "accounts.manage_users", node):
            raise Forbidden(_("The node %(node)s is outside your area.") % {"node": node})


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    nodes: list[AreaNode] | None = None,
    department: Department | None = None,
    unit: Unit | None = None,
    display_name: str = "",
    title: str = "",
    check_password_strength: bool = True,
    password_hash: str | None = None,
    phone: str = "",
) -> User:
    """Create an account. `password_hash` (an already hashed password, e.g. from an import or the
    demo, which hashes its one password once) replaces `password` when given."""
    nodes = list(nodes or [])
    _require_user_admin(actor, nodes)
    check_role_fields(role=role, nodes=nodes, department=department, unit=unit)
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        title=title,
        department=department,
        unit=unit,
        is_staff=role in ADMIN_SITE_ROLES,
        phone=_clean_phone(phone),
    )
    try:
        user.full_clean(exclude=["password"])
        if check_password_strength and password_hash is None:
            validate_password(password, user)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            from gongzhi.core.errors import invalid_from_validation_error

            raise invalid_from_validation_error(exc) from exc
        raise InvalidInput(exc.messages[0], fields={"password": exc.messages}) from exc
    if password_hash is not None:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    AreaBinding.objects.bulk_create([AreaBinding(user=user, node=n) for n in nodes])
    audit.record(
        actor=actor,
        action="accounts.user.create",
        obj=user,
        after={**audit.snapshot(user, USER_AUDIT_FIELDS), "nodes": [n.code for n in nodes]},
        area_path=nodes[0].path if nodes else "",
    )
    return user


@transaction.atomic
def user_set_bindings(*, actor: Actor, user: User, nodes: list[AreaNode]) -> User:
    user = audit.lock(User, user.pk)
    _require_user_admin(actor, nodes)
    check_user_bindings(user, nodes)
    before = sorted(user.area_bindings.values_list("node__code", flat=True))
    user.area_bindings.all().delete()
    AreaBinding.objects.bulk_create([AreaBinding(user=user, node=n) for n in nodes])
    scope.forget(user)
    audit.record(
        actor=actor,
        action="accounts.user.bindings",
        obj=user,
        before={"nodes": before},
        after={"nodes": sorted(n.code for n in nodes)},
        area_path=nodes[0].path if nodes else "",
    )
    return user


@transaction.atomic
def api_token_create(*, actor: Actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; returns the token and its raw value, which is never stored."""
    permissions.require(actor, "accounts.create_token", user)
    if not name.strip():
        raise InvalidInput(_("Give the token a name."), fields={"name": [_("This field is required.")]})
    raw = "gz_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=raw[:8], key_hash=hash_token(raw))
    audit.record(actor=actor, action="accounts.token.create", obj=token, after={"user": user.username, "name": name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    permissions.require(actor, "accounts.revoke_token", token)
    token = audit.lock(ApiToken, token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="accounts.token.revoke", obj=token)
    return token


@transaction.atomic
def user_update(
    *,
    actor: Actor,
    user: User,
    role: str,
    nodes: list[AreaNode],
    department: Department | None = None,
    unit: Unit | None = None,
    display_name: str = "",
    title: str = "",
    is_active: bool = True,
    phone: str | None = None,
) -> User:
    """Change an account (`phone` None keeps the stored number, "" removes it)."""
    user = audit.lock(User, user.pk)
    current_nodes = list(AreaNode.objects.filter(bindings__user=user))
    _require_user_admin(actor, current_nodes + list(nodes))
    check_role_fields(role=role, nodes=list(nodes), department=department, unit=unit)
    before = {**audit.snapshot(user, USER_AUDIT_FIELDS), "nodes": sorted(n.code for n in current_nodes)}
    user.role, user.department, user.unit = role, department, unit
    user.display_name, user.title, user.is_active = display_name, title, is_active
    user.is_staff = role in ADMIN_SITE_ROLES
    fields = ["role", "department", "unit", "display_name", "title", "is_active", "is_staff"]
    if phone is not None:
        user.phone = _clean_phone(phone)
        fields.append("phone")
    user.save(update_fields=fields)
    if sorted(n.pk for n in nodes) != sorted(n.pk for n in current_nodes):
        user.area_bindings.all().delete()
        AreaBinding.objects.bulk_create([AreaBinding(user=user, node=n) for n in nodes])
    scope.forget(user)
    after = {**audit.snapshot(user, USER_AUDIT_FIELDS), "nodes": sorted(n.code for n in nodes)}
    b, a = audit.diff(before, after)
    audit.record(actor=actor, action="accounts.user.update", obj=user, before=b, after=a,
                 area_path=nodes[0].path if nodes else "")
    return user
