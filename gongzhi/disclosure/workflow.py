"""The states of an item and of a rectification, declared once (run by `gongzhi.core.workflow`).

    item:          planned ─compose─▶ draft ─publish─▶ published ─correct─▶ superseded
                   (a correction is a NEW row, itself published; the old row only changes state)
                   planned/draft ─edit─▶ (same)
    rectification: open ─report─▶ reported ─accept─▶ closed;  reported ─reject─▶ open
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import Item, ItemState, Rectification, RectificationState

S = ItemState
ITEM_WORKFLOW = bind(
    Workflow(
        "disclosure.item",
        (
            Transition("compose", _("Write the content"), (S.PLANNED,), (S.DRAFT,), permission="disclosure.compose"),
            Transition("edit", _("Edit"), (S.PLANNED, S.DRAFT), (SAME,), permission="disclosure.compose"),
            Transition("publish", _("Publish"), (S.DRAFT,), (S.PUBLISHED,), permission="disclosure.publish"),
            Transition("correct", _("Correct (new version)"), (S.PUBLISHED,), (S.SUPERSEDED,),
                       permission="disclosure.publish"),
        ),
    ),
    Item,
)

R = RectificationState
RECTIFICATION_WORKFLOW = bind(
    Workflow(
        "disclosure.rectification",
        (
            Transition("report", _("Report it done"), (R.OPEN,), (R.REPORTED,), permission="disclosure.report_rectification"),
            Transition("accept", _("Accept and close"), (R.REPORTED,), (R.CLOSED,), permission="disclosure.supervise"),
            Transition("reject", _("Send back"), (R.REPORTED,), (R.OPEN,), permission="disclosure.supervise"),
        ),
    ),
    Rectification,
)
