"""Who may set up, run and cast votes (read by `gongzhi.core.permissions`).

A vote in a meeting is run by whoever runs the meeting (the body's chair or secretary, or the
area's staff); an online vote by the staff of its area. Anyone signed in may try to cast: the
service says plainly why a ballot is refused (not a resident of the area, outside the window,
already voted), which a yes/no gate could not.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongzhi.core.permissions import Rule
from gongzhi.meetings.permissions import MANAGER_ROLES, OFFICER_ROLES, keeps_area, runs


def runs_vote(user, obj: Any) -> bool:
    """For a vote or a meeting: runs the meeting it is taken in; for an online vote or an area:
    keeps the area."""
    meeting = obj if hasattr(obj, "attendances") else getattr(obj, "meeting", None)
    if meeting is not None:
        return runs(user, meeting)
    return keeps_area(user, obj)


RULES = {
    # Put a question to a vote (object: the meeting, or the area node of an online vote).
    "votes.create": Rule(
        roles=OFFICER_ROLES, relation=runs_vote,
        message=_("Only the meeting's chair, secretary or the area's staff put a question to the vote."),
    ),
    # Open, close, cancel; enter ballots, counts and proxies in a meeting (object: the vote).
    "votes.run": Rule(
        roles=OFFICER_ROLES, relation=runs_vote,
        message=_("Only the meeting's chair, secretary or the area's staff run this vote."),
    ),
    # Cast or change one's own ballot online (the service checks the voter, the window, the once).
    "votes.cast": Rule(everyone=True),
    # The votes list of an area (staff).
    "votes.view_list": Rule(roles=MANAGER_ROLES),
    # Close online votes whose window has ended (the worker).
    "votes.close_due": Rule(system_only=True),
}
