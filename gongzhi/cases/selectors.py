"""Reads of the case pipeline, always scoped to the acting user.

Scope: area staff see a case held in their subtree or located in it (so a community still sees a
case it escalated to the street); department staff see the cases their department holds or was
called on; residents see their own. The area rule is `gongzhi.core.scope`'s, applied to the paths
denormalised on the case (`area_path`, `location_path`), so a scoped inbox is one indexed table
scan without a join to the area tree.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.accounts.selectors import phone_for, users_visible
from gongzhi.areas import selectors as area_selectors
from gongzhi.areas.models import AreaKind, AreaNode, Department
from gongzhi.core import permissions as core_permissions
from gongzhi.core import pii, scope
from gongzhi.core.actors import is_system
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can
from gongzhi.party.selectors import members_visible
from gongzhi.residents.selectors import people_visible

from . import conf, permissions, routing
from .models import (
    HANDLING_LEVELS,
    OPEN_STATES,
    Case,
    CaseAttachment,
    CaseEvent,
    Category,
    Channel,
    Dispute,
    Level,
    MediatorKind,
    Rating,
    RatingSource,
    State,
    Supervision,
    WhistleCall,
    held_under,
    located_under,
)


def cases_visible(*, user) -> QuerySet:
    """The cases `user` may see: `Case.objects.visible_to(user)`, the one rule (kept for callers in
    other apps until they read cases through their extension points)."""
    return Case.objects.visible_to(user)


def case_get(*, user, pk: int) -> Case:
    case = (
        Case.objects.visible_to(user)
        .select_related("category", "rule", "location", "area", "department", "assignee", "requester", "master")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


REFERENCE = re.compile(r"^GZ(\d{8})(\d{7})$")


def case_by_number(*, user, value: str, field: str = "master") -> Case:
    """The case people name by its reference (GZ202612040000123, as pages and exports print it) —
    or by its internal number — if `user` sees it. A number that names no case the user sees is a
    problem of the field (InvalidInput on `field`), said the same whether the case exists or not."""
    text = (value or "").strip().upper()
    match = REFERENCE.match(text)
    if not (match or text.isdigit()):
        message = _("Give the case's number as printed on it, e.g. GZ202612040000123.")
        raise InvalidInput(message, fields={field: [message]})
    try:
        case = case_get(user=user, pk=int(match.group(2)) if match else int(text))
    except (NotFound, OverflowError, ValueError):
        case = None
    if case is None or (match and case.reference != text):
        message = _("No case %(number)s in your area.") % {"number": text}
        raise InvalidInput(message, fields={field: [message]})
    return case


def answers_display(case: Case) -> list[tuple[str, str]]:
    """The answers to the intake questions as people read them: (the question, the answer by its
    name), in the order the matter's rules (as filed) ask them; never the questions' codes."""
    questions = (case.rule.rules or {}).get("questions", []) if case.rule_id else []
    shown = []
    for q in questions:
        value = (case.answers or {}).get(q["code"])
        if value in (None, "", []):
            continue
        names = {v["key"]: v.get("name", v["key"]) for v in q.get("values") or []}
        values = value if isinstance(value, list) else [value]
        shown.append((q["label"], "、".join(str(names.get(v, v)) for v in values)))
    return shown


def sees_internal(user) -> bool:
    """Whether `user` sees internal events (and their attachments): everyone but residents."""
    return can(user, "cases.view_internal")


def timeline(*, user, case: Case) -> QuerySet:
    """The case's events, oldest first; a requester does not see internal notes."""
    events = CaseEvent.objects.filter(case=case).select_related("actor").prefetch_related("attachments")
    if not sees_internal(user):
        events = events.filter(internal=False)
    return events.order_by("created_at", "id")


def supervisions(*, user, case: Case) -> QuerySet:
    """The warnings and supervision (督办) the SLA sweep raised on `case` (one the caller reached
    through `case_get`), newest first, with the node or department told. Staff see them (the level
    above is told, and its scope covers the case); a requester does not."""
    if not sees_internal(user):
        return Supervision.objects.none()
    return Supervision.objects.filter(case=case).select_related("node", "department").order_by("-created_at", "-id")


