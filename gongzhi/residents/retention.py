"""Retention (PIPL): the anonymising writes of the residents app. The privacy app decides when
(its settings and periodic job); these functions do the writes, each batch in one transaction and
one audit event naming the ids (never the values). Statistical value stays: households, status,
gender, birth year, dates, moves, tags and visits are kept; what names or reaches a person goes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from gongzhi.core import audit
from gongzhi.core.actors import Actor

from .models import Person, PersonStatus, Visit

ANONYMISED_NAME = "已匿名"
CLEARED_FINDINGS = "（已过保存期限，记录内容已清除）"
PERSON_ACTION = "privacy.retention.people"
VISIT_ACTION = "privacy.retention.visits"


def people_past_retention(*, left_before: datetime.date):
    """People who moved out or died before `left_before` and are not anonymised yet."""
    left = Q(status=PersonStatus.MOVED_OUT, moved_out_on__lt=left_before) | Q(
        status=PersonStatus.DECEASED, died_on__lt=left_before
    )
    return Person.objects.filter(left).exclude(name=ANONYMISED_NAME).order_by("pk")


def visits_past_retention(*, visited_before: datetime.datetime):
    """Visits older than `visited_before` whose notes are still there."""
    return (
        Visit.objects.filter(visited_at__lt=visited_before)
        .exclude(findings="")
        .exclude(findings=CLEARED_FINDINGS)
        .order_by("pk")
    )


@transaction.atomic
def anonymise_people(*, actor: Actor, left_before: datetime.date, limit: int) -> list[int]:
    """Anonymise up to `limit` people past retention: the encrypted ID number and phone, their
    hashes and masked copies, pinyin, occupation, employer and notes are cleared, the name becomes
    "已匿名" and the birth date keeps only its year (1 January). One audit event for the batch."""
    ids = list(people_past_retention(left_before=left_before).select_for_update().values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    for person in Person.objects.filter(pk__in=ids):
        person.name = ANONYMISED_NAME
        person.name_initials = ""
        person.name_pinyin = ""
        person.id_number = person.id_number_hash = person.id_number_masked = ""
        person.phone = person.phone_hash = person.phone_masked = ""
        person.occupation = ""
        person.employer = ""
        person.notes = ""
        if person.birth_date:
            person.birth_date = person.birth_date.replace(month=1, day=1)
        person.save(update_fields=["name", "name_initials", "name_pinyin", "id_number", "id_number_hash",
                                   "id_number_masked", "phone", "phone_hash", "phone_masked", "occupation",
                                   "employer", "notes", "birth_date"])
    audit.record(actor=actor, action=PERSON_ACTION, after={"count": len(ids), "ids": ids},
                 note=f"moved out or died before {left_before.isoformat()}")
    return ids


@transaction.atomic
def clear_visit_notes(*, actor: Actor, visited_before: datetime.datetime, limit: int) -> list[int]:
    """Clear the notes (findings, others met) of up to `limit` visits past retention; the visit
    itself (household, visitor, time, people met, follow-up flag) stays. One audit event."""
    ids = list(visits_past_retention(visited_before=visited_before).select_for_update()
               .values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    Visit.objects.filter(pk__in=ids).update(findings=CLEARED_FINDINGS, others_met="")
    audit.record(actor=actor, action=VISIT_ACTION, after={"count": len(ids), "ids": ids},
                 note=f"visited before {visited_before.isoformat()}")
    return ids
