"""Public selections (每月好人, 最美家庭, 文明家庭, 好少年): set up, nominate, short list, the public vote
through the vote engine, the count (the engine's close, through `votes.closed`), the announcement
onto the honour roll, cancel.

Nominators are signed-in residents of the selection's area (an account linked to a living person
of the registry in a household under it); nominees are living persons of the registry under the
area, shown by name only. The vote is a vote among options of the adult residents of the area (one
person one vote, the window, the keyed voter token, the sealed tally); a tie honours every
candidate sharing the most votes.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import audit
from gongzhi.core.actors import Actor, SystemActor, actor_user
from gongzhi.core.components import setting
from gongzhi.core.errors import Conflict, Forbidden, NotFound
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition
from gongzhi.residents.models import Person, PersonStatus
from gongzhi.votes import services as votes
from gongzhi.votes.models import Electorate, Vote, VoteMethod, VoteOption, VoteState, home_paths

from ..models import FAMILY_KINDS, Honour, HonourKind, Nomination, Selection, SelectionKind, SelectionState
from ..workflow import SELECTION_WORKFLOW
from .common import community_of, field_error, keepers_of, text

SELECTION_AREA_KINDS = (AreaKind.COMMUNITY, AreaKind.STREET)
REASON_MAX = 1000
AUDIT_FIELDS = ["area", "kind", "title", "year", "month", "nominations_open_at", "nominations_close_at"]


def selection_url(selection: Selection) -> str:
    return f"/honours/selections/{selection.pk}/"


def default_title(kind: str, year: int, month: int | None, area: AreaNode) -> str:
    period = f"{year}年{month}月" if month else f"{year}年度"
    return f"{area.name}{period}{SelectionKind(kind).label}评选"


@transaction.atomic
def selection_create(
    *, actor: Actor, area: AreaNode, kind: str, year: int, month: int | None,
    nominations_open_at: dt.datetime, nominations_close_at: dt.datetime, title: str = "", description: str = "",
) -> Selection:
    """Set up a selection of a community (or a street) for a month or a year; nominations are taken
    in the window."""
    if kind not in SelectionKind.values:
        raise field_error("kind", _("Choose the kind of selection."))
    if area.kind not in SELECTION_AREA_KINDS:
        raise field_error("area", _("A selection is held by a community or a street."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise field_error("year", _("Give a year from 2000 to 2100."))
    if month is not None and not 1 <= month <= 12:
        raise field_error("month", _("Give a month from 1 to 12, or none for a yearly selection."))
    if nominations_open_at is None or nominations_close_at is None:
        raise field_error("nominations_close_at", _("Give when nominations open and close."))
    if nominations_close_at <= nominations_open_at:
        raise field_error("nominations_close_at", _("Nominations must close after they open."))
    require(actor, "honours.keep", area)
    title = text(title, "title", limit=200) or default_title(kind, year, month, area)
    selection = Selection.objects.create(
        area=area, kind=kind, year=year, month=month, title=title,
        description=text(description, "description", limit=2000), nominations_open_at=nominations_open_at,
        nominations_close_at=nominations_close_at, created_by=actor_user(actor),
    )
    audit.record(actor=actor, action="honours.selection.create", obj=selection,
                 after=audit.snapshot(selection, AUDIT_FIELDS))
    return selection


def _lock(actor: Actor, selection: Selection | int) -> Selection:
    pk = selection.pk if isinstance(selection, Selection) else selection
    row = Selection.objects.select_for_update().filter(pk=pk).first()
    if row is None or not Selection.objects.visible_to(actor).filter(pk=pk).exists():
        raise NotFound()
    return row


def is_resident_of(user, area: AreaNode) -> bool:
    return any(path.startswith(area.path) for path in home_paths(user)) if getattr(user, "is_authenticated",
                                                                                   False) else False


def nominee_name(selection: Selection, person: Person) -> str:
    return f"{person.name}家" if selection.kind in FAMILY_KINDS else person.name


def nomination_add(*, actor: Actor, selection: Selection | int, person: Person | int, reason: str) -> Nomination:
    """A resident of the area nominates a person of the registry living under it, with the reason,
    inside the window; at most HONOURS_NOMINATIONS_PER_RESIDENT nominations each; a person once."""
    require(actor, "honours.nominate")
    reason = text(reason, "reason", required=_("Say why they deserve it."), limit=REASON_MAX)
    with transaction.atomic():
        row = _lock(actor, selection)
        now = timezone.now()
        if row.state != SelectionState.NOMINATING:
            raise Conflict(_("Nominations are closed: the short list is made."), code="nominations_closed")
        if now < row.nominations_open_at:
            raise Conflict(_("Nominations open on %(when)s.") % {
                "when": timezone.localtime(row.nominations_open_at).strftime("%Y-%m-%d %H:%M")},
                code="nominations_not_open")
        if now >= row.nominations_close_at:
            raise Conflict(_("Nominations closed on %(when)s.") % {
                "when": timezone.localtime(row.nominations_close_at).strftime("%Y-%m-%d %H:%M")},
                code="nominations_closed")
        if not is_resident_of(actor, row.area):
            raise Forbidden(_("Only residents registered in %(area)s nominate here (link your account to your "
                              "registration first).") % {"area": row.area.name})
        pk = person.pk if isinstance(person, Person) else person
        nominee = Person.objects.filter(pk=pk, status=PersonStatus.LIVING,
                                        household__path__startswith=row.area.path).first()
        if nominee is None:
            raise field_error("person", _("Choose a resident of %(area)s.") % {"area": row.area.name})
        limit = int(setting("HONOURS_NOMINATIONS_PER_RESIDENT"))
        user = actor_user(actor)
        if Nomination.objects.filter(selection=row, nominated_by=user).count() >= limit:
            raise Conflict(_("You have made %(n)d nominations in this selection: that is the most.") % {"n": limit},
                           code="too_many_nominations")
        try:
            with transaction.atomic():
                nomination = Nomination.objects.create(selection=row, person=nominee, name=nominee_name(row, nominee),
                                                       reason=reason, nominated_by=user)
        except IntegrityError:
            raise Conflict(_("%(name)s is already nominated: support them in the vote.") % {
                "name": nominee_name(row, nominee)}, code="already_nominated") from None
        audit.record(actor=actor, action="honours.nomination.add", obj=row,
                     after={"nomination": nomination.pk, "name": nomination.name})
        transaction.on_commit(lambda: _tell_staff(row, nomination))
    return nomination


def _tell_staff(selection: Selection, nomination: Nomination) -> None:
    notify(recipients=keepers_of(selection.area).iterator(),
           title=_("New nomination: %(title)s") % {"title": selection.title},
           body=_("%(name)s was nominated.") % {"name": nomination.name},
           url=selection_url(selection), obj=selection, kind="honours.nominated")


def selection_shortlist(*, actor: Actor, selection: Selection | int, nominations: list[int], note: str = "") -> Selection:
    """The community's short list: two or more of the nominations, with a note (how it was made)."""
    note = text(note, "note", limit=2000)
    wanted = {int(n) for n in nominations if isinstance(n, int) and not isinstance(n, bool)}

    def update(row: Selection) -> list[str]:
        found = set(Nomination.objects.filter(selection=row, pk__in=wanted).values_list("pk", flat=True))
        if len(found) < 2 or found != wanted:
            raise field_error("nominations", _("Choose two or more of this selection's nominations."))
        Nomination.objects.filter(selection=row).update(shortlisted=False)
        Nomination.objects.filter(selection=row, pk__in=found).update(shortlisted=True)
        row.shortlist_note = note
        return ["shortlist_note"]

    return apply_transition(SELECTION_WORKFLOW, actor=actor, obj=selection, action="shortlist", update=update,
                            note=f"{len(wanted)}")


