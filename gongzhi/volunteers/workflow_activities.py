"""The states of an activity and of a sign-up, declared once (run by `gongzhi.core.workflow`).

    activity:  draft ─publish─▶ published ─finish─▶ finished
               draft/published ─cancel─▶ cancelled (with the reason; sign-ups told)
               draft/published ─update─▶ (same)

    sign-up:   signed_up/waitlisted ─cancel─▶ cancelled      (the volunteer)
               waitlisted ─promote─▶ signed_up                (a place came free)
               signed_up/waitlisted ─check_in─▶ checked_in    (the code, or the organiser)
               checked_in ─check_out─▶ done                   (minutes counted, points earned)
               signed_up ─no_show─▶ no_show                   (after the end)
               checked_in/done ─evaluate─▶ (same)

Signing up is not a transition: it creates the row, under a lock on the activity so the places are
counted once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import Activity, ActivityState, Signup, SignupState

A = ActivityState
S = SignupState
RUN = "volunteers.run_activity"
TAKE_PART = "volunteers.take_part"

ACTIVITY_WORKFLOW = bind(
    Workflow(
        "volunteers.activity",
        (
            Transition("publish", _("Publish for sign-up"), (A.DRAFT,), (A.PUBLISHED,), permission=RUN),
            Transition("update", _("Change the activity"), (A.DRAFT, A.PUBLISHED), (SAME,), permission=RUN),
            Transition("finish", _("Finish the activity"), (A.PUBLISHED,), (A.FINISHED,), permission=RUN),
            Transition("cancel", _("Cancel the activity"), (A.DRAFT, A.PUBLISHED), (A.CANCELLED,), permission=RUN),
        ),
    ),
    Activity,
)

SIGNUP_WORKFLOW = bind(
    Workflow(
        "volunteers.signup",
        (
            Transition("cancel", _("Cancel my sign-up"), (S.SIGNED_UP, S.WAITLISTED), (S.CANCELLED,), permission=TAKE_PART),
            Transition("promote", _("Move up from the waiting list"), (S.WAITLISTED,), (S.SIGNED_UP,), permission=TAKE_PART),
            Transition("check_in", _("Check in"), (S.SIGNED_UP, S.WAITLISTED), (S.CHECKED_IN,), permission=TAKE_PART),
            Transition("check_out", _("Check out"), (S.CHECKED_IN,), (S.DONE,), permission=TAKE_PART),
            Transition("no_show", _("Mark as not come"), (S.SIGNED_UP,), (S.NO_SHOW,), permission=RUN),
            Transition("evaluate", _("Evaluate"), (S.CHECKED_IN, S.DONE), (SAME,), permission=RUN),
        ),
    ),
    Signup,
)
