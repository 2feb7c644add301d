"""The states of a vote, declared once (run by `gongzhi.core.workflow`).

    draft ─open─▶ open ─close─▶ closed (counts frozen, sealed)
    draft/open ─cancel─▶ cancelled (with the reason)
    open ─record─▶ open   (ballots, counts and proxies entered in a meeting)

Casting online is not a transition: many residents cast at once, so a cast takes a shared lock on
the vote (the close takes the exclusive one) instead of moving it (`services.ballots`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import Vote, VoteState

S = VoteState

VOTE_WORKFLOW = bind(
    Workflow(
        "votes.vote",
        (
            Transition("open", _("Open the vote"), (S.DRAFT,), (S.OPEN,), permission="votes.run"),
            Transition("record", _("Enter ballots"), (S.OPEN,), (SAME,), permission="votes.run"),
            Transition("close", _("Close and count"), (S.OPEN,), (S.CLOSED,), permission="votes.run"),
            Transition("cancel", _("Cancel the vote"), (S.DRAFT, S.OPEN), (S.CANCELLED,), permission="votes.run"),
        ),
    ),
    Vote,
)
