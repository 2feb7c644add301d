"""Reads of residents' records, always limited to what the acting user may see: the registry's
models through their one rule (`Model.objects.visible_to(user)`, see models.RegistryQuerySet), area
nodes through the area scope (`area_nodes_visible`).

Lists defer the encrypted columns: what they show is the masked copy."""

from __future__ import annotations

import datetime
import re

from django.db.models import Count, DateTimeField, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from gongzhi.areas import selectors as area_selectors
from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import permissions, pii, scope
from gongzhi.core.errors import NotFound

from .models import (
    Household,
    ImportJob,
    Move,
    MoveKind,
    Person,
    PersonStatus,
    PersonTag,
    TagKind,
    Visit,
    VisitPhoto,
)

ENCRYPTED = ("id_number", "phone")
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^[\d\s\-+]{7,20}$")
_LETTERS = re.compile(r"^[A-Za-z]+$")
_ADDRESS_KINDS = (AreaKind.BUILDING, AreaKind.UNIT, AreaKind.HOUSEHOLD)


def _base_people(user) -> QuerySet:
    return Person.objects.visible_to(user).select_related("household").defer(*ENCRYPTED)


def area_nodes_visible(user, queryset: QuerySet | None = None) -> QuerySet:
    """Area nodes (households, buildings, grids …) in the user's area scope. Area nodes belong to
    the areas app; this is the one place residents limits them."""
    return (AreaNode.objects.all() if queryset is None else queryset).visible_to(user)


def area_get(*, user, pk: int) -> AreaNode:
    node = area_nodes_visible(user).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def current_tag_q(prefix: str = "") -> Q:
    today = timezone.localdate()
    return Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gte": today})


def _has_tag(kind: str) -> Exists:
    return Exists(PersonTag.objects.filter(current_tag_q(), person=OuterRef("pk"), kind=kind))


def _address_q(user, token: str, field: str = "household") -> Q | None:
    nodes = area_nodes_visible(user, AreaNode.objects.filter(kind__in=_ADDRESS_KINDS, name__icontains=token))
    paths = list(nodes.values_list("path", flat=True)[:200])
    return scope.path_q(paths, field) if paths else None


def search_q(user, q: str) -> Q:
    """One search box: an exact ID number or phone (through the keyed hash), pinyin initials or
    pinyin (`zs` finds 张三), a name, or an address part (楼栋 / 单元 / 房号). Several words must
    all match."""
    q = (q or "").strip()
    if not q:
        return Q()
    compact = re.sub(r"[\s\-]", "", q)
    if _ID_LIKE.match(compact):
        return Q(id_number_hash=pii.blind_index(pii.ID_NUMBER, compact)) & ~Q(id_number_hash="")
    if _PHONE_LIKE.match(q) and sum(c.isdigit() for c in q) >= 7:
        return Q(phone_hash=pii.blind_index(pii.PHONE, q))
    query = Q()
    for token in q.split()[:5]:
        if _LETTERS.match(token):
            low = token.lower()
            part = Q(name_initials__startswith=low) | Q(name_pinyin__startswith=low)
        else:
            part = Q(name__icontains=token)
        address = _address_q(user, token)
        query &= (part | address) if address is not None else part
    return query


def people_visible(
    *,
    user,
    q: str = "",
    tag: str = "",
    status: str = PersonStatus.LIVING,
    household: AreaNode | None = None,
    area: AreaNode | None = None,
) -> QuerySet:
    """People in the user's scope; `status` "" for everyone (moved out and deceased too)."""
    qs = _base_people(user)
    if status:
        qs = qs.filter(status=status)
    if household is not None:
        qs = qs.filter(household=household)
    if area is not None:
        qs = qs.filter(household__path__startswith=area.path)
    if tag:
        qs = qs.filter(_has_tag(tag)) if tag in TagKind.values else qs.none()
    if q:
        qs = qs.filter(search_q(user, q))
    return qs.order_by("household__path", "id")


def person_get(*, user, pk: int) -> Person:
    person = _base_people(user).filter(pk=pk).first()
    if person is None:
        raise NotFound()
    return person


