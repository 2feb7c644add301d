"""The monthly sample of a street (抽查): drawn from the month's door visits by the street's grid
workers and the cases they handled that were resolved in the month, at random with a weight for
risk — a case rated "not satisfied", a reopened case, a visit with no photo weigh more (the weights
are settings). The seed of the random draw is kept on the sample, so anyone can draw it again from
the same records and get the same items (`draw`). The items go to the street's active inspectors in
turn.

A street's month is drawn once: by its staff (a button, the API), or on the 1st of the month for the
month before by the periodic job (`draw_due`, every street with active inspectors and no sample
yet; it catches up the next day if the worker was stopped).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import addresses
from gongzhi.cases.models import Case, Rating, State
from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_label, actor_user
from gongzhi.core.components import setting
from gongzhi.core.errors import Conflict
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import role_q
from gongzhi.core.pii import redact
from gongzhi.residents.models import Visit

from ..models import Inspector, ItemKind, Risk, Sample, SampleItem
from ..permissions import SAMPLED_ROLES
from .inputs import field_error, month_bounds, month_value, previous_month
from .inspectors import street_for

TEXT_MAX = 500


@dataclass
class Candidate:
    """One record the sample may draw."""

    kind: str
    pk: int
    worker_id: int
    happened_at: dt.datetime
    risks: list[str] = field(default_factory=list)
    weight: int = 1
    summary: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.pk)


def weights() -> dict[str, int]:
    """The weights in force: a record's weight is the base plus the weight of each of its risks."""
    return {
        "base": int(setting("INSPECTIONS_WEIGHT_BASE")),
        Risk.UNSATISFIED: int(setting("INSPECTIONS_WEIGHT_UNSATISFIED")),
        Risk.REOPENED: int(setting("INSPECTIONS_WEIGHT_REOPENED")),
        Risk.NO_PHOTO: int(setting("INSPECTIONS_WEIGHT_NO_PHOTO")),
    }


def weigh(risks: Sequence[str], table: dict[str, int]) -> int:
    return max(1, table["base"] + sum(table.get(r, 0) for r in risks))


def _text(value: str) -> str:
    value = redact((value or "").strip())
    return value[:TEXT_MAX] + ("…" if len(value) > TEXT_MAX else "")


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def candidates(street: AreaNode, month: dt.date, table: dict[str, int] | None = None) -> list[Candidate]:
    """The street's records of the month the sample draws from, in a fixed order (kind, id)."""
    table = table or weights()
    start, end = month_bounds(month)
    found: list[Candidate] = []
    visits = list(
        Visit.objects.filter(household__path__startswith=street.path, visited_at__gte=start, visited_at__lt=end,
                             visitor__is_active=True).filter(role_q(SAMPLED_ROLES, field="visitor__role"))
        .select_related("household", "visitor").annotate(photo_count=Count("photos", distinct=True),
                                                          met=Count("people_met", distinct=True))
        .order_by("pk"))
    cases = list(
        Case.objects.filter(Q(location_path__startswith=street.path) | Q(area_path__startswith=street.path),
                            resolved_at__gte=start, resolved_at__lt=end, assignee__is_active=True)
        .filter(role_q(SAMPLED_ROLES, field="assignee__role"))
        .exclude(state__in=(State.REJECTED, State.MERGED))
        .select_related("category", "location", "assignee").order_by("pk"))
    names = addresses([v.household for v in visits] + [c.location for c in cases if c.location_id], short=False)
    for v in visits:
        risks = [] if v.photo_count else [Risk.NO_PHOTO.value]
        found.append(Candidate(
            kind=ItemKind.VISIT, pk=v.pk, worker_id=v.visitor_id, happened_at=v.visited_at, risks=risks,
            weight=weigh(risks, table),
            summary={"worker": str(v.visitor), "address": names.get(v.household_id) or v.household.name,
                     "when": _local(v.visited_at), "findings": _text(v.findings), "people_met": v.met,
                     "others_met": _text(v.others_met)[:100], "follow_up": v.follow_up_needed,
                     "request": v.case_ref, "photos": v.photo_count}))
    for c in cases:
        risks = []
        if c.rating == Rating.UNSATISFIED:
            risks.append(Risk.UNSATISFIED.value)
        if c.reopened:
            risks.append(Risk.REOPENED.value)
        found.append(Candidate(
            kind=ItemKind.CASE, pk=c.pk, worker_id=c.assignee_id, happened_at=c.resolved_at, risks=risks,
            weight=weigh(risks, table),
            summary={"worker": str(c.assignee), "reference": c.reference, "title": _text(c.title)[:200],
                     "category": c.category.name, "address": names.get(c.location_id, "") if c.location_id else "",
                     "when": _local(c.resolved_at), "closed": _local(c.closed_at), "state": str(c.get_state_display()),
                     "result": str(c.get_result_display()) if c.result else "", "feedback": _text(c.feedback),
                     "rating": str(c.get_rating_display()) if c.rating else "",
                     "rating_comment": _text(c.rating_comment), "reopened": c.reopened}))
    found.sort(key=lambda x: x.key)
    return found


