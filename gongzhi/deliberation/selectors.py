"""Reads of the deliberation programme, scoped by the one visibility rule (outside scope is
NotFound): the staff list of topics with its filters and counts, "my topics" for residents, a
topic's page (timeline, path ahead, documents, linked cases, what the current step needs and what
the user may do), the scopes a resident may propose for, and the panels other apps show (a case's
topics; the actions on a hot issue of the 三率 page)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.cases.models import Case
from gongzhi.core import pii, scope
from gongzhi.core.errors import InvalidInput, NotFound
from gongzhi.core.permissions import can
from gongzhi.meetings.models import Meeting, MeetingState
from gongzhi.votes.models import Vote, VoteState, ancestor_paths, home_paths

from .models import (
    ConsultationGroup,
    Path,
    ScopeKind,
    Signature,
    StepOutput,
    StepState,
    Topic,
    TopicDocument,
    TopicSource,
    TopicState,
    TopicStep,
)
from .workflow import TOPIC_WORKFLOW

OPEN_STATES = (TopicState.PROPOSED, TopicState.IN_PROGRESS)


def topic_url(topic_id: int) -> str:
    return reverse("deliberation:topic", kwargs={"topic_id": topic_id})


def _overdue_q(now: dt.datetime) -> Q:
    return Q(Exists(TopicStep.objects.filter(topic=OuterRef("pk"), state=StepState.CURRENT, due_at__lt=now)))


# --- lists ---------------------------------------------------------------------------------------


def topics_list(
    *,
    user,
    state: str = "",
    group: str = "",
    scope_kind: str = "",
    source: str = "",
    overdue: bool = False,
    q: str = "",
    area_id: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet:
    """The topics the user sees, filtered (an unknown filter value is refused beside its field), each
    with its current step and whether that step is overdue; newest first."""
    now = now or timezone.now()
    errors = {}
    for name, value, allowed in (
        ("state", state, TopicState.values), ("group", group, ConsultationGroup.values),
        ("scope", scope_kind, ScopeKind.values), ("source", source, TopicSource.values),
    ):
        if value and value not in allowed:
            errors[name] = [gettext("Choose one of the listed values.")]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], fields=errors)
    qs = Topic.objects.visible_to(user).select_related("area", "estate", "path")
    if state:
        qs = qs.filter(state=state)
    if group:
        qs = qs.filter(group=group)
    if scope_kind:
        qs = qs.filter(scope_kind=scope_kind)
    if source:
        qs = qs.filter(source=source)
    if area_id is not None:
        node = AreaNode.objects.visible_to(user).filter(pk=area_id).first()
        if node is None:
            raise NotFound()
        qs = qs.filter(area__path__startswith=node.path)
    if q.strip():
        words = q.strip()[:100]
        qs = qs.filter(Q(title__icontains=words) | Q(description__icontains=words))
    qs = qs.annotate(is_overdue=_overdue_q(now))
    if overdue:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("-created_at", "-id")


def with_current_steps(topics) -> list[Topic]:
    """Attach each topic's current step (one query for the page)."""
    topics = list(topics)
    current = {s.topic_id: s for s in TopicStep.objects.filter(topic__in=topics, state=StepState.CURRENT)}
    for topic in topics:
        topic.current = current.get(topic.pk)
    return topics


def state_counts(qs: QuerySet) -> dict[str, int]:
    """How many topics of a list are in each state (the list's counts)."""
    rows = dict(qs.order_by().values_list("state").annotate(n=Count("pk")))
    return {state: rows.get(state, 0) for state in TopicState.values}


def my_topics(*, user) -> dict[str, list[Topic]]:
    """A resident's topics: proposed, co-signed, and those of the building and community they live
    in (still being proposed or deliberated first)."""
    visible = Topic.objects.visible_to(user).select_related("area", "path")
    proposed = list(visible.filter(proposed_by=user)[:50])
    signed = list(visible.filter(signatures__user=user).exclude(proposed_by=user)[:50])
    homes = home_paths(user)
    around: list[Topic] = []
    if homes:
        above = sorted({p for home in homes for p in ancestor_paths(home)})
        around = list(
            visible.filter(area__path__in=above).exclude(proposed_by=user).exclude(signatures__user=user)
            .exclude(state=TopicState.LAPSED)
            .order_by("state", "-created_at")[:50]
        )
    signed_ids = set(Signature.objects.filter(user=user).values_list("topic_id", flat=True))
    for topic in [*proposed, *signed, *around]:
        topic.signed = topic.pk in signed_ids
    return {"proposed": proposed, "signed": signed, "around": around}