def _moved_in_at(person: Person):
    """When the person last moved in after moving out (the registry keeps one person across moves):
    what was recorded before then belongs to where they lived before, not to the receiving area."""
    last_in = person.moves.filter(kind=MoveKind.MOVE_IN).order_by("-recorded_at", "-id").first()
    if last_in is None:
        return None
    earlier_out = person.moves.filter(kind=MoveKind.MOVE_OUT, recorded_at__lte=last_in.recorded_at, id__lt=last_in.pk)
    return last_in if earlier_out.exists() else None


def person_tags(*, person: Person, user=None) -> QuerySet:
    """The person's tags; for a user outside the area the person moved in from, none from before the move-in."""
    tags = person.tags.all().order_by("-start_on", "-id")
    moved_in = _moved_in_at(person)
    if moved_in is not None and not _covers_household(user, moved_in.from_household):
        tags = tags.filter(created_at__gte=moved_in.recorded_at)
    return tags


def _covers_household(user, node) -> bool:
    return node is not None and user is not None and scope.covers_path(user, node.path)


def person_moves(*, person: Person, user=None) -> list:
    """The person's moves; a user outside the area the person moved in from sees them from the
    move-in on, and not the household they came from."""
    moves = list(
        Move.objects.filter(person=person).select_related("from_household", "to_household", "recorded_by").order_by("-date", "-id")
    )
    moved_in = _moved_in_at(person)
    if moved_in is None or _covers_household(user, moved_in.from_household):
        return moves
    shown = [m for m in moves if m.recorded_at > moved_in.recorded_at or (m.recorded_at == moved_in.recorded_at and m.pk >= moved_in.pk)]
    for move in shown:
        if move.from_household is not None and not _covers_household(user, move.from_household):
            move.from_household = None
            move.from_household_id = None
    return shown


def person_visits(*, user, person: Person) -> QuerySet:
    """The visits that met the person, as far as the user may see them (by the visited household's area)."""
    return Visit.objects.visible_to(user).filter(people_met=person).select_related("visitor").order_by("-visited_at")


def current_tags_by_person(person_ids: list[int]) -> dict[int, list[PersonTag]]:
    found: dict[int, list[PersonTag]] = {}
    ids = list(person_ids)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for tag in PersonTag.objects.filter(current_tag_q(), person_id__in=chunk).order_by("kind"):
            found.setdefault(tag.person_id, []).append(tag)
    return found


def grids_visible(*, user) -> QuerySet:
    if not permissions.can(user, "residents.view"):
        return AreaNode.objects.none()
    return area_nodes_visible(user, AreaNode.objects.filter(kind=AreaKind.GRID)).order_by("path")


def households_visible(
    *,
    user,
    area: AreaNode | None = None,
    tag: str = "",
    not_visited_days: int | None = None,
    q: str = "",
) -> QuerySet:
    """Household nodes in scope (a grid's roster when `area` is a grid), with member count and the
    time of the last visit; `not_visited_days` keeps those not visited within that many days."""
    if not permissions.can(user, "residents.view"):
        return AreaNode.objects.none()
    qs = area_nodes_visible(user, AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD))
    if area is not None:
        qs = qs.filter(path__startswith=area.path)
    # Correlated subqueries (not joins): computed for the page of rows shown, not the whole area.
    members = (
        Person.objects.filter(household=OuterRef("pk"), status=PersonStatus.LIVING)
        .order_by().values("household").annotate(n=Count("pk")).values("n")
    )
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk")).order_by().values("household")
        .annotate(m=Max("visited_at")).values("m")
    )
    qs = qs.annotate(
        members=Coalesce(Subquery(members, output_field=IntegerField()), 0),
        last_visit=Subquery(last_visit, output_field=DateTimeField()),
    )
    if not_visited_days is not None:
        since = timezone.now() - datetime.timedelta(days=max(0, int(not_visited_days)))
        recent = Visit.objects.filter(household=OuterRef("pk"), visited_at__gte=since)
        qs = qs.filter(~Exists(recent))
    if tag:
        if tag not in TagKind.values:
            return qs.none()
        tagged = PersonTag.objects.filter(
            current_tag_q(), kind=tag, person__household=OuterRef("pk"), person__status=PersonStatus.LIVING
        )
        qs = qs.filter(Exists(tagged))
    if q:
        people = Person.objects.filter(search_q(user, q), household=OuterRef("pk"))
        address = _address_q(user, q, field="")
        qs = qs.filter(Exists(people) | address) if address is not None else qs.filter(Exists(people))
    return qs.order_by("path")


