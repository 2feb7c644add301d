"""A volunteer's points: the kept balance (one row) and the account, without opening one."""

from __future__ import annotations

from gongzhi.points import selectors as points
from gongzhi.points.models import Account, Programme

from ..models import Volunteer


def volunteer_balance(*, volunteer: Volunteer) -> int:
    return points.balance(programme=Programme.VOLUNTEERS, holder=volunteer)


def volunteer_account(*, volunteer: Volunteer) -> Account | None:
    return points.account_of(programme=Programme.VOLUNTEERS, holder=volunteer)


def volunteer_of(user) -> Volunteer | None:
    """The volunteer registered to this user account, active or left (a former volunteer keeps their
    record and certificate), if any; callers that act check the status."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user).select_related("area").first()
