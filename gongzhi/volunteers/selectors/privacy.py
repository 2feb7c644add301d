"""What the volunteers app holds about a person of the registry, for the person's own data export
(the privacy app's subject access): the registration, the activities served and the points."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongzhi.points import selectors as points
from gongzhi.points.models import Programme

from ..models import Signup, Volunteer


def volunteer_rows_of(*, person) -> list[list]:
    """One row per fact: [what, when, detail, minutes or points] (empty when not a volunteer)."""
    volunteer = Volunteer.objects.filter(person=person).first()
    if volunteer is None:
        return []
    rows: list[list] = [[_("Volunteer number"), volunteer.registered_on, volunteer.number, ""]]
    for signup in Signup.objects.filter(volunteer=volunteer).select_related("activity").order_by("activity__starts_at"):
        rows.append([pgettext("volunteer record", "Activity"), signup.activity.starts_at,
                     f"{signup.activity.title}（{signup.get_state_display()}）", signup.minutes])
    account = points.account_of(programme=Programme.VOLUNTEERS, holder=volunteer)
    if account is not None:
        for entry in account.entries.order_by("created_at", "id"):
            rows.append([_("Points"), entry.created_at, f"{entry.get_kind_display()}：{entry.reason}", entry.amount])
    return rows
