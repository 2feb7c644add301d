"""The states of a topic, a resolution and a rectification, declared once (run by
`gongzhi.core.workflow`).

    topic:  proposed ─open─▶ in_progress ─advance─▶ in_progress … ─advance─▶ resolved ─complete─▶ implemented
            proposed ─lapse─▶ lapsed (too few co-signatures in time)
            proposed/in_progress ─drop─▶ dropped (with the reason)
            in_progress ─send_back─▶ in_progress (the step before starts again, with the reason)
    resolution: implementing ─report─▶ implementing ─complete─▶ done ─reopen─▶ implementing;
                done ─sign_off─▶ done (the committee's opinion)
    rectification: open ─respond─▶ done ─accept─▶ closed; done ─reject─▶ open
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import Rectification, RectificationState, Resolution, ResolutionState, Topic, TopicState

T = TopicState
TOPIC_WORKFLOW = bind(
    Workflow(
        "deliberation.topic",
        (
            Transition("open", _("Put on its path"), (T.PROPOSED,), (T.IN_PROGRESS,), permission="deliberation.steer"),
            Transition("advance", _("Complete this step"), (T.IN_PROGRESS,), (T.IN_PROGRESS, T.RESOLVED),
                       permission="deliberation.steer"),
            Transition("send_back", _("Send back"), (T.IN_PROGRESS,), (SAME,), permission="deliberation.steer"),
            Transition("drop", _("Drop the topic"), (T.PROPOSED, T.IN_PROGRESS), (T.DROPPED,),
                       permission="deliberation.steer"),
            Transition("complete", _("Mark as carried out"), (T.RESOLVED,), (T.IMPLEMENTED,),
                       permission="deliberation.steer"),
            Transition("lapse", _("Lapse"), (T.PROPOSED,), (T.LAPSED,), permission="deliberation.sweep"),
        ),
    ),
    Topic,
)

R = ResolutionState
RESOLUTION_WORKFLOW = bind(
    Workflow(
        "deliberation.resolution",
        (
            Transition("report", _("Report progress"), (R.IMPLEMENTING,), (SAME,), permission="deliberation.carry_out"),
            Transition("complete", _("Mark as carried out"), (R.IMPLEMENTING,), (R.DONE,),
                       permission="deliberation.carry_out"),
            Transition("reopen", _("Reopen"), (R.DONE,), (R.IMPLEMENTING,), permission="deliberation.supervise"),
            Transition("sign_off", _("Sign off"), (R.DONE,), (SAME,), permission="deliberation.supervise"),
        ),
    ),
    Resolution,
)

X = RectificationState
RECTIFICATION_WORKFLOW = bind(
    Workflow(
        "deliberation.rectification",
        (
            Transition("respond", _("Report it rectified"), (X.OPEN,), (X.DONE,), permission="deliberation.rectify"),
            Transition("accept", _("Accept"), (X.DONE,), (X.CLOSED,), permission="deliberation.supervise"),
            Transition("reject", _("Not yet rectified"), (X.DONE,), (X.OPEN,), permission="deliberation.supervise"),
        ),
    ),
    Rectification,
)
