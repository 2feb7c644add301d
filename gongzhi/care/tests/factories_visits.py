"""Test data of visits, on top of `factories.care_world()`: a turn for a carer today, a photo."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gongzhi.care.models import Roster, RosterState, Turn, TurnState

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name: str = "门口.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def turn(w: dict, *, carer=None, plan=None, date: dt.date | None = None, state: str = TurnState.PLANNED) -> Turn:
    """A turn on a published roster (made directly: rosters are another concern's)."""
    day = date or timezone.localdate()
    roster = Roster.objects.create(branch=w["care_branch"], start_on=day - dt.timedelta(days=7),
                                   end_on=day + dt.timedelta(days=7), state=RosterState.PUBLISHED,
                                   published_at=timezone.now())
    return Turn.objects.create(roster=roster, plan=plan or w["plan"], carer=carer or w["carer_volunteer"],
                               date=day, state=state)
