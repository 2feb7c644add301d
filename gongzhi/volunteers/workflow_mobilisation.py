"""The states of a whistle (吹哨), declared once (run by `gongzhi.core.workflow`).

    open ─close─▶ closed            (answers and arrivals are taken only while open)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Mobilisation, MobilisationState

MOBILISATION_WORKFLOW = bind(
    Workflow(
        "volunteers.mobilisation",
        (
            Transition("close", _("Close the call"), (MobilisationState.OPEN,), (MobilisationState.CLOSED,),
                       permission="volunteers.mobilise"),
        ),
    ),
    Mobilisation,
)