# --- a topic -------------------------------------------------------------------------------------


def topic_get(*, user, pk: int) -> Topic:
    return (Topic.objects.select_related("area", "estate", "path", "proposed_by", "unit", "meeting")
            .visible_or_404(user, pk=pk))


def timeline(topic: Topic) -> list[TopicStep]:
    """The steps the topic took, in order, with who acted and what each produced."""
    return list(
        topic.steps.select_related("finished_by", "meeting", "vote", "path_step").order_by("started_at", "id")
    )


def steps_ahead(topic: Topic) -> list:
    """The steps of the path still to come after the current one (or all, before the first)."""
    return list(topic.path.steps.filter(position__gt=topic.step_position).order_by("position")) if topic.state in (
        TopicState.PROPOSED, TopicState.IN_PROGRESS) else []


def current_step(topic: Topic) -> TopicStep | None:
    return topic.steps.filter(state=StepState.CURRENT).select_related("path_step").first()


def offered(*, user, topic: Topic) -> list[str]:
    """What the user may do to the topic now: the workflow's moves the gate allows (open, advance,
    send_back, drop, complete), and "sign" / "attach" where they apply. Send back and drop only
    where the current step allows them."""
    actions = [t.action for t in TOPIC_WORKFLOW.offered(user, topic) if t.action != "lapse"]
    step = current_step(topic)
    if step is not None:
        if not step.path_step.may_send_back or step.position == topic.path.steps.order_by("position").first().position:
            actions = [a for a in actions if a != "send_back"]
        if not step.path_step.may_drop:
            actions = [a for a in actions if a != "drop"]
    if may_sign(user=user, topic=topic):
        actions.append("sign")
    if can(user, "deliberation.attach", topic):
        actions.append("attach")
    return actions


def may_sign(*, user, topic: Topic) -> bool:
    """A resident of the scope who has not proposed nor co-signed it, while it collects."""
    if topic.state != TopicState.PROPOSED or not getattr(user, "is_authenticated", False):
        return False
    if topic.collect_until and topic.collect_until < timezone.localdate():
        return False
    if topic.proposed_by_id == user.pk or Signature.objects.filter(topic=topic, user=user).exists():
        return False
    return any(home.startswith(topic.area.path) for home in home_paths(user))


def has_signed(*, user, topic: Topic) -> bool:
    return Signature.objects.filter(topic=topic, user=user).exists()


def meeting_choices(*, user, topic: Topic) -> list[Meeting]:
    """Held meetings with minutes, of the topic's area (or above it), the user sees: most recent first."""
    above = ancestor_paths(topic.area.path)
    return list(
        Meeting.objects.visible_to(user).filter(state=MeetingState.HELD, minutes__isnull=False)
        .filter(Q(area__path__in=above) | Q(area__path__startswith=topic.area.path))
        .distinct().order_by("-starts_at")[:50]
    )


def vote_choices(*, user, topic: Topic) -> list[Vote]:
    """The closed votes on the topic ("topic:<id>") the user sees, the latest first."""
    return list(
        Vote.objects.visible_to(user).filter(reference=f"topic:{topic.pk}", state=VoteState.CLOSED)
        .order_by("-closed_at", "-id")[:20]
    )


def linked_cases(*, user, topic: Topic) -> list[Case]:
    """The cases the topic came from that the user may see (a resident sees their own only)."""
    return list(Case.objects.visible_to(user).filter(topic_links__topic=topic).order_by("pk"))


def documents(*, user, topic: Topic) -> list[TopicDocument]:
    return list(topic.documents.select_related("uploaded_by").order_by("created_at", "id"))


