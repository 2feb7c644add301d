"""Printing the household contact cards (民情联系卡) of a grid, a building or a list of households:
the PDF, a ContactCard recorded per household printed (the earlier card stops being current) and
one audit event. The cards carry the grid worker's and the paired member's phones in full: a print
is a reveal of those numbers to the households, and the audit event says so."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.core.errors import InvalidInput
from gongzhi.core.permissions import require

from ..cards_pdf import cards_pdf
from ..models import CommunityPhone, ContactCard
from ..selectors.cards import BATCH_KINDS, contacts_of, households_under


@transaction.atomic
def cards_print(*, actor: Actor, areas: list[AreaNode], form_url: Callable[[int], str],
                only_outdated: bool = False) -> tuple[bytes, int]:
    """The PDF of the cards of the households under `areas` (grids, buildings or households the
    caller found in the actor's scope) and how many cards it holds; `only_outdated` leaves out the
    households whose current card still says what it would say today."""
    if not areas:
        message = _("Choose a grid, a building or households.")
        raise InvalidInput(message, fields={"area": [message]})
    for area in areas:
        if area.kind not in BATCH_KINDS:
            message = _("Cards are printed for a grid, a building or households.")
            raise InvalidInput(message, fields={"area": [message]})
        require(actor, "cobuilding.print_cards", area)
    rows = contacts_of(households_under(areas))
    if only_outdated:
        rows = [r for r in rows if r.status != "current"]
    content = cards_pdf(rows=rows, form_url=form_url)
    households = [r.household.pk for r in rows]
    ContactCard.objects.select_for_update().filter(household_id__in=households, is_current=True).update(is_current=False)
    printer = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    ContactCard.objects.bulk_create([
        ContactCard(household=r.household, grid_worker_id=r.grid_worker_id, member_id=r.member_id, digest=r.digest,
                    printed_by=printer)
        for r in rows
    ], batch_size=500)
    revealed = sorted({f"grid_worker:{r.grid_worker_id}" for r in rows if r.grid_worker_id}
                      | {f"party_member:{r.member_id}" for r in rows if r.member_id})
    audit.record(
        actor=actor, action="cobuilding.card.print", obj=areas[0],
        after={"areas": [a.pk for a in areas], "cards": len(rows), "only_outdated": only_outdated,
               "revealed_phones": revealed,
               "reveal": "full phones of the grid workers and paired members printed on the households' cards"},
    )
    return content, len(rows)




PHONE_MAX = 30  # the longest service number a card prints (an extension included)


@transaction.atomic
def community_phone_set(*, actor: Actor, community: AreaNode, phone: str) -> CommunityPhone | None:
    """Set (or clear, with an empty number) the community's service phone printed on its cards."""
    require(actor, "cobuilding.keep_registrations", community)
    if community.kind != "community":
        message = _("Choose a community.")
        raise InvalidInput(message, fields={"community": [message]})
    phone = " ".join((phone or "").split())
    if phone and (len(phone) > PHONE_MAX or len([c for c in phone if c.isdigit()]) < 5
                  or not all(c.isdigit() or c in "+- " for c in phone)):
        message = _("A phone number holds digits, spaces, “+” and “-” only.")
        raise InvalidInput(message, fields={"phone": [message]})
    current = CommunityPhone.objects.select_for_update().filter(community=community).first()
    before = {"phone": current.phone_masked} if current else {}
    if not phone:
        if current is not None:
            current.delete()
            audit.record(actor=actor, action="cobuilding.community_phone.set", obj=community, before=before,
                         after={"phone": ""})
        return None
    row = current or CommunityPhone(community=community)
    row.phone = phone
    row.updated_by = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None
    row.save()
    audit.record(actor=actor, action="cobuilding.community_phone.set", obj=community, before=before,
                 after={"phone": row.phone_masked})
    return row
