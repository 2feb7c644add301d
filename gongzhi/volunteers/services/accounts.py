"""A volunteer's points account in the ledger engine (programme "volunteers"), opened on first use."""

from __future__ import annotations

from gongzhi.core.actors import Actor
from gongzhi.points import services as points
from gongzhi.points.models import Account, Programme

from ..models import Volunteer

PROGRAMME = Programme.VOLUNTEERS


def volunteer_account(*, actor: Actor, volunteer: Volunteer) -> Account:
    """The volunteer's account (opened with their name and area; kept in step when they change)."""
    return points.account_open(actor=actor, programme=PROGRAMME, holder=volunteer, area=volunteer.area,
                               name=volunteer.name)
