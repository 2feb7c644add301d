"""What a meeting does on a case (a coordination meeting called on it, a body that studied it):
its decisions land on the case's timeline. Called by the meetings app (which sits above cases and
may import it); cases never imports meetings."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput

from ..models import Case, CaseEvent
from .events import audit_case, event, lock


@transaction.atomic
def case_note_meeting_decision(*, actor: Actor, case: Case, note: str, params: dict) -> CaseEvent:
    """A decision a meeting took on `case`, written on its timeline as a public note (the requester
    sees what was decided, by whom and by when).

    The caller (the meetings decision service) has already asked its own gate: the actor records
    decisions at a meeting held on this case. Here the case must be visible to the actor (NotFound
    otherwise); the state does not matter — a meeting may decide on a case already closed."""
    case = lock(actor, case)
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("This field is required."), fields={"note": [_("This field is required.")]})
    written = event(case, actor, "note", from_state=case.state, note=note, params=params)
    audit_case(actor, case, "note", {}, {"event": written.pk, **params})
    return written
