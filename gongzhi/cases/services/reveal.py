"""Audited reveals of what the case pipeline shows masked: the numbers typed into a case's text."""

from __future__ import annotations

from django.db import transaction

from gongzhi.core import audit, pii
from gongzhi.core import permissions as core_permissions
from gongzhi.core.actors import Actor

from ..models import Case


@transaction.atomic
def case_reveal_text(*, actor: Actor, case: Case, reason: str = "") -> Case:
    """Let `actor` read the case's text as typed, once: asks the gate (a handler of the case) and
    records who and why (never the text). Raises Forbidden."""
    core_permissions.require(actor, "cases.reveal_text_numbers", case)
    audit.record(actor=actor, action="cases.case.reveal_text", obj=case,
                 after={"fields": ["title", "description", "notes"]}, note=pii.redact(reason)[:500])
    return case
