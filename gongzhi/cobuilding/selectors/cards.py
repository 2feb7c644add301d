"""What each household's contact card (民情联系卡) says today, for many households at once: the
address, the grid worker bound to the household's grid (the first active one), the paired party
member (an active 包保 post of the household, else the building head of its building) and the
community — and whether the card printed last still says the same (its digest).

The community's service phone is kept by its staff (`CommunityPhone`, encrypted like every number);
until it is set the card prints a blank for it. It is part of the digest: a new number shows every
card of the community as out of date."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.areas.selectors import addresses
from gongzhi.core.permissions import role_q
from gongzhi.core.pii import blind_indexer
from gongzhi.core.pii import mask_phone as _mask_phone

from .. import permissions
from ..models import CommunityPhone, ContactCard, PostKind, ReportInState, ServicePost

# The users a card names as the household's grid worker: the field roles that are not keepers.
GRID_ROLES = permissions.FIELD_ROLES - permissions.KEEPER_ROLES
# Depth of each level in the area tree (district 1, street 2, community 3, grid 4, building 5).
COMMUNITY_DEPTH, GRID_DEPTH, BUILDING_DEPTH = 3, 4, 5
# Kinds of node a batch of cards is printed for.
BATCH_KINDS = (AreaKind.GRID, AreaKind.BUILDING, AreaKind.HOUSEHOLD)


@dataclass
class Person:
    name: str
    phone: str  # full: read only to print or to hash, never stored

    @property
    def phone_masked(self) -> str:
        return _mask_phone(self.phone)


@dataclass
class Contacts:
    household: AreaNode
    address: str
    community_name: str
    community_phone: str = ""
    grid_worker: Person | None = None
    grid_worker_id: int | None = None
    member: Person | None = None
    member_id: int | None = None
    member_post: str = ""  # the post that pairs the member: care pair or building head
    card: ContactCard | None = field(default=None, repr=False)

    @property
    def digest(self) -> str:
        parts = [self.address, self.community_name, self.community_phone]
        for person in (self.grid_worker, self.member):
            parts += [person.name, person.phone] if person else ["", ""]
        return _digest("|".join(parts))

    @property
    def status(self) -> str:
        """"none" (never printed), "outdated" (the printed card says something else) or "current"."""
        if self.card is None:
            return "none"
        return "current" if self.card.digest == self.digest else "outdated"


def _digest(text: str) -> str:
    return blind_indexer("contact_card")(text)


def card_areas(*, user) -> QuerySet:
    """The grids and buildings of the user's scope a batch of cards can be printed for."""
    return AreaNode.objects.visible_to(user).filter(kind__in=[AreaKind.GRID, AreaKind.BUILDING], is_active=True)


def households_under(nodes: list[AreaNode]) -> list[AreaNode]:
    """The active households of the given grids, buildings or households, in address order."""
    condition = Q(pk__in=[])
    for node in nodes:
        condition |= Q(path__startswith=node.path)
    return list(AreaNode.objects.filter(condition, kind=AreaKind.HOUSEHOLD, is_active=True).order_by("path"))


def contacts_of(households: list[AreaNode]) -> list[Contacts]:
    """Every household's contacts today, in a handful of queries whatever their number."""
    if not households:
        return []
    step = AreaNode.steplen
    today = timezone.localdate()
    address = addresses(households)
    prefix = {h.pk: h.path for h in households}
    grid_paths = {p[: GRID_DEPTH * step] for p in prefix.values()}
    building_paths = {p[: BUILDING_DEPTH * step] for p in prefix.values()}
    community_paths = {p[: COMMUNITY_DEPTH * step] for p in prefix.values()}
    communities = dict(AreaNode.objects.filter(path__in=community_paths).values_list("path", "name"))
    desk_phones = {row.community.path: row.phone or "" for row in
                   CommunityPhone.objects.filter(community__path__in=community_paths).select_related("community")}

    workers: dict[str, tuple[int, Person]] = {}
    users = (get_user_model().objects.filter(role_q(GRID_ROLES), is_active=True,
                                             area_bindings__node__path__in=grid_paths)
             .values_list("pk", "display_name", "last_name", "first_name", "username", "area_bindings__node__path").order_by("pk"))
    phones = dict(get_user_model().objects.filter(pk__in={row[0] for row in users}).values_list("pk", "phone"))
    for pk, display, last, first, username, path in users:
        if path not in workers:
            name = display or f"{last}{first}".strip() or username
            workers[path] = (pk, Person(name=name, phone=phones.get(pk) or ""))

    active_posts = (ServicePost.objects.filter(report__state=ReportInState.ACTIVE, started_on__lte=today)
                    .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
                    .select_related("report__member", "place").order_by("started_on", "pk"))
    pairs: dict[int, ServicePost] = {}
    for post in active_posts.filter(kind=PostKind.CARE_PAIR, place_id__in=list(prefix)):
        pairs.setdefault(post.place_id, post)
    heads: dict[str, ServicePost] = {}
    for post in active_posts.filter(kind=PostKind.BUILDING_HEAD, place__path__in=building_paths):
        heads.setdefault(post.place.path, post)

    cards = {c.household_id: c for c in ContactCard.objects.filter(household_id__in=list(prefix), is_current=True)}
    result = []
    for household in households:
        path = household.path
        post = pairs.get(household.pk) or heads.get(path[: BUILDING_DEPTH * step])
        worker = workers.get(path[: GRID_DEPTH * step])
        member = post.report.member if post else None
        result.append(Contacts(
            household=household, address=address[household.pk],
            community_name=communities.get(path[: COMMUNITY_DEPTH * step], ""),
            community_phone=desk_phones.get(path[: COMMUNITY_DEPTH * step], ""),
            grid_worker=worker[1] if worker else None, grid_worker_id=worker[0] if worker else None,
            member=Person(name=member.name, phone=member.phone or "") if member else None,
            member_id=member.pk if member else None, member_post=post.get_kind_display() if post else "",
            card=cards.get(household.pk),
        ))
    return result


@dataclass
class CardsOverview:
    area: AreaNode
    rows: list[Contacts]

    @property
    def households(self) -> int:
        return len(self.rows)

    @property
    def outdated(self) -> list[Contacts]:
        return [r for r in self.rows if r.status != "current"]


def cards_overview(*, area: AreaNode) -> CardsOverview:
    """The households of a grid or building with their cards' state (the caller has the area from a
    scoped lookup)."""
    return CardsOverview(area=area, rows=contacts_of(households_under([area])))


def community_of(area: AreaNode) -> AreaNode | None:
    """The community an area lies in (itself if it is one)."""
    step = AreaNode.steplen
    if len(area.path) < COMMUNITY_DEPTH * step:
        return None
    return AreaNode.objects.filter(path=area.path[: COMMUNITY_DEPTH * step], kind=AreaKind.COMMUNITY).first()


def community_phone_masked(community: AreaNode | None) -> str:
    row = CommunityPhone.objects.filter(community=community).first() if community is not None else None
    return row.phone_masked if row else ""
