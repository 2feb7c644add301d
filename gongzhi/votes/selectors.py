"""Reads of the vote engine: the votes a user sees, a vote's page (figures, the seal, whether the
user may vote now and why not, the user's own online ballot), the named roll call, and the console
of a vote taken in a meeting."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gongzhi.core.errors import Conflict, DomainError, NotFound
from gongzhi.core.permissions import can
from gongzhi.meetings.models import Attendance, AttendanceStatus

from .models import Ballot, Participation, Proxy, Vote, VoteMethod, VoteOption, VoteState
from .services.ballots import online_voter, voter_token
from .services.votes import vote_verify

PAGE_SIZE = 25


def votes_visible(*, user) -> QuerySet:
    return Vote.objects.visible_to(user).select_related("area", "meeting")


def vote_get(*, user, pk: int) -> Vote:
    vote = votes_visible(user=user).filter(pk=pk).first()
    if vote is None:
        raise NotFound()
    return vote


def votes_list(*, user, state: str = "", method: str = "", q: str = "") -> QuerySet:
    """The staff list of the area's votes, newest first, filtered by state, method and a search of
    the title, question and reference."""
    qs = votes_visible(user=user)
    if state in VoteState.values:
        qs = qs.filter(state=state)
    if method in VoteMethod.values:
        qs = qs.filter(method=method)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(question__icontains=q) | Q(reference__icontains=q))
    return qs.order_by("-created_at", "-id")


def reference_url(reference: str) -> str:
    """Where the vote's question comes from ("topic:12" → the topic's page), or ""."""
    kind, _sep, ident = (reference or "").partition(":")
    if kind == "topic" and ident.isdigit():
        return f"/deliberation/topics/{ident}/"
    if kind == "selection" and ident.isdigit():
        return f"/honours/selections/{ident}/"
    return ""


@dataclass
class VotePage:
    vote: Vote
    runs: bool
    may_vote: bool = False
    may_change: bool = False
    why_not: str = ""
    my_choice: str = ""
    my_choice_label: str = ""
    my_option_id: int | None = None
    options: list[VoteOption] = field(default_factory=list)
    winners: list[VoteOption] = field(default_factory=list)
    turnout: float | None = None
    seal_holds: bool | None = None
    reference_url: str = ""
    actions: list[str] = field(default_factory=list)


def _my_ballot(vote: Vote, user) -> Ballot | None:
    """The user's online ballot (found by its keyed token), for that voter only."""
    try:
        person = online_voter(user, vote)
    except DomainError:
        return None
    from .services.ballots import _voter_key

    key = _voter_key(vote, person)
    # The household's ballot is shown only to the member who cast it.
    if not Participation.objects.filter(vote=vote, voter_key=key, user=user).exists():
        return None
    return Ballot.objects.filter(vote=vote, voter_token=voter_token(vote.pk, key)).select_related("option").first()


def _household_voted(vote: Vote, user) -> bool:
    """Whether the user's vote key has a participation (someone of the household may have voted)."""
    try:
        person = online_voter(user, vote)
    except DomainError:
        return False
    from .services.ballots import _voter_key

    return Participation.objects.filter(vote=vote, voter_key=_voter_key(vote, person)).exists()