def attachment_get(*, user, pk: int) -> CaseAttachment:
    """An attachment `user` may open: visible with its case (`CaseAttachment.objects.visible_to`)
    and, for a requester, not of an internal event. NotFound otherwise, whichever the reason."""
    attachment = CaseAttachment.objects.visible_to(user).select_related("event").filter(pk=pk).first()
    if attachment is None:
        raise NotFound()
    if attachment.event_id and attachment.event.internal and not sees_internal(user):
        raise NotFound()
    return attachment


def whistle_calls(*, case: Case) -> QuerySet:
    return case.whistle_calls.select_related("department", "acknowledged_by").order_by("called_at", "id")


def sees_text_numbers(*, user, case: Case) -> bool:
    """Whether `user` reads the numbers typed into the case's title, description and notes as typed:
    only the requester, in their own words. Everyone else reads them masked (`pii.redact`); staff
    allowed to call back reveal them through the audited reveal (`cases.reveal_text_numbers`)."""
    return bool(case.requester_id) and getattr(user, "pk", None) == case.requester_id


def shown_text(*, user, case: Case, text: str) -> str:
    """Free text of a case as `user` may read it (the one masking rule for pages and the API)."""
    if not text or sees_text_numbers(user=user, case=case):
        return text
    return pii.redact(text)


def requester_display(*, user, case: Case) -> str:
    """Who asked, as the viewer may see it: hidden from handlers when the requester asked so."""
    if case.anonymous and not (can(user, "cases.reveal_anonymous") or case.requester_id == getattr(user, "pk", None)):
        return _("(anonymous)")
    if case.requester_id:
        return str(case.requester)
    return pii.mask_name(case.caller_name)


def requester_phone(case: Case) -> str:
    """The number the requester is reached at (plaintext: masked on screen, shown only after an
    audited reveal): the phone a caller gave, else the requester's account's (or their resident
    record's) phone."""
    if case.caller_phone:
        return case.caller_phone
    return phone_for(case.requester) if case.requester_id else ""


def requester_contact(*, user, case: Case) -> dict | None:
    """How a handler reaches the requester, as the case page shows it: `None` for those who do not
    handle the case (the requester, a department called on it …); `anonymous` when the requester
    asked to stay anonymous to handlers (then no number at all); else the masked phone and whether
    there is one to reveal (`cases.case.reveal_contact`, one audited click)."""
    if not can(user, "cases.reveal_requester_contact", case) or case.requester_id == getattr(user, "pk", None):
        return None
    if case.anonymous and not can(user, "cases.reveal_anonymous", case):
        return {"anonymous": True}
    phone = requester_phone(case)
    return {"anonymous": False, "name": requester_display(user=user, case=case),
            "phone_masked": pii.mask_phone(phone) if phone else "", "has_phone": bool(phone)}


# ---------------------------------------------------------------------------------------------
# Inboxes

BOXES = ("triage", "to_claim", "in_progress", "due_soon", "overdue", "verify", "whistle", "mine")
# The work tabs of the inbox page in their order; the gate says which a user works from
# ("cases.box_<tab>"; the whistle calls and "mine" are pages of their own).
WORK_BOXES = ("triage", "to_claim", "in_progress", "due_soon", "overdue", "verify")


def boxes_for(user) -> list[str]:
    """The inbox tabs `user` works from, in order."""
    return [box for box in WORK_BOXES if can(user, f"cases.box_{box}")]


# What an inbox row shows, on the page and in the API (`CaseOut`): the list reads these columns and
# its four joins, not the case's description, answers or triage record. Reading any other field
# of a row costs a query per row — tests/test_inbox_queries.py counts the queries of a full page.
INBOX_ROW_FIELDS = (
    "id", "state", "channel", "kind", "theme", "title", "requester", "level", "area_path", "created_at", "response_due",
    "responded_at", "handling_due", "handling_warn_at", "result", "rating",
    "category", "category__code", "category__name",
    "area", "area__name",
    "department", "department__code", "department__name", "department__short_name",
    "assignee", "assignee__username", "assignee__display_name", "assignee__first_name", "assignee__last_name",
)


def _holder_q(user, *, subtree: bool) -> Q | None:
    """Cases held where the user works: at their own nodes (a grid worker's also at the grid's
    buildings), or anywhere below them (`subtree`, for the due-soon and overdue lists)."""
    if is_system(user) or user.is_superuser:
        return None
    if can(user, "cases.department_work"):
        return Q(level=Level.DEPARTMENT, department_id=user.department_id)
    paths = scope.scope_paths(user) or []
    if subtree or can(user, "cases.hold_subtree"):
        return held_under(paths)
    node_ids = list(user.area_bindings.values_list("node_id", flat=True))
    q = Q(area_id__in=node_ids) & ~Q(level=Level.DEPARTMENT)
    if can(user, "cases.hold_buildings"):
        q |= held_under(paths) & Q(level=Level.BUILDING)
    return q


