from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, NavItem

from .roles import TWO_FACTOR_ROLES


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    component = Component(
        urls="gongzhi.accounts.urls",
        url_prefix="",
        demo_order=20,
        navigation=(NavItem(_("Security"), "security", permission="accounts.manage_own_security", order=90),),
        audit_actions=(
            "accounts.user.create",
            "accounts.user.bindings",
            "accounts.user.update",
            "accounts.token.create",
            "accounts.token.revoke",
            # Sign-in protection (gongzhi.accounts.lockout, .throttle, .two_factor).
            "accounts.signin.locked",
            "accounts.signin.released",
            "accounts.token_guessing.locked",
            "accounts.token_guessing.released",
            "accounts.two_factor.enrol",
            "accounts.two_factor.disable",
            "accounts.two_factor.failed",
            "accounts.two_factor.recovery_used",
            "accounts.two_factor.recovery_regenerate",
        ),
        settings={
            "ACCOUNTS_2FA_REQUIRED_ROLES": sorted(str(r) for r in TWO_FACTOR_ROLES),
            "ACCOUNTS_2FA_SUPERUSERS": True,
            "ACCOUNTS_TOKEN_FAILURE_LIMIT": 5,
            "ACCOUNTS_TOKEN_LOCKOUT": timedelta(minutes=15),
            "ACCOUNTS_STAFF_IDLE_TIMEOUT": timedelta(hours=2),
            "ACCOUNTS_STAFF_MAX_SESSION": timedelta(hours=12),
        },
        matrix="gongzhi.accounts.tests.matrix:objects",
    )

    def ready(self) -> None:
        from . import lockout, sessions  # noqa: F401  (signal receivers)
