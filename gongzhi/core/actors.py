"""Who performs a write. Every service takes an `actor`: a user, or the system acting for a
command or background task (optionally on behalf of the command's user)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    # core sits below accounts: the user model is Django's AUTH_USER_MODEL, typed by its base.
    from django.contrib.auth.models import AbstractUser as User


@dataclass(frozen=True)
class SystemActor:
    label: str = "system"
    on_behalf_of: User | None = None

    @property
    def is_authenticated(self) -> bool:
        return True

    def __str__(self) -> str:
        return self.label


SYSTEM = SystemActor()

Actor = Union["User", SystemActor]


def actor_user(actor: Actor) -> User | None:
    """The user to store as the actor of an event, if any."""
    if isinstance(actor, SystemActor):
        return actor.on_behalf_of
    return actor


def actor_label(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return actor.label if actor.on_behalf_of is None else f"{actor.label} ({actor.on_behalf_of.username})"
    return actor.username


def is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)