def household_get(*, user, pk: int) -> AreaNode:
    node = households_visible(user=user).filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def household_members(*, user, household: AreaNode, include_former: bool = False) -> QuerySet:
    qs = _base_people(user).filter(household=household)
    if not include_former:
        qs = qs.filter(status=PersonStatus.LIVING)
    return qs.order_by("status", "id")


def visits_visible(*, user, household: AreaNode | None = None) -> QuerySet:
    qs = Visit.objects.visible_to(user).select_related("household", "visitor")
    if household is not None:
        qs = qs.filter(household=household)
    return qs.prefetch_related("people_met", "photos").order_by("-visited_at", "-id")


def visit_get(*, user, pk: int) -> Visit:
    visit = visits_visible(user=user).filter(pk=pk).first()
    if visit is None:
        raise NotFound()
    return visit


def visits_needing_follow_up(*, user) -> QuerySet:
    """Visits whose findings still wait to be turned into a request."""
    return visits_visible(user=user).filter(follow_up_needed=True, case_ref="")


def household_card(*, user, household: AreaNode) -> Household | None:
    return Household.objects.visible_to(user).filter(node=household).first()


def tag_get(*, user, pk: int) -> PersonTag:
    tag = PersonTag.objects.visible_to(user).select_related("person").filter(pk=pk).first()
    if tag is None:
        raise NotFound()
    return tag


def visit_photo_get(*, user, pk: int) -> VisitPhoto:
    photo = VisitPhoto.objects.visible_to(user).filter(pk=pk).first()
    if photo is None:
        raise NotFound()
    return photo


def import_jobs_for(*, user) -> QuerySet:
    return ImportJob.objects.visible_to(user).order_by("-created_at", "-id")


def import_job_get(*, user, pk: int) -> ImportJob:
    job = import_jobs_for(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFound()
    return job


def addresses(nodes) -> dict[int, str]:
    """Address text of household nodes inside a community (铁建丽苑 3号楼2单元301室): the one
    address function of the area tree (`areas.selectors.addresses`), in its short form."""
    return area_selectors.addresses(nodes, short=True)


def address_of(node: AreaNode) -> str:
    return addresses([node]).get(node.pk, node.name)


def template_places(*, user) -> dict | None:
    """A real flat in the user's scope for the import template's example rows, named as people
    write it (楼栋 “铁建丽苑3号楼”, 单元 “2单元”, 房号 “301室”), or None when the scope has no flat."""
    steplen = AreaNode.steplen
    household = (area_nodes_visible(user, AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD, is_active=True))
                 .order_by("path").first())
    if household is None:
        return None
    chain = {n.kind: n for n in AreaNode.objects.filter(
        path__in=[household.path[: d * steplen] for d in range(1, household.depth)]).select_related("estate")}
    building = chain.get(AreaKind.BUILDING)
    if building is None:
        return None
    label = f"{building.estate.name}{building.name}" if building.estate_id else building.name
    same = area_nodes_visible(user, AreaNode.objects.filter(kind=AreaKind.BUILDING, name=building.name))
    if building.estate_id:
        same = same.filter(estate_id=building.estate_id)
    if same.count() > 1:
        label = building.code  # the name alone is ambiguous in this scope
    unit = chain.get(AreaKind.UNIT)
    return {"building": label, "unit": unit.name if unit else "", "room": household.name}


def own_households(*, user) -> list[AreaNode]:
    """The households where `user` is registered as a living resident (their account is linked
    to the person): the places they name first when filing a request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    ids = Person.objects.filter(user=user, status=PersonStatus.LIVING).values_list("household_id", flat=True)
    return list(AreaNode.objects.filter(pk__in=list(ids), is_active=True).order_by("path"))


def ancestor_of_kind(node: AreaNode, kind: str) -> AreaNode | None:
    steplen = AreaNode.steplen
    paths = [node.path[: d * steplen] for d in range(1, node.depth)]
    return AreaNode.objects.filter(path__in=paths, kind=kind).first()


def my_registrations(*, user) -> list[dict]:
    """Where the signed-in resident is registered: the household's address and their own masked
    record (their own data, so no reveal is needed and nothing is audited)."""
    rows = Person.objects.filter(user=user, status=PersonStatus.LIVING).select_related("household")
    return [{"person": p, "address": address_of(p.household)} for p in rows]
