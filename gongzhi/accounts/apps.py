from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


class AccountsConfig(AppConfig):
    name = "gongzhi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    component = Component(
        urls="gongzhi.accounts.urls",
        url_prefix="",
        demo_order=20,
        audit_actions=(
            "accounts.user.create",
            "accounts.user.bindings",
            "accounts.user.update",
            "accounts.token.create",
            "accounts.token.revoke",
        ),
        matrix="gongzhi.accounts.tests.matrix:objects",
    )
