"""Audited reveals of what the case pipeline shows masked: the numbers typed into a case's text,
and the requester's phone for the handler who must call them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import audit, pii
from gongzhi.core import permissions as core_permissions
from gongzhi.core.actors import Actor
from gongzhi.core.errors import Forbidden

from .. import selectors
from ..models import Case


@transaction.atomic
def case_reveal_text(*, actor: Actor, case: Case, reason: str = "") -> Case:
    """Let `actor` read the case's text as typed, once: asks the gate (a handler of the case) and
    records who and why (never the text). Raises Forbidden."""
    core_permissions.require(actor, "cases.reveal_text_numbers", case)
    audit.record(actor=actor, action="cases.case.reveal_text", obj=case,
                 after={"fields": ["title", "description", "notes"]}, note=pii.redact(reason)[:500])
    return case


@transaction.atomic
def case_reveal_contact(*, actor: Actor, case: Case, reason: str = "") -> str:
    """The requester's phone, in full, for a handler of the case (the gate's
    "cases.reveal_requester_contact"), recorded as "cases.case.reveal_contact" with who and why
    (never the number). Refused when the requester asked to stay anonymous to handlers."""
    core_permissions.require(actor, "cases.reveal_requester_contact", case)
    if case.anonymous and not core_permissions.can(actor, "cases.reveal_anonymous", case):
        raise Forbidden(_("The requester asked to stay anonymous to handlers; answer through the case."))
    audit.record(actor=actor, action="cases.case.reveal_contact", obj=case, after={"fields": ["phone"]},
                 note=pii.redact(reason)[:500])
    return selectors.requester_phone(case)
