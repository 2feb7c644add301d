"""Reads of the public selections: the ones a user sees, a selection's page (the nominations by
name and reason, whether the user may nominate now and why not, the short list, the vote and the
result), and the nominee search of a resident nominating (names only, with the building)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import can
from gongzhi.residents.models import Person, PersonStatus
from gongzhi.votes.models import VoteOption, VoteState

from ..models import Nomination, Selection, SelectionState
from ..services.selections import is_resident_of, winners

PAGE_SIZE = 20
SEARCH_LIMIT = 10


def selections_visible(*, user, state: str = "", kind: str = "", q: str = "") -> QuerySet:
    qs = Selection.objects.visible_to(user).select_related("area", "vote").annotate(
        nomination_count=Count("nominations"))
    if state in SelectionState.values:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    q = (q or "").strip()[:50]
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(area__name__icontains=q))
    return qs.order_by("-year", "-month", "-id")


def selection_get(*, user, pk: int) -> Selection:
    row = Selection.objects.visible_to(user).select_related("area", "vote").filter(pk=pk).first()
    if row is None:
        raise NotFound()
    return row


def nomination_get(*, user, selection: Selection, pk: int) -> Nomination:
    row = Nomination.objects.filter(selection=selection, pk=pk).first()
    if row is None:
        raise NotFound()
    return row


@dataclass
class SelectionPage:
    selection: Selection
    keeps: bool
    nominations: list[Nomination] = field(default_factory=list)
    shortlist: list[Nomination] = field(default_factory=list)
    winners: list[Nomination] = field(default_factory=list)
    options: list[VoteOption] = field(default_factory=list)
    may_nominate: bool = False
    why_not: str = ""
    actions: list[str] = field(default_factory=list)
    my_nominations: int = 0


def selection_page(*, user, selection: Selection) -> SelectionPage:
    """Everything the selection's page shows this user, without writing anything."""
    from ..workflow import SELECTION_WORKFLOW

    keeps = can(user, "honours.keep", selection)
    page = SelectionPage(selection=selection, keeps=keeps)
    page.actions = [t.action for t in SELECTION_WORKFLOW.offered(user, selection) if t.action != "count"] if keeps else []
    page.nominations = list(Nomination.objects.filter(selection=selection).select_related("nominated_by")
                            .order_by("-shortlisted", "pk"))
    page.shortlist = [n for n in page.nominations if n.shortlisted]
    if selection.vote_id and selection.vote.state == VoteState.CLOSED:
        page.options = list(VoteOption.objects.filter(vote_id=selection.vote_id).order_by("-count", "order"))
        page.winners = winners(selection)
    if getattr(user, "is_authenticated", False):
        page.my_nominations = sum(1 for n in page.nominations if n.nominated_by_id == user.pk)
    now = timezone.now()
    if selection.state != SelectionState.NOMINATING or now >= selection.nominations_close_at:
        page.why_not = _("Nominations are closed.")
    elif now < selection.nominations_open_at:
        page.why_not = _("Nominations open on %(when)s.") % {
            "when": timezone.localtime(selection.nominations_open_at).strftime("%Y-%m-%d %H:%M")}
    elif not is_resident_of(user, selection.area):
        page.why_not = _("Only residents registered in %(area)s nominate here.") % {"area": selection.area.name}
    else:
        page.may_nominate = True
    return page


def nominee_search(*, user, selection: Selection, q: str) -> list[dict]:
    """Residents of the selection's area by name, for a resident nominating or the staff: the name
    and the building only (no other personal data); at most ten."""
    q = (q or "").strip()[:20]
    if not q or not (is_resident_of(user, selection.area) or can(user, "honours.keep", selection)):
        return []
    people = list(Person.objects.filter(status=PersonStatus.LIVING, household__path__startswith=selection.area.path,
                                        name__icontains=q).select_related("household").order_by("name", "pk")
                  [:SEARCH_LIMIT])
    step = AreaNode.steplen
    above = {p.pk: [p.household.path[:n] for n in range(step, len(p.household.path), step)] for p in people}
    buildings = dict(AreaNode.objects.filter(path__in={a for paths in above.values() for a in paths},
                                             kind=AreaKind.BUILDING).values_list("path", "name"))
    return [{"id": p.pk, "name": p.name, "place": next((buildings[a] for a in above[p.pk] if a in buildings), "")}
            for p in people]