def inbox(*, user, box: str, now: dt.datetime | None = None) -> QuerySet:
    """A work list: triage (submitted/accepted here), to claim, in progress, due soon (黄灯),
    overdue (红灯), to verify, my requests."""
    now = now or timezone.now()
    if box == "mine":
        return Case.objects.filter(requester=user).order_by("-created_at", "-id")
    if box == "whistle":
        raise ValueError("use whistle_inbox for whistle calls")
    qs = Case.objects.all()
    holder = _holder_q(user, subtree=box in ("due_soon", "overdue"))
    if box == "verify":
        if not (is_system(user) or user.is_superuser):
            paths = scope.scope_paths(user) or []
            qs = qs.filter(scope.path_q(paths, "dispatcher_node") | located_under(paths))
        return _rows(qs.filter(state=State.VERIFYING).order_by("resolved_at", "id"))
    if holder is not None:
        qs = qs.filter(holder)
    if box == "triage":
        qs = qs.filter(state__in=[State.SUBMITTED, State.ACCEPTED]).order_by("created_at", "id")
    elif box == "to_claim":
        qs = qs.filter(state__in=[State.DISPATCHED, State.REOPENED]).order_by("handling_due", "id")
    elif box == "in_progress":
        qs = qs.filter(state=State.IN_PROGRESS).order_by("handling_due", "id")
    elif box == "due_soon":
        qs = qs.filter(state__in=OPEN_STATES, handling_warn_at__lte=now, handling_due__gt=now).order_by("handling_due")
    elif box == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, handling_due__lte=now).order_by("handling_due", "id")
    else:
        raise ValueError(f"unknown box {box}")
    return _rows(qs)


# ---------------------------------------------------------------------------------------------
# Filters of a case list (page and API): search, matter, channel, level, light, date, sort