def draw(pool: Sequence[Candidate], *, seed: int, size: int) -> list[Candidate]:
    """A weighted random draw without replacement (Efraimidis–Spirakis: each record's key is
    u^(1/weight), the largest keys win), from the records in their fixed order and the seed: the
    same seed and records give the same items in the same order."""
    rng = random.Random(seed)
    keyed = [(rng.random() ** (1.0 / max(1, c.weight)), index) for index, c in enumerate(pool)]
    keyed.sort(key=lambda pair: (-pair[0], pair[1]))
    return [pool[index] for _key, index in keyed[: max(0, size)]]


def _size(size) -> int:
    if size in (None, ""):
        return int(setting("INSPECTIONS_SAMPLE_SIZE"))
    try:
        value = int(size)
    except (TypeError, ValueError):
        raise field_error("size", _("Enter a number of records from 1 to %(n)d.")
                          % {"n": setting("INSPECTIONS_SAMPLE_MAX")}) from None
    if not 1 <= value <= int(setting("INSPECTIONS_SAMPLE_MAX")):
        raise field_error("size", _("Enter a number of records from 1 to %(n)d.")
                          % {"n": setting("INSPECTIONS_SAMPLE_MAX")})
    return value


@transaction.atomic
def sample_draw(*, actor: Actor, street, month, size=None, seed: int | None = None) -> Sample:
    """Draw the street's sample of `month` (a past month) and assign its items to the street's
    active inspectors in turn."""
    node = street_for(actor, street, action="inspections.draw")
    month = month_value(month)
    if month >= timezone.localdate().replace(day=1):
        raise field_error("month", _("Only a month that is over can be sampled."))
    size = _size(size)
    AreaNode.objects.select_for_update().filter(pk=node.pk).first()
    if Sample.objects.filter(street=node, month=month).exists():
        raise Conflict(_("The sample of %(street)s for %(month)s is already drawn.")
                       % {"street": node.name, "month": f"{month:%Y-%m}"}, code="already_drawn")
    inspectors = list(Inspector.objects.filter(street=node, active=True).select_related("user").order_by("pk"))
    if not inspectors:
        raise field_error("street", _("The street has no active inspector: add one first."))
    table = weights()
    seed = secrets.randbelow(2**31) if seed is None else int(seed) % (2**63)
    pool = candidates(node, month, table)
    chosen = draw(pool, seed=seed, size=size)
    try:
        with transaction.atomic():
            sample = Sample.objects.create(street=node, month=month, seed=seed, size=size, candidates=len(pool),
                                           weights={str(k): v for k, v in table.items()}, drawn_by=actor_user(actor),
                                           drawn_by_label=actor_label(actor)[:150])
    except IntegrityError:
        raise Conflict(_("The sample of %(street)s for %(month)s is already drawn.")
                       % {"street": node.name, "month": f"{month:%Y-%m}"}, code="already_drawn") from None
    SampleItem.objects.bulk_create([
        SampleItem(sample=sample, position=index + 1, kind=c.kind,
                   visit_id=c.pk if c.kind == ItemKind.VISIT else None,
                   case_id=c.pk if c.kind == ItemKind.CASE else None,
                   worker_id=c.worker_id, happened_at=c.happened_at, weight=min(c.weight, 32767), risks=c.risks,
                   summary=c.summary, inspector=inspectors[index % len(inspectors)])
        for index, c in enumerate(chosen)])
    audit.record(actor=actor, action="inspections.sample.draw", obj=sample,
                 after={"street": node.pk, "month": month, "seed": seed, "size": size, "candidates": len(pool),
                        "items": len(chosen), "weights": sample.weights})
    counts: dict[int, int] = {}
    for index in range(len(chosen)):
        inspector = inspectors[index % len(inspectors)]
        counts[inspector.user_id] = counts.get(inspector.user_id, 0) + 1
    users = {i.user_id: i.user for i in inspectors}

    def tell() -> None:
        for user_id, n in counts.items():
            notify(recipients=[users[user_id]], kind="inspections.items_assigned", obj=sample,
                   url=reverse("inspections:mine"),
                   title=_("%(n)d records of %(street)s for %(month)s to check") % {
                       "n": n, "street": node.name, "month": f"{month:%Y-%m}"})

    transaction.on_commit(tell)
    return sample


def draw_due(*, actor: Actor, today: dt.date | None = None) -> list[Sample]:
    """Last month's sample of every street with active inspectors that has none yet (idempotent)."""
    month = previous_month(today or timezone.localdate())
    drawn = []
    streets = (AreaNode.objects.filter(kind=AreaKind.STREET, is_active=True, inspectors__active=True)
               .exclude(inspection_samples__month=month).distinct().order_by("path"))
    for street in streets:
        try:
            drawn.append(sample_draw(actor=actor, street=street, month=month))
        except Conflict:
            continue
    return drawn
