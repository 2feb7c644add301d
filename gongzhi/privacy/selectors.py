"""The privacy app's reads: a person's data for their export, the log of reveals and exports of
it, and where the person stands against the retention periods. Scoped like everything else."""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from gongzhi.care.selectors.privacy import care_rows_of
from gongzhi.cases.models import Case
from gongzhi.core import components
from gongzhi.core.models import AuditEvent
from gongzhi.residents.models import Person, PersonStatus, Visit
from gongzhi.volunteers.selectors.privacy import volunteer_rows_of

LOGGED_ACTIONS = ("residents.person.reveal", "privacy.person.export")


def person_get(*, user, pk: int) -> Person:
    """The person, if in the user's scope (NotFound otherwise: outside looks absent)."""
    return Person.objects.select_related("household").visible_or_404(user, pk=pk)


def access_log(*, person: Person):
    """Audit events of reveals and exports of the person's data, newest first."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk), action__in=LOGGED_ACTIONS,
    ).order_by("-created_at", "-id")


def person_cases(*, user, person: Person):
    """Cases the person filed by phone (the caller's phone is theirs), in the user's scope."""
    if not person.phone_hash:
        return Case.objects.none()
    return Case.objects.visible_to(user).filter(caller_phone_index=person.phone_hash).select_related("category") \
        .order_by("created_at")


def human_period(days: int) -> str:
    """A retention period in the units people use: "3 years", "18 months", or days."""
    if days and days % 365 == 0:
        n = days // 365
        return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}
    if days and days % 30 == 0:
        n = days // 30
        return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def retention_periods() -> dict[str, str]:
    """Each retention rule's period in human units, as the settings have them now."""
    return {key: human_period(int(components.setting(name))) for key, name in (
        ("people", "PRIVACY_PERSON_DAYS"), ("visits", "PRIVACY_VISIT_NOTES_DAYS"),
        ("cases", "PRIVACY_CASE_REQUESTER_DAYS"))}


def retention_status(*, person: Person) -> dict:
    """When the person's record is due for anonymisation (None while they live here)."""
    days = components.setting("PRIVACY_PERSON_DAYS")
    left = person.moved_out_on if person.status == PersonStatus.MOVED_OUT else (
        person.died_on if person.status == PersonStatus.DECEASED else None)
    due = left + datetime.timedelta(days=days) if left else None
    return {"days": days, "period": human_period(days), "periods": retention_periods(), "left_on": left, "due_on": due,
            "past": bool(due and due <= timezone.localdate())}


def person_data(*, user, person: Person) -> dict[str, dict]:
    """Sheet title → {"headers", "rows"}: everything the registry holds about the person."""
    household = person.household
    details = [
        (pgettext("person", "Name"), person.name), (_("Gender"), person.get_gender_display()), (_("Date of birth"), person.birth_date),
        (_("ID number"), person.id_number), (_("Phone"), person.phone),
        (_("Residence type"), person.get_residence_type_display()), (_("Relation to head"), person.get_relation_display()),
        (_("Occupation"), person.occupation), (_("Employer"), person.employer),
        (_("Status"), person.get_status_display()), (_("Moved in"), person.moved_in_on),
        (_("Moved out"), person.moved_out_on), (_("Date of death"), person.died_on), (_("Notes"), person.notes),
        (_("Household"), household.full_name), (_("Registered"), person.created_at),
    ]
    moves = [[m.get_kind_display(), m.date, m.from_household.full_name if m.from_household else "",
              m.to_household.full_name if m.to_household else "", m.place, m.note]
             for m in person.moves.select_related("from_household", "to_household").order_by("date", "id")]
    tags = [[t.get_kind_display(), t.start_on, t.end_on, t.note] for t in person.tags.order_by("start_on", "id")]
    visits = [[v.visited_at, v.household.full_name, str(v.visitor), v.findings]
              for v in Visit.objects.visible_to(user).filter(people_met=person)
              .select_related("household", "visitor").order_by("visited_at")]
    cases = [[c.reference, c.created_at, str(c.category), c.title, c.get_state_display(), c.closed_at]
             for c in person_cases(user=user, person=person)]
    log = [[e.created_at, e.actor_label, e.action, ", ".join((e.after or {}).get("fields", []) or []), e.note]
           for e in access_log(person=person)]
    volunteering = volunteer_rows_of(person=person)
    care = care_rows_of(person=person)
    return {
        _("Person"): {"headers": [_("Field"), pgettext("field", "Value")], "rows": [[k, v] for k, v in details]},
        _("Moves"): {"headers": [_("Kind"), _("Date"), pgettext("move", "From"), pgettext("move", "To"), _("Outside place"), _("Note")], "rows": moves},
        _("Tags"): {"headers": [_("Tag"), _("From"), _("Until"), _("Note")], "rows": tags},
        _("Visits"): {"headers": [_("Time"), _("Household"), _("Visitor"), _("What was found")], "rows": visits},
        _("Cases"): {"headers": [_("Reference"), _("Filed"), _("Matter"), _("Title"), _("State"), _("Closed")],
                     "rows": cases},
        _("Reveal log"): {"headers": [_("Time"), _("Who"), pgettext("record", "Action"), _("Fields"), _("Why")], "rows": log},
        **({_("Volunteer service"): {"headers": [pgettext("volunteer record", "What"), _("Time"), _("Detail"),
                                                 _("Minutes or points")], "rows": volunteering}} if volunteering else {}),
        **({pgettext("privacy sheet", "Care"): {"headers": [pgettext("volunteer record", "What"), _("Time"), _("Detail")],
                                                "rows": care}} if care else {}),
    }
