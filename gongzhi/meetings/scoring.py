"""What the assessment scores grid workers by, from the meetings (the extension point
"assessment.score_events", declared in this app's component): the meetings a grid worker
attended (present at a meeting that was held or is in session).

    score_kinds()  -> [(kind, label)]
    score_events(start=, end=, user_ids=None) -> (kind, worker's user id, source, occurred_at, summary)
    score_links(sources) -> {source: url}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import role_q

from .models import Attendance, AttendanceStatus, MeetingState
from .permissions import SCORED_ROLES

MEETING_ATTENDED = "meeting.attended"
PREFIX = "meetings.attendance"


def score_kinds() -> list[tuple[str, str]]:
    return [(MEETING_ATTENDED, str(_("Meeting attended")))]


def score_events(*, start: dt.datetime, end: dt.datetime, user_ids: Collection[int] | None = None
                 ) -> Iterator[tuple[str, int, str, dt.datetime, str]]:
    """Attendances of grid workers at meetings held in [start, end)."""
    rows = Attendance.objects.filter(
        role_q(SCORED_ROLES, field="user__role"),
        meeting__starts_at__gte=start, meeting__starts_at__lt=end,
        meeting__state__in=(MeetingState.HELD, MeetingState.IN_SESSION),
        status=AttendanceStatus.PRESENT,
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    values = rows.order_by().values_list("pk", "user_id", "meeting__starts_at", "meeting__title")
    for pk, user_id, starts_at, title in values.iterator(chunk_size=20000):
        yield MEETING_ATTENDED, user_id, f"{PREFIX}:{pk}", starts_at, title[:200]


def score_links(sources: Iterable[str]) -> dict[str, str]:
    """The meeting's page."""
    ids = {}
    for source in sources:
        prefix, _sep, rest = source.partition(":")
        if prefix == PREFIX and rest.split(":")[0].isdigit():
            ids[int(rest.split(":")[0])] = source
    if not ids:
        return {}
    meetings = dict(Attendance.objects.filter(pk__in=list(ids)).values_list("pk", "meeting_id"))
    return {ids[pk]: reverse("meetings:meeting", args=[meeting]) for pk, meeting in meetings.items()}
