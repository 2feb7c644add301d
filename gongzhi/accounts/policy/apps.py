"""A part of accounts installed before django.contrib.auth, so that its `createsuperuser` (the
staff password policy for new superusers) is the one `manage.py` runs: Django takes a command
from the first installed app that has it."""

from django.apps import AppConfig

from gongzhi.core.components import Component


class AccountsPolicyConfig(AppConfig):
    name = "gongzhi.accounts.policy"
    label = "accounts_policy"
    verbose_name = "Accounts: sign-in policy"
    component = Component()