def selection_start_vote(
    *, actor: Actor, selection: Selection | int, opens_at: dt.datetime, closes_at: dt.datetime,
    allow_change: bool = True,
) -> Selection:
    """Put the short list to a public online vote of the area's adult residents (one person one
    vote), opened now for the window; the residents are told by the vote engine."""

    def update(row: Selection) -> list[str]:
        candidates = list(Nomination.objects.filter(selection=row, shortlisted=True).order_by("pk"))
        vote = votes.vote_create(
            actor=actor, title=row.title, method=VoteMethod.ONLINE, area=row.area,
            question=_("Choose the one you think deserves to be %(kind)s (one vote each).") % {
                "kind": row.get_kind_display()},
            electorate=Electorate.ADULT_RESIDENTS, quorum_rule="none", opens_at=opens_at, closes_at=closes_at,
            reference=f"selection:{row.pk}", allow_change=allow_change,
            options=[votes.OptionSpec(label=c.name, note=c.reason[:300], reference=f"nomination:{c.pk}")
                     for c in candidates],
        )
        votes.vote_open(actor=actor, vote=vote)
        row.vote = vote
        return ["vote"]

    return apply_transition(SELECTION_WORKFLOW, actor=actor, obj=selection, action="start_vote", update=update)


def on_vote_closed(vote: Vote) -> None:
    """Fills `votes.closed`: the close of a selection's vote counts the selection."""
    if not vote.reference.startswith("selection:"):
        return
    selection = Selection.objects.filter(vote=vote, state=SelectionState.VOTING).first()
    if selection is not None:
        apply_transition(SELECTION_WORKFLOW, actor=SystemActor(label="votes.closed"), obj=selection, action="count",
                         note=vote.result)