@dataclass(frozen=True)
class CaseFilters:
    """What a worker narrows a case list to. Empty fields filter nothing; `sort` "" keeps the
    list's own order (each inbox has the order its work needs)."""

    q: str = ""
    category: Category | None = None
    channel: str = ""
    level: str = ""
    light: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    sort: str = ""

    def active(self) -> bool:
        return any((self.q, self.category, self.channel, self.level, self.light, self.since, self.until))

    def as_params(self) -> dict[str, str]:
        """The filters as query parameters (for links, the export and the audit record)."""
        values = {"q": self.q, "category": str(self.category.pk) if self.category else "", "channel": self.channel,
                  "level": self.level, "light": self.light, "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else "", "sort": self.sort}
        return {k: v for k, v in values.items() if v}


SORTS = {"newest": ("-created_at", "-id"), "deadline": ("handling_due", "id")}
LIGHTS = ("green", "yellow", "red")
_REFERENCE = re.compile(r"^GZ(\d{8})(\d{7})$", re.IGNORECASE)


def parse_case_filters(params) -> tuple[CaseFilters, dict[str, list[str]]]:
    """Filters from query parameters (a QueryDict or a dict), and the problems with them, each
    named on its field (a bad value filters nothing and is reported beside its field)."""
    errors: dict[str, list[str]] = {}

    def get(name: str) -> str:
        return str(params.get(name) or "").strip()

    category = None
    if get("category"):
        category = Category.objects.filter(pk=get("category")).first() if get("category").isdigit() else None
        if category is None:
            errors["category"] = [_("Choose a matter from the list.")]
    channel = get("channel")
    if channel and channel not in Channel.values:
        errors["channel"] = [_("Choose a channel from the list.")]
        channel = ""
    level = get("level")
    if level and level not in Level.values:
        errors["level"] = [_("Choose a level from the list.")]
        level = ""
    light = get("light")
    if light and light not in LIGHTS:
        errors["light"] = [_("Choose a light from the list.")]
        light = ""
    sort = get("sort")
    if sort and sort not in SORTS:
        errors["sort"] = [_("Choose an order from the list.")]
        sort = ""
    days = {}
    for name in ("since", "until"):
        try:
            days[name] = dt.date.fromisoformat(get(name)) if get(name) else None
        except ValueError:
            errors[name] = [_("Give the date as 2026-12-01.")]
            days[name] = None
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = [_("The end date lies before the start date.")]
        days["until"] = None
    return CaseFilters(q=get("q")[:100], category=category, channel=channel, level=level, light=light,
                       since=days["since"], until=days["until"], sort=sort), errors


def filter_cases(qs: QuerySet, filters: CaseFilters, *, user, now: dt.datetime | None = None) -> QuerySet:
    """`qs` (a case list the user may see) narrowed by `filters` and sorted as asked. The search
    matches the reference (GZ…), words of the title and description, the place (held by, located
    at, address) and the requester — never the requester of a case filed anonymously unless the
    user may see who it is."""
    now = now or timezone.now()
    if filters.q:
        q = filters.q
        found = _REFERENCE.match(q.replace(" ", ""))
        if found:
            qs = qs.filter(pk=int(found.group(2)))
        else:
            words = Q()
            for word in q.split()[:5]:
                named = Q(caller_name__icontains=word) | Q(requester__display_name__icontains=word) | Q(
                    requester__username__iexact=word)
                if not can(user, "cases.reveal_anonymous"):
                    named &= Q(anonymous=False)
                words &= (Q(title__icontains=word) | Q(description__icontains=word) | Q(address__icontains=word)
                          | Q(location__name__icontains=word) | Q(area__name__icontains=word)
                          | Q(category__name__icontains=word) | named)
            qs = qs.filter(words)
    if filters.category is not None:
        qs = qs.filter(Q(category=filters.category) | Q(category__parent=filters.category))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.light == "red":
        qs = qs.filter(state__in=OPEN_STATES, handling_due__lte=now)
    elif filters.light == "yellow":
        qs = qs.filter(state__in=OPEN_STATES, handling_warn_at__lte=now, handling_due__gt=now)
    elif filters.light == "green":
        qs = qs.exclude(Q(state__in=OPEN_STATES) & Q(handling_warn_at__lte=now))
    if filters.since or filters.until:
        tz = timezone.get_current_timezone()
        if filters.since:
            qs = qs.filter(created_at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=tz))
        if filters.until:
            qs = qs.filter(created_at__lt=dt.datetime.combine(filters.until, dt.time.min, tzinfo=tz)
                           + dt.timedelta(days=1))
    if filters.sort:
        qs = qs.order_by(*SORTS[filters.sort])
    return qs


def box_counts(*, user, boxes: list[str], filters: CaseFilters, now: dt.datetime | None = None) -> dict[str, int]:
    """How many cases each inbox tab holds (with the same filters), for the tab labels."""
    now = now or timezone.now()
    return {box: filter_cases(inbox(user=user, box=box, now=now), filters, user=user, now=now).count()
            for box in boxes}


def export_rows(qs: QuerySet) -> QuerySet:
    """The rows of a case list export: the inbox columns, the place and the address."""
    return qs.select_related("location", "requester").only(*INBOX_ROW_FIELDS, "location", "location__name",
                                               "location__path", "location__depth", "location__kind",
                                               "location__estate", "address",
                                               "anonymous", "caller_name", "requester__username",
                                               "requester__display_name", "requester__first_name",
                                               "requester__last_name")


def _rows(qs: QuerySet) -> QuerySet:
    return qs.select_related("category", "area", "department", "assignee").only(*INBOX_ROW_FIELDS)


@functools.lru_cache(maxsize=32)
def _state_labels(language: str | None) -> dict[str, str]:
    return {value: str(label) for value, label in State.choices}


def state_label(state: str) -> str:
    """The state's name in the active language — what `get_state_display()` gives, without
    translating and hashing every choice on each call (it was most of an inbox page's rendering)."""
    return _state_labels(translation.get_language()).get(state, state)


def whistle_inbox(*, user, open_only: bool = True) -> QuerySet:
    """The calls on the user's department (or every call, for the unrestricted)."""
    qs = WhistleCall.objects.select_related("case", "department")
    if not (is_system(user) or user.is_superuser):
        if not (can(user, "cases.department_work") and user.department_id):
            return qs.none()
        qs = qs.filter(department_id=user.department_id)
    if open_only:
        qs = qs.filter(reported_at=None)
    return qs.order_by("acknowledge_by", "id")


