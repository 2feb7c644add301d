"""Accounts: one user model with a role, bound to area nodes (or a department or unit) that
decide what the user sees."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import scope
from gongzhi.core.pii import EncryptedCharField, mask_phone
from gongzhi.core.visibility import ScopedQuerySet

from . import roles
from .roles import Role

__all__ = ["ApiToken", "AreaBinding", "Role", "User"]


class UserQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> models.QuerySet:
        """The accounts a user may list: all for superusers and the system, those bound to a node in
        the user's area for staff with an area, and only their own for everyone else."""
        paths = scope.scope_paths(user)
        if paths is None:
            return self
        if not paths:
            return self.filter(pk=getattr(user, "pk", None)) if getattr(user, "pk", None) else self.none()
        bound = User.objects.filter(scope.path_q(paths, "area_bindings__node")).values("pk")
        return self.filter(pk__in=bound)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    # Django's user manager (create_user, create_superuser, get_by_natural_key) with `visible_to`.
    use_in_migrations = True


class User(AbstractUser):
    """A person who signs in. Residents and party members act for themselves; staff act within
    the area nodes they are bound to; department staff for their department."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT, db_index=True)
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    title = models.CharField(_("job title"), max_length=50, blank=True)
    department = models.ForeignKey(
        "areas.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    unit = models.ForeignKey(
        "areas.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="liaisons"
    )
    # Mobile for SMS notifications: encrypted (gongzhi.core.pii), with a masked copy for display.
    # A resident account without one is reached at the phone of the linked resident record.
    phone = EncryptedCharField(_("mobile phone"), kind="phone", max_length=20)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, blank=True, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        self.phone_masked = mask_phone(self.phone or "")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_masked"}
        super().save(*args, **kwargs)

    @property
    def role_badge(self) -> str:
        """What the badge beside a user's name says: their own post when one is recorded (社区党委书记,
        not the role's generic 社区工作人员), else their role."""
        return self.title or str(self.get_role_display())

    @property
    def is_area_staff(self) -> bool:
        return roles.is_area_staff(self)

    def has_perm(self, perm, obj=None) -> bool:
        if self.is_active and roles.grants(self, perm):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_active and roles.grants_module(self, app_label):
            return True
        return super().has_module_perms(app_label)


class AreaBinding(models.Model):
    """Binds a user to an area node: the user sees that node's subtree."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="area_bindings")
    node = models.ForeignKey(
        "areas.AreaNode", verbose_name=_("area node"), on_delete=models.PROTECT, related_name="bindings"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("area binding")
        verbose_name_plural = _("area bindings")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "node"],
                name="binding_unique_user_node",
                violation_error_message=_("The user is already bound to this node."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.node}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the raw value is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class TokenGuessing(models.Model):
    """Failed bearer-token attempts from one client address (gongzhi.accounts.throttle): counted
    in the database so every worker process sees the same count; locked until `locked_until`."""

    address = models.GenericIPAddressField(_("address"), unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    first_failure_at = models.DateTimeField(_("first failure"))
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("token guessing")
        verbose_name_plural = _("token guessing")

    def __str__(self) -> str:
        return self.address
