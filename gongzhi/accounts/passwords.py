"""The password policy's own rule: staff accounts (and superusers) need a longer password.

Django's validators (similarity, minimum length, common, numeric) apply to everyone
(settings.AUTH_PASSWORD_VALIDATORS); this one adds the staff minimum. `createsuperuser` runs under
`superuser_policy()`, so a new superuser is held to the staff minimum too."""

from __future__ import annotations

import contextlib
import contextvars

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .permissions import is_staff_account

_everyone_is_staff = contextvars.ContextVar("everyone_is_staff", default=False)


@contextlib.contextmanager
def superuser_policy():
    token = _everyone_is_staff.set(True)
    try:
        yield
    finally:
        _everyone_is_staff.reset(token)


class StaffMinimumLengthValidator:
    def __init__(self, min_length: int = 10):
        self.min_length = min_length

    def _applies(self, user) -> bool:
        return _everyone_is_staff.get() or (user is not None and is_staff_account(user))

    def validate(self, password, user=None):
        if self._applies(user) and len(password) < self.min_length:
            raise ValidationError(
                ngettext(
                    "A staff password must contain at least %(min_length)d character.",
                    "A staff password must contain at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return _("Staff passwords must contain at least %(min_length)d characters.") % {"min_length": self.min_length}
