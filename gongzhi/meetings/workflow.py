"""The states of a meeting and of a decision, declared once (run by `gongzhi.core.workflow`).

    planned ─notify─▶ notified ─open─▶ in_session ─close─▶ held
    planned/notified ─move─▶ (same, new time and reason) ─cancel─▶ cancelled
    planned/notified ─record─▶ held          (a meeting minuted after the fact by the secretary)

    decision: open ─complete─▶ done ─reopen─▶ open; open ─withdraw─▶ cancelled; open ─report─▶ open
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import Decision, DecisionState, Meeting, MeetingState, Minutes, MinutesState

M = MeetingState
BEFORE = (M.PLANNED, M.NOTIFIED)

MEETING_WORKFLOW = bind(
    Workflow(
        "meetings.meeting",
        (
            Transition("notify", _("Send the notice"), BEFORE, (M.NOTIFIED,), permission="meetings.convene"),
            Transition("move", _("Move the meeting"), BEFORE, (SAME,), permission="meetings.convene"),
            Transition("cancel", _("Cancel the meeting"), BEFORE, (M.CANCELLED,), permission="meetings.convene"),
            Transition("open", _("Open the sign-in"), BEFORE, (M.IN_SESSION,), permission="meetings.run"),
            Transition("mark", _("Mark attendance"), (*BEFORE, M.IN_SESSION, M.HELD), (SAME,), permission="meetings.run"),
            Transition("close", _("Close the meeting"), (M.IN_SESSION,), (M.HELD,), permission="meetings.run"),
            Transition("record", _("Record a meeting held"), BEFORE, (M.HELD,), permission="meetings.run"),
        ),
    ),
    Meeting,
)

D = DecisionState
DECISION_WORKFLOW = bind(
    Workflow(
        "meetings.decision",
        (
            Transition("report", _("Report progress"), (D.OPEN,), (SAME,), permission="meetings.report_progress"),
            Transition("complete", _("Mark as done"), (D.OPEN,), (D.DONE,), permission="meetings.complete"),
            Transition("reopen", _("Reopen"), (D.DONE,), (D.OPEN,), permission="meetings.reopen"),
            Transition("withdraw", _("Withdraw"), (D.OPEN,), (D.CANCELLED,), permission="meetings.withdraw"),
        ),
    ),
    Decision,
)

MINUTES_WORKFLOW = bind(
    Workflow(
        "meetings.minutes",
        (
            Transition("approve", _("Approve the minutes"), (MinutesState.DRAFT,), (MinutesState.APPROVED,),
                       permission="meetings.approve_minutes"),
        ),
    ),
    Minutes,
)
