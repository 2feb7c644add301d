"""Retention (PIPL) for volunteers: when the registry anonymises a person past retention, the
volunteer registered from that person goes with them — name, phone and ID number (with their
hashes and masked copies), languages and availability are cleared, the name is no longer
published, and the points account carries the anonymised name. The number, teams, hours, points
and certificates' counts stay (statistics and the service record's totals). The privacy app calls
this in its retention run; one audit event per batch names the ids, never the values."""

from __future__ import annotations

from django.db import transaction

from gongzhi.core import audit
from gongzhi.core.actors import Actor
from gongzhi.points.models import Account, Programme
from gongzhi.residents.retention import ANONYMISED_NAME

from .models import Volunteer

VOLUNTEER_ACTION = "privacy.retention.volunteers"


@transaction.atomic
def anonymise_volunteers_of(*, actor: Actor, person_ids: list[int]) -> list[int]:
    """Anonymise the volunteers registered from these people (already anonymised ones are skipped)."""
    if not person_ids:
        return []
    ids = list(
        Volunteer.objects.select_for_update().filter(person_id__in=person_ids).exclude(name=ANONYMISED_NAME)
        .order_by("pk").values_list("pk", flat=True)
    )
    if not ids:
        return []
    for volunteer in Volunteer.objects.filter(pk__in=ids):
        volunteer.name = ANONYMISED_NAME
        volunteer.phone = volunteer.phone_hash = volunteer.phone_masked = ""
        volunteer.id_number = volunteer.id_number_hash = volunteer.id_number_masked = ""
        volunteer.languages = ""
        volunteer.availability = []
        volunteer.publish_name = False
        volunteer.save(update_fields=["name", "phone", "phone_hash", "phone_masked", "id_number", "id_number_hash",
                                      "id_number_masked", "languages", "availability", "publish_name"])
    Account.objects.filter(programme=Programme.VOLUNTEERS, holder_type__model="volunteer",
                           holder_type__app_label="volunteers", holder_id__in=ids).update(name=ANONYMISED_NAME)
    audit.record(actor=actor, action=VOLUNTEER_ACTION, after={"count": len(ids), "ids": ids},
                 note="registered from people anonymised past retention")
    return ids