def light(case: Case, *, now: dt.datetime | None = None) -> str:
    """green / yellow (黄灯, past the warning share) / red (红灯, overdue) for an open case."""
    if case.state not in OPEN_STATES:
        return routing.Light.GREEN
    return routing.light(now=now or timezone.now(), warn_at=case.handling_warn_at, due=case.handling_due)


# ---------------------------------------------------------------------------------------------
# Figures (三率)

_Q4 = Decimal("0.0001")


def _rate(numerator: Decimal | int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_Q4, rounding=ROUND_HALF_UP)


def figures(
    *,
    user,
    node: AreaNode,
    start: dt.datetime,
    end: dt.datetime,
    category: Category | None = None,
    satisfaction_weights: dict | None = None,
    composite_weights: dict | None = None,
) -> dict:
    """三率 and the share closed at each level for the cases located under `node`, filed in
    [start, end), of `category` (a leaf, or a group with its leaves).

    - response rate: cases (not rejected, not merged) whose first contact came within the response
      limit, over all those cases;
    - resolution rate: rated requests the requester called solved, over rated requests;
    - ratings recorded on a callback (回访) are counted apart (`counts["rated_by_callback"]`);
    - satisfaction rate: the rating weights (satisfied 1, basically 0.8, not 0 by default) averaged
      over rated requests. Requests merged into a master rate on their own record and count here;
    - composite: the weighted sum (10/45/45 by default), None while a part has no data;
    - closed_by_level: closed cases by the level that resolved them, as counts and shares.
    Rates are fractions (0–1) with four decimals. Who may not read figures (the gate's
    "cases.view_figures") finds none, on the page and in the API alike."""
    if not can(user, "cases.view_figures") or not scope.covers_path(user, node.path):
        raise NotFound()
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValueError("start and end must be aware datetimes")
    sw = {k: Decimal(str(v)) for k, v in (satisfaction_weights or conf.get("CASES_SATISFACTION_WEIGHTS")).items()}
    cw = {k: Decimal(str(v)) for k, v in (composite_weights or conf.get("CASES_COMPOSITE_WEIGHTS")).items()}
    base = Case.objects.filter(location_path__startswith=node.path, created_at__gte=start, created_at__lt=end).exclude(
        state=State.REJECTED
    )
    if category is not None:
        base = base.filter(Q(category=category) | Q(category__parent=category))
    master = Q(master=None) & ~Q(state=State.MERGED)
    rated = ~Q(rating="")
    totals = base.aggregate(
        cases=Count("pk", filter=master),
        responded_in_time=Count("pk", filter=master & Q(responded_at__lte=F("response_due"))),
        responded=Count("pk", filter=master & Q(responded_at__isnull=False)),
        rated=Count("pk", filter=rated),
        # of which recorded by staff on a callback (回访), not given by the requester themselves
        rated_by_callback=Count("pk", filter=rated & Q(rating_source=RatingSource.CALLBACK)),
        solved=Count("pk", filter=rated & Q(rating_solved=True)),
        satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
        basic=Count("pk", filter=Q(rating=Rating.BASIC)),
        unsatisfied=Count("pk", filter=Q(rating=Rating.UNSATISFIED)),
        closed=Count("pk", filter=master & Q(state=State.CLOSED)),
    )
    by_level = dict(
        base.filter(master, state=State.CLOSED)
        .values_list("resolved_level")
        .annotate(n=Count("pk"))
        .values_list("resolved_level", "n")
    )
    return {
        "node": node.code,
        "start": start,
        "end": end,
        "category": category.code if category else None,
        "counts": totals,
        **rates_of(totals, satisfaction_weights=sw, composite_weights=cw),
        "closed_by_level": levels_of(totals["closed"], by_level),
    }


