"""The states of an accountability record (run by `gongzhi.core.workflow`).

    record: open ─acknowledge─▶ acknowledged ─close─▶ closed; open ─close─▶ closed;
            a note keeps the state (open or acknowledged)
"""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

from gongzhi.core.workflow import SAME, Transition, Workflow, bind

from .models import AccountabilityRecord, RecordState

S = RecordState

RECORD_WORKFLOW = bind(
    Workflow(
        "duties.record",
        (
            Transition("acknowledge", pgettext_lazy("accountability record", "Acknowledge"), (S.OPEN,),
                       (S.ACKNOWLEDGED,), permission="duties.acknowledge"),
            Transition("note", pgettext_lazy("accountability record", "Add a note"), (S.OPEN, S.ACKNOWLEDGED),
                       (SAME,), permission="duties.note"),
            Transition("close", pgettext_lazy("accountability record", "Close"), (S.OPEN, S.ACKNOWLEDGED),
                       (S.CLOSED,), permission="duties.close"),
        ),
    ),
    AccountabilityRecord,
)