def document_get(*, user, pk: int) -> TopicDocument:
    document = TopicDocument.objects.filter(pk=pk).select_related("topic").first()
    if document is None or not Topic.objects.visible_to(user).filter(pk=document.topic_id).exists():
        raise NotFound()
    return document


def topic_page(*, user, topic: Topic) -> dict:
    """Everything a topic's page shows, for the user."""
    step = current_step(topic)
    actions = offered(user=user, topic=topic)
    page = {
        "topic": topic,
        "timeline": timeline(topic),
        "ahead": steps_ahead(topic),
        "current": step,
        "documents": documents(user=user, topic=topic),
        "cases": linked_cases(user=user, topic=topic),
        "offered": actions,
        "signed": has_signed(user=user, topic=topic),
        "resolution": getattr(topic, "resolution", None) if hasattr(topic, "resolution") else None,
        "needs": step.path_step.output if step is not None else None,
        "meetings": [],
        "votes": [],
    }
    if step is not None and "advance" in actions:
        if step.path_step.output == StepOutput.MEETING:
            page["meetings"] = meeting_choices(user=user, topic=topic)
        if step.path_step.output == StepOutput.VOTE:
            page["votes"] = vote_choices(user=user, topic=topic)
    return page


# --- where a resident may propose ---------------------------------------------------------------


def resident_scopes(*, user) -> list[dict]:
    """The scopes the user lives in, from the household up: their building, estate, grid and
    community. Each {"value": "<kind>:<id>", "scope_kind", "area" or "estate", "label"}."""
    homes = home_paths(user)
    if not homes:
        return []
    paths = sorted({p for home in homes for p in ancestor_paths(home)})
    nodes = list(AreaNode.objects.filter(path__in=paths).select_related("estate").order_by("path"))
    kind_of = {AreaKind.BUILDING: ScopeKind.BUILDING, AreaKind.GRID: ScopeKind.GRID,
               AreaKind.COMMUNITY: ScopeKind.COMMUNITY}
    found: list[dict] = []
    seen: set[str] = set()
    for node in reversed(nodes):  # the nearest first
        if node.kind == AreaKind.BUILDING and node.estate_id:
            value = f"estate:{node.estate_id}"
            if value not in seen:
                found.append({"value": value, "scope_kind": ScopeKind.ESTATE, "estate": node.estate, "area": None,
                              "label": f"{ScopeKind.ESTATE.label} · {node.estate.name}"})
                seen.add(value)
        kind = kind_of.get(node.kind)
        if kind is None:
            continue
        value = f"{kind}:{node.pk}"
        if value not in seen:
            found.append({"value": value, "scope_kind": kind, "area": node, "estate": None,
                          "label": f"{ScopeKind(kind).label} · {node.name}"})
            seen.add(value)
    order = [ScopeKind.BUILDING, ScopeKind.ESTATE, ScopeKind.GRID, ScopeKind.COMMUNITY]
    return sorted(found, key=lambda s: order.index(s["scope_kind"]))


def scope_for_case_location(node: AreaNode) -> tuple[str, AreaNode]:
    """The topic scope a case's place suggests: its building, grid or community."""
    chain = [*AreaNode.objects.filter(path__in=ancestor_paths(node.path)).order_by("-path")]
    for item in chain:
        if item.kind == AreaKind.BUILDING:
            return ScopeKind.BUILDING, item
        if item.kind == AreaKind.GRID:
            return ScopeKind.GRID, item
        if item.kind == AreaKind.COMMUNITY:
            return ScopeKind.COMMUNITY, item
    return ScopeKind.COMMUNITY, node