def rates_of(counts: dict, *, satisfaction_weights: dict | None = None, composite_weights: dict | None = None) -> dict:
    """三率 and the composite from the counts `figures` takes (or the daily roll-ups keep, which are
    the same counts): response, resolution, satisfaction and composite rates, 0–1 with four
    decimals, None where there is nothing to divide by."""
    sw = {k: Decimal(str(v)) for k, v in (satisfaction_weights or conf.get("CASES_SATISFACTION_WEIGHTS")).items()}
    cw = {k: Decimal(str(v)) for k, v in (composite_weights or conf.get("CASES_COMPOSITE_WEIGHTS")).items()}
    response = _rate(counts["responded_in_time"], counts["cases"])
    resolution = _rate(counts["solved"], counts["rated"])
    weighted = sum((counts[key] * sw.get(key, Decimal(0)) for key in Rating.values), Decimal(0))
    satisfaction = _rate(weighted, counts["rated"])
    composite = None
    if None not in (response, resolution, satisfaction):
        composite = (
            response * cw["response"] + resolution * cw["resolution"] + satisfaction * cw["satisfaction"]
        ).quantize(_Q4, rounding=ROUND_HALF_UP)
    return {"response_rate": response, "resolution_rate": resolution, "satisfaction_rate": satisfaction,
            "composite": composite}


def levels_of(closed: int, by_level: dict[str, int]) -> dict[str, dict]:
    """Closed cases per level that resolved them, as counts and shares of all closed."""
    return {
        level: {"count": by_level.get(level, 0), "share": _rate(by_level.get(level, 0), closed)}
        for level in [Level.BUILDING, *HANDLING_LEVELS]
    }


# ---------------------------------------------------------------------------------------------
# Hall and hotline: who is calling?


def find_caller(*, user, phone: str) -> dict:
    """For hall and hotline registration: the registered residents with this phone (through the
    keyed hash, within the user's scope) and the caller's earlier requests the user may see."""
    digits = pii.normalise_phone(phone)
    if len(digits) < 7:
        return {"people": [], "cases": []}
    people = list(people_visible(user=user, q=digits).select_related("user")[:10])
    index = pii.blind_index(pii.PHONE, digits)
    earlier = Case.objects.visible_to(user).filter(caller_phone_index=index).order_by("-created_at")[:10]
    return {"people": people, "cases": list(earlier)}


# ---------------------------------------------------------------------------------------------
# Hot issues (热点): the same matter reported again and again at one place


def hot_issues(*, user, node: AreaNode, since: dt.datetime, min_count: int = 3, limit: int = 20) -> list[dict]:
    """Matters reported at least `min_count` times since `since` at one building (or grid) under
    `node`, merged duplicates included — candidates for a deliberation topic. Most reported first."""
    if not scope.covers_path(user, node.path):
        raise NotFound()
    # Grouped on the case's own columns (no join over the period's cases); the names of the few
    # rows kept are read afterwards.
    rows = list(
        Case.objects.filter(location_path__startswith=node.path, created_at__gte=since)
        .exclude(state=State.REJECTED)
        .values("category_id", "location_id")
        .annotate(count=Count("pk"), open=Count("pk", filter=Q(state__in=OPEN_STATES)))
        .filter(count__gte=min_count)
        .order_by("-count", "category_id", "location_id")[:limit]
    )
    categories = {c.pk: c for c in Category.objects.filter(pk__in={r["category_id"] for r in rows})}
    locations = AreaNode.objects.filter(pk__in={r["location_id"] for r in rows})
    names = dict(locations.values_list("pk", "name"))
    places = area_selectors.addresses(locations)
    result = [
        {"category": categories[r["category_id"]].code, "category_name": categories[r["category_id"]].name,
         "location_id": r["location_id"], "location_name": places.get(r["location_id"], names.get(r["location_id"], "")),
         "count": r["count"], "open": r["open"]}
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r["count"], r["category"]))


# ---------------------------------------------------------------------------------------------
# The dispatch dialog


def dispatch_targets(*, user, case: Case) -> list[tuple[str, list[tuple[str, str]]]]:
    """Where `user` may send `case` by hand, grouped for a `<select>`: the case's street, its
    community and that community's grids — active nodes within the user's scope only — and, for a
    department-level matter, the active departments of the case's district. Each option is
    (value, label): "node:<id>" or "department:<id>", labelled by name and code."""
    def label(name: str, code: str) -> str:
        return _("%(name)s (%(code)s)") % {"name": name, "code": code}

    street_path = routing.prefix(case.location_path, routing.DEPTH[AreaKind.STREET])
    community_path = routing.prefix(case.location_path, routing.DEPTH[AreaKind.COMMUNITY])
    nodes = (
        AreaNode.objects.visible_to(user).filter(is_active=True).filter(
            Q(path=street_path, kind=AreaKind.STREET)
            | Q(path=community_path, kind=AreaKind.COMMUNITY)
            | Q(path__startswith=community_path, kind=AreaKind.GRID)
        )
    ).order_by("path").only("pk", "kind", "name", "code")
    groups = {AreaKind.STREET: [], AreaKind.COMMUNITY: [], AreaKind.GRID: []}
    for node in nodes:
        groups[node.kind].append((f"node:{node.pk}", label(node.name, node.code)))
    titles = {AreaKind.STREET: _("Street"), AreaKind.COMMUNITY: _("Community"), AreaKind.GRID: _("Grids")}
    result = [(titles[kind], options) for kind, options in groups.items() if options]
    if Level.DEPARTMENT in (case.level, case.rule.rules.get("level")):
        departments = Department.objects.filter(
            district__path=routing.prefix(case.location_path, routing.DEPTH[AreaKind.DISTRICT]), is_active=True
        ).order_by("code")
        options = [(f"department:{d.pk}", label(d.name, d.code)) for d in departments]
        if options:
            result.append((_("Departments"), options))
    return result


