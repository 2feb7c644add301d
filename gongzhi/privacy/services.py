"""The privacy app's writes: the retention run (through the anonymising services of residents
and cases) and a person's data exported on their request."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.cases import retention as case_retention
from gongzhi.core import audit, components, xlsx
from gongzhi.core.actors import Actor
from gongzhi.core.permissions import require
from gongzhi.residents import retention as resident_retention
from gongzhi.residents.models import Person
from gongzhi.volunteers import retention as volunteer_retention

from . import selectors

KINDS = ("people", "visits", "cases")


def cutoffs(*, now: datetime.datetime | None = None) -> dict[str, datetime.datetime]:
    """For each kind of record, the moment before which it is past retention."""
    now = now or timezone.now()
    return {
        "people": now - datetime.timedelta(days=components.setting("PRIVACY_PERSON_DAYS")),
        "visits": now - datetime.timedelta(days=components.setting("PRIVACY_VISIT_NOTES_DAYS")),
        "cases": now - datetime.timedelta(days=components.setting("PRIVACY_CASE_REQUESTER_DAYS")),
    }


def pending(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """How many records of each kind are past retention now (what a run would anonymise)."""
    cut = cutoffs(now=now)
    return {
        "people": resident_retention.people_past_retention(left_before=timezone.localdate(cut["people"])).count(),
        "visits": resident_retention.visits_past_retention(visited_before=cut["visits"]).count(),
        "cases": case_retention.cases_past_retention(closed_before=cut["cases"]).count(),
    }


def run_retention(*, actor: Actor, now: datetime.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Anonymise everything past retention, in batches (each its own transaction and audit event),
    and record one audit event for the run with the counts. `dry_run` counts and changes nothing."""
    if dry_run:
        return pending(now=now)
    cut = cutoffs(now=now)
    size = int(components.setting("PRIVACY_BATCH_SIZE"))
    def people_and_their_volunteer_records() -> list[int]:
        ids = resident_retention.anonymise_people(actor=actor, left_before=timezone.localdate(cut["people"]), limit=size)
        volunteer_retention.anonymise_volunteers_of(actor=actor, person_ids=ids)
        return ids

    steps = {
        "people": people_and_their_volunteer_records,
        "visits": lambda: resident_retention.clear_visit_notes(actor=actor, visited_before=cut["visits"], limit=size),
        "cases": lambda: case_retention.anonymise_closed_cases(actor=actor, closed_before=cut["cases"], limit=size),
    }
    counts = dict.fromkeys(KINDS, 0)
    for kind, step in steps.items():
        while True:
            done = step()
            counts[kind] += len(done)
            if len(done) < size:
                break
    audit.record(actor=actor, action="privacy.retention.run", after=counts,
                 note="; ".join(f"{k} before {v.date().isoformat()}" for k, v in cut.items()))
    return counts


def _sheet(book: xlsx.Book, title: str, headers: list[str], rows: list[list], *, person: Person) -> None:
    def column(index: int, header: str) -> xlsx.Column:
        values = [row[index] for row in rows if index < len(row)]
        if values and all(isinstance(v, datetime.datetime) or v is None for v in values):
            return xlsx.Column(header, 17, xlsx.DATETIME)
        if values and all(isinstance(v, datetime.date) or v is None for v in values):
            return xlsx.Column(header, 12, xlsx.DATE)
        longest = max([len(str(header))] + [len(str(v)) for v in values if v is not None])
        return xlsx.Column(header, min(max(8, longest * 1.6 + 2), 60))

    book.table(title, title=f"{title}：{person.name}", scope=_household_label(person),
               period=_("As of %(date)s") % {"date": timezone.localdate().isoformat()},
               columns=[column(i, h) for i, h in enumerate(headers)], rows=rows)


def _household_label(person: Person) -> str:
    household = getattr(person, "household", None)
    return household.full_name.replace(" / ", " ") if household is not None else ""


@transaction.atomic
def person_export(*, actor: Actor, person: Person, reason: str = "") -> bytes:
    """One .xlsx with what the registry holds about `person` (unmasked: it is for the person
    themself), and the log of reveals and exports of their data. The export is an audit event."""
    require(actor, "privacy.export_person", person)
    data = selectors.person_data(user=actor, person=person)
    book = xlsx.Book()
    for title, table in data.items():
        _sheet(book, title, table["headers"], table["rows"], person=person)
    audit.record(actor=actor, action="privacy.person.export", obj=person, after={"sheets": list(data)},
                 note=reason[:500])
    return book.to_bytes()
