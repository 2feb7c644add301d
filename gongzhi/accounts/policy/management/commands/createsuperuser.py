"""Django's createsuperuser, held to the staff password policy (at least 10 characters, besides
the common, numeric and similarity checks), also when the password comes from
DJANGO_SUPERUSER_PASSWORD with --noinput (Django does not check it there)."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from gongzhi.accounts.passwords import superuser_policy


class Command(createsuperuser.Command):
    def handle(self, *args, **options):
        with superuser_policy():
            password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
            if not options.get("interactive") and password:
                user_model = get_user_model()
                username = options.get(user_model.USERNAME_FIELD) or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
                try:
                    validate_password(password, user_model(**{user_model.USERNAME_FIELD: username}))
                except ValidationError as exc:
                    raise CommandError("; ".join(exc.messages)) from exc
            return super().handle(*args, **options)