# ---------------------------------------------------------------------------------------------
# Possible duplicates (offered for merging at triage) and what triage suggested


def _bigrams(text: str) -> set[str]:
    """Character bigrams of the letters and digits of `text` (Chinese has no spaces to split on)."""
    chars = [c for c in text.lower() if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity (0–1) of the two texts' character bigrams."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def similar_open_cases(*, user, case: Case, limit: int = 5) -> list[dict]:
    """Open cases the user can see that likely describe the same matter as `case`: in the same
    community, filed within `CASES_DUPLICATE_DAYS` before or after it, not merged, with similar text.
    The same building and the same matter add to the score. Most similar first:
    [{"case", "similarity"}]."""
    community_path = routing.prefix(case.location_path, routing.DEPTH[AreaKind.COMMUNITY])
    days = dt.timedelta(days=conf.get("CASES_DUPLICATE_DAYS"))
    building_path = routing.prefix(case.location_path, routing.DEPTH[AreaKind.BUILDING])
    candidates = (
        Case.objects.visible_to(user)
        .filter(
            location_path__startswith=community_path,
            created_at__gte=case.created_at - days,
            created_at__lte=case.created_at + days,
            master__isnull=True,
        )
        .exclude(pk=case.pk)
        .exclude(state__in=[State.REJECTED, State.MERGED, State.CLOSED])
        # what the page and the API show of each (CaseOut: department, assignee), in this one query
        .select_related("category", "location", "department", "assignee")
        .order_by("-created_at")[: conf.get("CASES_DUPLICATE_CANDIDATES")]
    )
    text = f"{case.title} {case.description}"
    threshold = float(conf.get("CASES_DUPLICATE_MIN_SIMILARITY"))
    found = []
    for other in candidates:
        score = text_similarity(text, f"{other.title} {other.description}")
        if len(building_path) == routing.DEPTH[AreaKind.BUILDING] * AreaNode.steplen and \
                other.location_path.startswith(building_path):
            score += 0.1
        if other.category_id == case.category_id:
            score += 0.1
        if score >= threshold:
            found.append({"case": other, "similarity": round(min(score, 1.0), 2)})
    found.sort(key=lambda item: (-item["similarity"], -item["case"].pk))
    return found[:limit]


def triage_display(case: Case) -> dict | None:
    """What triage suggested for `case`, with the matters' names, for the case page and the API."""
    record = case.triage
    if not record or not record.get("top3"):
        return None
    codes = [row["label"] for row in record["top3"]] + [record.get("requested") or ""]
    names = dict(Category.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))
    return {
        "model_version": record.get("model_version"),
        "top3": [
            {"code": row["label"], "name": names.get(row["label"], row["label"]),
             "probability": row["probability"], "percent": round(row["probability"] * 100)}
            for row in record["top3"]
        ],
        "terms": [row["term"] for row in record.get("explanation", [])],
        "requested": record.get("requested") or "",
        "requested_name": names.get(record.get("requested") or "", ""),
        "auto_routed": case.auto_routed,
    }


# ---------------------------------------------------------------------------------------------
# Disputes (矛盾纠纷)

# Mediators no registry holds (volunteers, residents' representatives, lawyers): named by hand.
NAMED_MEDIATOR_KINDS = (MediatorKind.VOLUNTEER, MediatorKind.REPRESENTATIVE, MediatorKind.LAWYER)