def vote_page(*, user, vote: Vote) -> VotePage:
    """Everything the vote's page shows this user, without writing anything."""
    from .workflow import VOTE_WORKFLOW

    page = VotePage(vote=vote, runs=can(user, "votes.run", vote), reference_url=reference_url(vote.reference))
    page.actions = [t.action for t in VOTE_WORKFLOW.offered(user, vote)] if page.runs else []
    if vote.electorate_count:
        attending = vote.attending_count if vote.state == VoteState.CLOSED else _attending_now(vote)
        page.turnout = round(100 * attending / vote.electorate_count, 1)
    if vote.state == VoteState.CLOSED:
        page.seal_holds = vote_verify(vote)
    if vote.method != VoteMethod.ONLINE:
        if vote.state == VoteState.OPEN:
            page.why_not = _("This vote is taken in its meeting: the secretary enters the ballots.")
        return page
    if vote.has_options:
        page.options = list(VoteOption.objects.filter(vote=vote).order_by("order", "pk"))
        if vote.state == VoteState.CLOSED:
            page.options.sort(key=lambda o: (-o.count, o.order, o.pk))
            page.winners = [o for o in page.options if o.is_winner]
    mine = _my_ballot(vote, user)
    if mine is not None and mine.option_id:
        page.my_choice, page.my_choice_label, page.my_option_id = f"option:{mine.option_id}", mine.option.label, mine.option_id
    elif mine is not None:
        page.my_choice, page.my_choice_label = mine.choice, str(mine.get_choice_display())
    from .services.ballots import _check_window

    try:
        _check_window(vote)
        online_voter(user, vote)
    except DomainError as exc:
        page.why_not = exc.message
        return page
    if page.my_choice:
        page.may_change = vote.allow_change
        if not vote.allow_change:
            page.why_not = _("You have voted. Ballots of this vote cannot be changed.")
    elif _household_voted(vote, user):
        page.why_not = _("Your household has already voted: one vote per household.")
    else:
        page.may_vote = True
    return page


def _attending_now(vote: Vote) -> int:
    return Participation.objects.filter(vote=vote).count()


def roll_call(*, user, vote: Vote) -> list[Ballot]:
    """The named roll call: each voter's name and choice. Never for a secret or online vote."""
    if vote.method != VoteMethod.ROLL_CALL:
        raise Conflict(_("Only a named roll call lists how each voter voted."), code="not_roll_call")
    return list(Ballot.objects.filter(vote=vote).select_related("proxy").order_by("id"))


@dataclass
class ConsoleRow:
    attendance: Attendance
    voted: bool
    left: bool
    choice_label: str = ""  # roll call only
    proxies: list[Proxy] = field(default_factory=list)


def console(*, user, vote: Vote) -> list[ConsoleRow]:
    """The secretary's console in a meeting: the members present (and who left), the proxies they
    hold, who has voted (and, in a roll call only, how)."""
    if vote.meeting_id is None:
        return []
    present = list(
        Attendance.objects.filter(meeting_id=vote.meeting_id, status=AttendanceStatus.PRESENT, counts_for_quorum=True)
        .order_by("pk")
    )
    voted = {p.attendance_id for p in Participation.objects.filter(vote=vote, proxy__isnull=True)}
    choices = {}
    if vote.method == VoteMethod.ROLL_CALL:
        for ballot in Ballot.objects.filter(vote=vote, proxy__isnull=True):
            choices[ballot.name] = str(ballot.get_choice_display())
    proxies: dict[int, list[Proxy]] = {}
    proxy_voted = set(Participation.objects.filter(vote=vote, proxy__isnull=False).values_list("proxy_id", flat=True))
    for proxy in Proxy.objects.filter(vote=vote).order_by("pk"):
        proxy.voted = proxy.pk in proxy_voted
        proxies.setdefault(proxy.holder_id, []).append(proxy)
    return [
        ConsoleRow(attendance=a, voted=a.pk in voted, left=a.left_at is not None,
                   choice_label=choices.get(a.name, "") if a.pk in voted else "", proxies=proxies.get(a.pk, []))
        for a in present
    ]


def absent_members(*, vote: Vote) -> list[Attendance]:
    """Members of the meeting not present in person (who may be represented by a proxy)."""
    if vote.meeting_id is None:
        return []
    return list(
        Attendance.objects.filter(meeting_id=vote.meeting_id, counts_for_quorum=True)
        .exclude(status=AttendanceStatus.PRESENT, left_at__isnull=True).order_by("pk")
    )


def attendance_of(*, vote: Vote, pk: int) -> Attendance:
    row = Attendance.objects.filter(pk=pk, meeting_id=vote.meeting_id).first() if vote.meeting_id else None
    if row is None:
        raise NotFound()
    return row


def proxy_of(*, vote: Vote, pk: int | None) -> Proxy | None:
    if not pk:
        return None
    row = Proxy.objects.filter(pk=pk, vote=vote).first()
    if row is None:
        raise NotFound()
    return row