def selection_close_vote(*, actor: Actor, selection: Selection | int) -> Selection:
    """Close the selection's vote now (the worker closes it at the end of the window anyway)."""
    row = Selection.objects.visible_to(actor).filter(pk=getattr(selection, "pk", selection)).first()
    if row is None:
        raise NotFound()
    require(actor, "honours.keep", row)
    if row.vote_id is None or row.state != SelectionState.VOTING:
        raise Conflict(_("The selection is not being voted on."), code="not_voting")
    votes.vote_close(actor=actor, vote=row.vote_id)
    row.refresh_from_db()
    return row


def winners(selection: Selection) -> list[Nomination]:
    """The nominations whose option had the most votes (several: a tie)."""
    if selection.vote_id is None:
        return []
    refs = VoteOption.objects.filter(vote_id=selection.vote_id, is_winner=True).values_list("reference", flat=True)
    ids = [int(r.split(":", 1)[1]) for r in refs if r.startswith("nomination:")]
    return list(Nomination.objects.filter(selection=selection, pk__in=ids).select_related("person__household"))


def selection_announce(*, actor: Actor, selection: Selection | int, announcement: str = "") -> Selection:
    """Announce the result: the winner(s) go on the honour roll of their community with the reason
    they were nominated for; a tie honours all who share the most votes."""
    announcement = text(announcement, "announcement", limit=2000)
    made: list[Honour] = []

    def update(row: Selection) -> list[str]:
        chosen = winners(row)
        if not chosen:
            raise Conflict(_("Nobody voted: there is no one to announce. Cancel the selection or hold it again."),
                           code="no_winner")
        today = timezone.localdate()
        for nomination in chosen:
            community = community_of(nomination.person.household) or row.area
            made.append(Honour.objects.create(
                community=community, kind=HonourKind(row.kind), title=f"{row.period_label}{row.get_kind_display()}",
                name=nomination.name, reason=nomination.reason, year=row.year, month=row.month, selection=row,
                tied=len(chosen) > 1, awarded_on=today,
            ))
        names = "、".join(n.name for n in chosen)
        row.announcement = announcement or _("%(names)s chosen as %(kind)s of %(period)s.") % {
            "names": names, "kind": row.get_kind_display(), "period": row.period_label}
        row.announced_at = timezone.now()
        return ["announcement", "announced_at"]

    def tell(row: Selection) -> None:
        people = [h.selection.nominations.filter(name=h.name).first() for h in made]
        honoured = [n.person.user for n in people if n is not None and n.person.user_id]
        nominators = [n.nominated_by for n in Nomination.objects.filter(selection=row).select_related("nominated_by")]
        notify(recipients=[*honoured, *nominators], title=_("Result: %(title)s") % {"title": row.title},
               body=row.announcement, url=selection_url(row), obj=row, kind="honours.announced")

    return apply_transition(SELECTION_WORKFLOW, actor=actor, obj=selection, action="announce", update=update,
                            notify=tell)


def selection_cancel(*, actor: Actor, selection: Selection | int, reason: str) -> Selection:
    reason = text(reason, "reason", required=_("Say why the selection is cancelled."), limit=300)

    def update(row: Selection) -> list[str]:
        if row.vote_id and Vote.objects.filter(pk=row.vote_id, state__in=[VoteState.DRAFT, VoteState.OPEN]).exists():
            votes.vote_cancel(actor=actor, vote=row.vote_id, reason=reason)
        row.state_reason = reason
        return ["state_reason"]

    return apply_transition(SELECTION_WORKFLOW, actor=actor, obj=selection, action="cancel", update=update,
                            note=reason)
