"""Reads of the care home: a carer's next turns, and for the branch and the staff what needs doing
today — plans due for review, turns missed and not yet made up, households not seen, open
emergencies, draft rosters and swaps waiting."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.core.permissions import can

from ..models import (
    CarePlan,
    Emergency,
    EmergencyState,
    PlanState,
    Roster,
    RosterState,
    SwapRequest,
    SwapState,
    Turn,
    TurnState,
)

NEXT_DAYS = 7


def my_next_turns(*, user, today: dt.date | None = None, limit: int = 5) -> list[Turn]:
    """The user's planned turns of published rosters from today on, soonest first."""
    today = today or timezone.localdate()
    return list(Turn.objects.filter(carer__user=user, state=TurnState.PLANNED, date__gte=today,
                                    roster__state=RosterState.PUBLISHED)
                .select_related("plan__household", "carer").order_by("date", "id")[:limit])


def work_summary(*, user, today: dt.date | None = None) -> dict | None:
    """The counts the staff and branch secretaries act on, within what the user sees (None for a
    user who sees no care plan at all)."""
    today = today or timezone.localdate()
    plans = CarePlan.objects.visible_to(user).filter(state=PlanState.ACTIVE)
    if not (can(user, "care.view_list") or plans.filter(branch__secretary=user).exists()):
        return None
    return {
        "plans": plans.count(),
        "reviews_due": plans.filter(next_review_on__lte=today).count(),
        "unseen": plans.filter(overdue_flagged_at__isnull=False).count(),
        "missed": Turn.objects.visible_to(user).filter(state=TurnState.MISSED,
                                                       date__gte=today - dt.timedelta(days=30)).count(),
        "emergencies": Emergency.objects.visible_to(user).filter(state=EmergencyState.OPEN).count(),
        "drafts": Roster.objects.visible_to(user).filter(state=RosterState.DRAFT).count(),
        "swaps": SwapRequest.objects.visible_to(user).filter(state=SwapState.REQUESTED).count(),
    }