def raise_prefill(*, user, case_ids: list[int] = (), category: str = "", location_id: int | None = None,
                  since_days: int = 180) -> dict:
    """What the raise form starts with when a topic is raised from cases (a case page, or a hot
    issue of the 三率 page: the cases of one matter at one place): their title, a description
    listing them, the scope of their place, and the cases themselves (only those the user sees)."""
    qs = Case.objects.visible_to(user).select_related("category", "location")
    if case_ids:
        cases = list(qs.filter(pk__in=case_ids).order_by("created_at"))
    elif category and location_id:
        place = AreaNode.objects.filter(pk=location_id).first()
        if place is None:
            return {}
        since = timezone.now() - dt.timedelta(days=since_days)
        cases = list(qs.filter(category__code=category, location_path__startswith=place.path, created_at__gte=since)
                     .order_by("created_at")[:50])
    else:
        return {}
    if not cases:
        return {}
    first = cases[0]
    scope_kind, area = scope_for_case_location(first.location)
    lines = [gettext("Raised from %(n)d requests of residents:") % {"n": len(cases)}]
    # Titles may hold numbers people typed: the topic is read by residents, so they are redacted.
    lines += [f"- {c.reference} {pii.redact(c.title)}" for c in cases[:20]]
    title = pii.redact(first.title) if len(cases) == 1 else f"{first.category.name} · {area.name}"
    if len(cases) == 1:
        lines = [pii.redact(first.description), "", *lines]
    return {
        "title": title[:200], "description": "\n".join(lines), "scope_kind": scope_kind, "area": area,
        "source": TopicSource.CASE, "cases": cases, "group": ConsultationGroup.LIVELIHOOD,
    }


def raise_areas(*, user) -> list[AreaNode]:
    """The buildings, grids and communities a staff member may raise topics for."""
    paths = scope.scope_paths(user)
    qs = AreaNode.objects.filter(kind__in=[AreaKind.COMMUNITY, AreaKind.GRID, AreaKind.BUILDING], is_active=True)
    if paths is not None:
        qs = qs.filter(scope.path_q(paths, "")) if paths else qs.none()
    return list(qs.order_by("path")[:500])


def user_districts(user) -> list[str] | None:
    """The tree paths of the districts a user belongs to (by area binding, home, department or
    unit); None for the unrestricted."""
    paths = scope.scope_paths(user)
    if paths is None:
        return None
    found = {p[: AreaNode.steplen] for p in paths} | {p[: AreaNode.steplen] for p in home_paths(user)}
    department = getattr(user, "department", None) if getattr(user, "department_id", None) else None
    if department is not None:
        found.add(department.district.path)
    unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
    if unit is not None and unit.area_id:
        found.add(unit.area.path[: AreaNode.steplen])
    return sorted(found)


def paths_visible(*, user) -> QuerySet:
    """The active declared paths of the user's district(s), with their steps."""
    qs = Path.objects.visible_to(user).filter(is_active=True)
    districts = user_districts(user)
    if districts is not None:
        qs = qs.filter(district__path__in=districts)
    return qs.select_related("district").prefetch_related("steps").order_by("district", "name")


def path_get(*, user, pk: int) -> Path:
    found = paths_visible(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# --- panels of other apps ------------------------------------------------------------------------


def case_panel(*, user, case) -> dict | None:
    """Fills "cases.case.panels": the topics raised from the case (those the user sees) and the
    one-click "raise a topic from this case" where the gate allows."""
    topics = list(Topic.objects.visible_to(user).filter(case_links__case=case).order_by("-created_at")[:20])
    may_raise = can(user, "deliberation.raise", case.location) if case.location_id else False
    if not (topics or may_raise):
        return None
    for topic in topics:
        topic.url = topic_url(topic.pk)
    return {
        "title": gettext("Deliberation topics"),
        "template": "deliberation/topics/_case_panel.html",
        "context": {"case": case, "topics": topics, "may_raise": may_raise,
                    "raise_url": reverse("deliberation:topic-raise") + f"?case={case.pk}"},
    }


def hot_issue_actions(*, user, row: dict) -> list[dict]:
    """Fills "cases.hot_issue.actions": on a hot issue (a matter reported again and again at one
    place) the one click to raise a topic from its cases. Each action {"label", "url"}."""
    node = AreaNode.objects.filter(pk=row.get("location_id")).first()
    if node is None or not can(user, "deliberation.raise", node):
        return []
    url = reverse("deliberation:topic-raise") + f"?category={row['category']}&location={node.pk}"
    return [{"label": gettext("Raise a topic"), "url": url}]
