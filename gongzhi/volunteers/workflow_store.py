"""The states of a redemption order in the points store (run by `gongzhi.core.workflow`).

    placed ─pick_up─▶ picked_up   (staff at the service centre, with the volunteer's code)
    placed ─cancel──▶ cancelled   (the volunteer or staff; points and stock come back)
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gongzhi.core.workflow import Transition, Workflow, bind

from .models import Order, OrderState

S = OrderState

ORDER_WORKFLOW = bind(
    Workflow(
        "volunteers.order",
        (
            Transition("pick_up", _("Hand over"), (S.PLACED,), (S.PICKED_UP,), permission="volunteers.keep_store"),
            Transition("cancel", _("Cancel the redemption"), (S.PLACED,), (S.CANCELLED,), permission="volunteers.redeem"),
        ),
    ),
    Order,
)
