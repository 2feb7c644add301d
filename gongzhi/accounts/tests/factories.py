"""Users for tests, created through the accounts service so scope rules hold."""

import itertools

from gongzhi.accounts import services
from gongzhi.accounts.models import User
from gongzhi.core.actors import SystemActor

PASSWORD = "a-Strong-test-pass-42"
_serial = itertools.count(1)


def user(role: str, *, nodes=(), department=None, unit=None, username: str | None = None, **extra) -> User:
    return services.user_create(
        actor=SystemActor(label="test"),
        username=username or f"{role}{next(_serial)}",
        password=PASSWORD,
        role=role,
        nodes=list(nodes),
        department=department,
        unit=unit,
        check_password_strength=False,
        **extra,
    )


def superuser(username: str = "root") -> User:
    return User.objects.create_superuser(username=username, password=PASSWORD)