def dispute_of(*, case: Case) -> Dispute | None:
    """The dispute record of a case the caller got through `case_get`, with parties and sessions."""
    return Dispute.objects.filter(case=case).prefetch_related("parties", "sessions").first()


def mediator_users(*, user, case: Case) -> QuerySet:
    """Grid workers and community/street staff `user` can see who are bound to the location of
    `case` or a node above it (its grid, community, street)."""
    path, step = case.location_path, AreaNode.steplen
    above = [path[:end] for end in range(step, len(path) + 1, step)]
    return (
        users_visible(user=user)
        .filter(core_permissions.role_q(permissions.MEDIATOR_ROLES), is_active=True, area_bindings__node__path__in=above)
        .distinct()
        .order_by("role", "display_name", "username")
    )


def mediator_members(*, user, case: Case) -> QuerySet:
    """Party members `user` can see in the organisations of the location's community, with the
    in-service members registered there (双报到)."""
    community = routing.prefix(case.location_path, routing.DEPTH[AreaKind.COMMUNITY])
    return members_visible(user=user).filter(
        Q(organization__area__path__startswith=community) | Q(home_community__path=community)
    )


def mediator_candidates(*, user, case: Case) -> dict:
    """The people `user` may pick to mediate the dispute of `case`: accounts (`mediator_users`) with
    the kind their role gives, and party members (`mediator_members`). Volunteers, residents'
    representatives and lawyers have no registry here and are named by hand (`NAMED_MEDIATOR_KINDS`)."""
    return {
        "users": [(u, permissions.mediator_kind(u)) for u in mediator_users(user=user, case=case)[:200]],
        "members": list(mediator_members(user=user, case=case)[:500]),
    }


def day_span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local-time instants a period of whole days covers: [start 00:00, the day after end 00:00)."""
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end, dt.time.min, tzinfo=tz) + dt.timedelta(days=1))


def triage_outcomes(*, user, node: AreaNode, start: dt.datetime, end: dt.datetime) -> dict:
    """How triage did on the closed cases filed under `node` in [start, end): of those it suggested
    for, the share whose final matter was its first guess and within its three; how many it routed
    itself and the share of those whose matter nobody had to change. Operators watch these to decide
    the auto-routing threshold and when to train again. Counted in the database from the three
    suggested codes, so a district-year costs one aggregate, not a read of every suggestion."""
    if not scope.covers_path(user, node.path):
        raise NotFound()
    final = F("category__code")
    first, second, third = (KT(f"triage__top3__{i}__label") for i in range(3))
    counts = (
        Case.objects.filter(
            location_path__startswith=node.path, created_at__gte=start, created_at__lt=end, state=State.CLOSED,
        )
        .annotate(first=first, second=second, third=third)
        .filter(first__isnull=False)
        .aggregate(
            seen=Count("pk"),
            top1=Count("pk", filter=Q(first=final)),
            top3=Count("pk", filter=Q(first=final) | Q(second=final) | Q(third=final)),
            routed=Count("pk", filter=Q(auto_routed=True)),
            routed_kept=Count("pk", filter=Q(auto_routed=True, first=final)),
        )
    )
    seen, top1, top3 = counts["seen"], counts["top1"], counts["top3"]
    routed, routed_kept = counts["routed"], counts["routed_kept"]

    def share(part: int, whole: int) -> Decimal | None:
        return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if whole else None

    return {
        "closed_with_suggestion": seen,
        "first_guess_right": share(top1, seen),
        "within_three": share(top3, seen),
        "auto_routed": routed,
        "auto_routed_kept": share(routed_kept, routed),
    }


# Extension points the residents app offers (registered in cases' Component).


def household_cases(user, household: AreaNode) -> list[Case]:
    """The requests located at a household that `user` may see, newest first, at most 20
    ("residents.household.cases")."""
    return list(Case.objects.visible_to(user).filter(location=household).order_by("-created_at")[:20])


def visit_case_categories() -> list[Category]:
    """The matters a visit may be raised as ("residents.visit.case_categories"): active leaves
    with current rules and no required intake question (those go through the filing page)."""
    leaves = Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent").prefetch_related(
        "revisions").order_by("parent__order", "order")
    simple = []
    for category in leaves:
        revisions = sorted(category.revisions.all(), key=lambda r: r.version)
        if not revisions:
            continue
        questions = (revisions[-1].rules or {}).get("questions", [])
        if not any(q.get("required") for q in questions):
            simple.append(category)
    return simple
