"""The states of a selection and of an award round, declared once (run by `gongzhi.core.workflow`).

    selection: nominating ─shortlist─▶ shortlisted ─start_vote─▶ voting ─count─▶ counted ─announce─▶ announced
               nominating/shortlisted/voting ─cancel─▶ cancelled
    (`count` is the vote engine's close, through `votes.closed`.)

    round:     nominating ─start_scoring─▶ scoring ─decide─▶ decided;  nominating/scoring ─cancel─▶ cancelled
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import AwardRound, RoundState, Selection, SelectionState

S, R = SelectionState, RoundState

SELECTION_WORKFLOW = bind(
    Workflow(
        "honours.selection",
        (
            Transition("shortlist", _("Make the short list"), (S.NOMINATING, S.SHORTLISTED), (S.SHORTLISTED,),
                       permission="honours.keep"),
            Transition("start_vote", _("Put the short list to the vote"), (S.SHORTLISTED,), (S.VOTING,),
                       permission="honours.keep"),
            Transition("count", _("Count the vote"), (S.VOTING,), (S.COUNTED,), permission="honours.keep"),
            Transition("announce", _("Announce the result"), (S.COUNTED,), (S.ANNOUNCED,), permission="honours.keep"),
            Transition("cancel", _("Cancel the selection"), (S.NOMINATING, S.SHORTLISTED, S.VOTING), (S.CANCELLED,),
                       permission="honours.keep"),
        ),
    ),
    Selection,
)

ROUND_WORKFLOW = bind(
    Workflow(
        "honours.round",
        (
            Transition("start_scoring", _("Close nominations and start scoring"), (R.NOMINATING,), (R.SCORING,),
                       permission="honours.keep"),
            Transition("decide", _("Decide and publish the result"), (R.SCORING,), (R.DECIDED,),
                       permission="honours.keep"),
            Transition("cancel", _("Cancel the round"), (R.NOMINATING, R.SCORING), (R.CANCELLED,),
                       permission="honours.keep"),
        ),
    ),
    AwardRound,
)
