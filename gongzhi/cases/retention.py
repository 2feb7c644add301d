"""Retention (PIPL): the anonymising writes of the cases app. The privacy app decides when (its
settings and periodic job); this does the write, each batch in one transaction and one audit event
naming the ids. What a case is about (matter, place, dates, states, deadlines, departments,
ratings) stays for the figures; who asked (the caller's name and phone, the requester's account)
goes, and so do the parties to a dispute (their names, phones and households; numbers typed into
the mediation agreement are masked)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from gongzhi.core import audit, pii
from gongzhi.core.actors import Actor

from .models import Case, Dispute, DisputeParty

ACTION = "privacy.retention.cases"


def _named_parties():
    """The parties to the case's dispute that still name someone."""
    return DisputeParty.objects.filter(dispute__case=OuterRef("pk")).filter(
        ~Q(name="") | ~Q(phone="") | Q(household__isnull=False))


def cases_past_retention(*, closed_before: datetime.datetime):
    """Cases closed before `closed_before` that still name who asked, or a party to their dispute."""
    return (
        Case.objects.filter(closed_at__lt=closed_before)
        .filter(Q(requester__isnull=False) | ~Q(caller_name="") | ~Q(caller_phone_index="")
                | Exists(_named_parties()))
        .order_by("pk")
    )


@transaction.atomic
def anonymise_closed_cases(*, actor: Actor, closed_before: datetime.datetime, limit: int) -> list[int]:
    """Clear the requester, caller's name and phone (and its index) of up to `limit` cases closed
    before `closed_before`, and the names, phones and households of the parties to their disputes.
    One audit event for the batch (ids and counts, never values)."""
    ids = list(cases_past_retention(closed_before=closed_before).select_for_update()
               .values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    for case in Case.objects.filter(pk__in=ids):
        case.requester = None
        case.caller_name = ""
        case.caller_phone = ""
        case.caller_phone_index = ""
        case.save(update_fields=["requester", "caller_name", "caller_phone", "caller_phone_index"])
    parties = DisputeParty.objects.filter(dispute__case_id__in=ids).update(name="", phone="", household=None)
    for dispute in Dispute.objects.filter(case_id__in=ids).exclude(agreement=""):
        masked = pii.redact(dispute.agreement)
        if masked != dispute.agreement:
            dispute.agreement = masked
            dispute.save(update_fields=["agreement"])
    audit.record(actor=actor, action=ACTION, after={"count": len(ids), "ids": ids, "dispute_parties": parties},
                 note=f"closed before {closed_before.isoformat()}")
    return ids
