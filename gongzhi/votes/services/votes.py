"""Setting up, opening, closing and cancelling votes; the count, the seal and its check.

A vote is opened once its electorate is known (frozen then). At the close the counts are computed
from the ballots (or, for a show of hands, from the counts entered), whether the quorum was met and
whether the motion passed are decided by the vote's rules, and everything is sealed by a SHA-256 of
the ballots and the counts. Programmes that put questions to votes learn of the close through the
extension point `votes.closed`, inside the close's transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, components
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.notifications import notify
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition
from gongzhi.meetings.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingState,
    QuorumRule,
    quorum_met,
)

from ..models import (
    IN_MEETING_METHODS,
    Ballot,
    Choice,
    Electorate,
    Participation,
    PassRule,
    Proxy,
    Vote,
    VoteKind,
    VoteMethod,
    VoteOption,
    VoteResult,
    VoteState,
    passes,
)
from ..workflow import VOTE_WORKFLOW

TITLE_MAX, QUESTION_MAX = 200, 2000
OPTIONS_MAX, OPTION_LABEL_MAX = 50, 100
VOTE_AUDIT_FIELDS = ["area", "meeting", "reference", "title", "method", "electorate", "quorum_rule", "pass_rule",
                     "allow_change", "opens_at", "closes_at"]
ADULT_AGE = 18
# Online electorates: counted from the registry under the vote's area.
REGISTRY_ELECTORATES = (Electorate.ADULT_RESIDENTS, Electorate.HOUSEHOLDS)


def _field(name: str, message: str) -> InvalidInput:
    return InvalidInput(message, fields={name: [message]})


def vote_url(vote: Vote) -> str:
    return f"/votes/{vote.pk}/"


# --- the electorate --------------------------------------------------------------------------------


def adult_cutoff(today: dt.date | None = None) -> dt.date:
    """Born on or before this day: 18 or older today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def adult_residents(area: AreaNode):
    """The living adult residents of the registry in households under `area`."""
    from gongzhi.residents.models import Person, PersonStatus

    return Person.objects.filter(
        status=PersonStatus.LIVING, birth_date__lte=adult_cutoff(), household__path__startswith=area.path
    )


def electorate_size(vote: Vote) -> int:
    """How many the quorum is counted against: the registry's adults or households under the area,
    or, in a meeting of members or representatives, those invited who count for the quorum."""
    if vote.electorate == Electorate.ADULT_RESIDENTS:
        return adult_residents(vote.area).count()
    if vote.electorate == Electorate.HOUSEHOLDS:
        return adult_residents(vote.area).values("household_id").distinct().count()
    if vote.meeting_id is None:
        return 0
    return Attendance.objects.filter(meeting_id=vote.meeting_id, counts_for_quorum=True).count()


# --- set up ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    """An option of a vote among options: the label on the ballot, a short note (a candidate's
    reason), and what it stands for in the owning programme ("nomination:7")."""

    label: str
    reference: str = ""
    note: str = ""


def _clean_options(options: Sequence[OptionSpec | str]) -> list[OptionSpec]:
    specs = [o if isinstance(o, OptionSpec) else OptionSpec(label=str(o)) for o in options]
    specs = [OptionSpec(label=(o.label or "").strip(), reference=(o.reference or "")[:100], note=(o.note or "")[:300])
             for o in specs]
    if len(specs) < 2:
        raise _field("options", _("A vote among options needs at least two options."))
    if len(specs) > OPTIONS_MAX:
        raise _field("options", _("At most %(n)d options.") % {"n": OPTIONS_MAX})
    labels = [o.label for o in specs]
    if any(not label for label in labels):
        raise _field("options", _("Every option needs a label."))
    if any(len(label) > OPTION_LABEL_MAX for label in labels):
        raise _field("options", _("At most %(n)d characters.") % {"n": OPTION_LABEL_MAX})
    if len(set(labels)) != len(labels):
        raise _field("options", _("Two options cannot have the same label."))
    return specs


@transaction.atomic
def vote_create(
    *,
    actor: Actor,
    title: str,
    question: str,
    method: str,
    area: AreaNode | None = None,
    meeting: Meeting | None = None,
    electorate: str = Electorate.MEETING_MEMBERS,
    quorum_rule: str = QuorumRule.MORE_THAN_HALF,
    pass_rule: str = PassRule.MORE_THAN_HALF_PRESENT,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    reference: str = "",
    allow_change: bool = True,
    options: Sequence[OptionSpec | str] | None = None,
) -> Vote:
    """Put a question to a vote: in a meeting (roll call, show of hands, secret ballot) or online in
    a window for the residents of an area. With `options` (online only) the voters choose one of
    them instead of answering yes or no."""
    title, question = (title or "").strip(), (question or "").strip()
    if not title:
        raise _field("title", _("Give the vote a title."))
    if len(title) > TITLE_MAX:
        raise _field("title", _("At most %(n)d characters.") % {"n": TITLE_MAX})
    if not question:
        raise _field("question", _("Write the question put to the vote."))
    if len(question) > QUESTION_MAX:
        raise _field("question", _("At most %(n)d characters.") % {"n": QUESTION_MAX})
    if method not in VoteMethod.values:
        raise _field("method", _("Choose roll call, show of hands, secret ballot or online."))
    if electorate not in Electorate.values:
        raise _field("electorate", _("Choose who the quorum is counted against."))
    if quorum_rule not in QuorumRule.values:
        raise _field("quorum_rule", _("Choose a quorum rule."))
    if pass_rule not in PassRule.values:
        raise _field("pass_rule", _("Choose a majority rule."))
    specs = None
    if options is not None:
        if method != VoteMethod.ONLINE:
            raise _field("options", _("A vote among options is taken online."))
        specs = _clean_options(options)
    if method == VoteMethod.ONLINE:
        if meeting is not None:
            raise _field("meeting", _("An online vote is not taken in a meeting."))
        if area is None:
            raise _field("area", _("Choose the area whose residents vote."))
        if electorate not in REGISTRY_ELECTORATES:
            raise _field("electorate", _("An online vote is by the adult residents or by one vote per household."))
        if opens_at is None or closes_at is None:
            raise _field("closes_at", _("Give when the vote opens and closes."))
        if closes_at <= opens_at:
            raise _field("closes_at", _("The vote must close after it opens."))
        if closes_at <= timezone.now():
            raise _field("closes_at", _("The vote must close in the future."))
        require(actor, "votes.create", area)
    else:
        if meeting is None:
            raise _field("meeting", _("Choose the meeting the vote is taken in."))
        if meeting.state == MeetingState.CANCELLED:
            raise _field("meeting", _("The meeting was cancelled."))
        require(actor, "votes.create", meeting)
        area, opens_at, closes_at = meeting.area, None, None
    vote = Vote.objects.create(
        area=area, meeting=meeting, reference=(reference or "")[:100], title=title, question=question, method=method,
        electorate=electorate, quorum_rule=quorum_rule, pass_rule=pass_rule, allow_change=bool(allow_change),
        opens_at=opens_at, closes_at=closes_at, created_by=actor_user(actor),
        kind=VoteKind.OPTIONS if specs else VoteKind.QUESTION,
    )
    after = audit.snapshot(vote, VOTE_AUDIT_FIELDS)
    if specs:
        VoteOption.objects.bulk_create(
            VoteOption(vote=vote, label=o.label, reference=o.reference, note=o.note, order=n)
            for n, o in enumerate(specs, start=1)
        )
        after["options"] = [o.label for o in specs]
    audit.record(actor=actor, action="votes.vote.create", obj=vote, after=after)
    return vote


def _residents_of(area: AreaNode):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        pk__in=adult_residents(area).exclude(user=None).values("user_id"), is_active=True
    )


def _announce(vote: Vote) -> None:
    if vote.method != VoteMethod.ONLINE:
        return
    notify(
        recipients=_residents_of(vote.area).iterator(),
        title=_("Vote: %(title)s") % {"title": vote.title},
        body=_("Open until %(when)s.") % {"when": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M")},
        url=vote_url(vote), obj=vote, kind="votes.opened",
    )


def vote_open(*, actor: Actor, vote: Vote | int) -> Vote:
    """Open the vote; its electorate is frozen now. A vote in a meeting needs the meeting in session
    and quorate."""

    def guard(row: Vote) -> None:
        if row.meeting_id is not None and row.state == VoteState.DRAFT:
            meeting = Meeting.objects.get(pk=row.meeting_id)
            if meeting.state != MeetingState.IN_SESSION:
                raise Conflict(_("Open the meeting's sign-in first: a vote is taken in session."), code="not_in_session")
            if not meeting.is_quorate:
                raise Conflict(
                    _("The meeting is not quorate (%(present)d of %(expected)d present): no vote can be taken.")
                    % {"present": meeting.present_count, "expected": meeting.expected_count},
                    code="inquorate_meeting",
                )

    def update(row: Vote) -> list[str]:
        row.electorate_count = electorate_size(row)
        row.opened_at = timezone.now()
        if row.electorate_count == 0:
            raise Conflict(_("Nobody may vote: the electorate is empty."), code="empty_electorate")
        return ["electorate_count", "opened_at"]

    return apply_transition(VOTE_WORKFLOW, actor=actor, obj=vote, action="open", guard=guard, update=update,
                            notify=_announce)


def vote_cancel(*, actor: Actor, vote: Vote | int, reason: str) -> Vote:
    reason = (reason or "").strip()
    if not reason:
        raise _field("reason", _("Say why the vote is cancelled."))

    def update(row: Vote) -> list[str]:
        row.state_reason = reason[:300]
        return ["state_reason"]

    return apply_transition(VOTE_WORKFLOW, actor=actor, obj=vote, action="cancel", update=update, note=reason)


# --- the count and the seal -----------------------------------------------------------------------


def present_voters(vote: Vote) -> set[int]:
    """Attendances of the vote's meeting present now: counting for the quorum and not gone."""
    return set(
        Attendance.objects.filter(
            meeting_id=vote.meeting_id, status=AttendanceStatus.PRESENT, counts_for_quorum=True, left_at__isnull=True
        ).values_list("pk", flat=True)
    )


def valid_proxies(vote: Vote, present: set[int]) -> set[int]:
    """Proxies that count: the holder is present (and has not left), and the represented member is
    not present in person."""
    return {
        p.pk
        for p in Proxy.objects.filter(vote=vote)
        if p.holder_id in present and (p.grantor_attendance_id is None or p.grantor_attendance_id not in present)
    }


def _tally(row: Vote) -> None:
    """Counts, attendance, quorum and result from the rows, into `row` (not saved)."""
    if row.meeting_id is not None:
        present = present_voters(row)
        proxies = valid_proxies(row, present)
        # A member who voted in person and left afterwards took part: their ballot stands and they
        # attended this vote (counts never exceed those attending); a proxy needs its holder at the close.
        voted_in_person = set(
            Participation.objects.filter(vote=row, proxy__isnull=True, attendance__isnull=False)
            .values_list("attendance_id", flat=True)
        )
        row.attending_count = len(present | voted_in_person) + len(proxies)
        if row.method != VoteMethod.SHOW_OF_HANDS:
            Ballot.objects.filter(vote=row, proxy__isnull=False).exclude(proxy_id__in=proxies).update(counted=False)
            Ballot.objects.filter(vote=row).filter(proxy__isnull=True).update(counted=True)
            Ballot.objects.filter(vote=row, proxy_id__in=proxies).update(counted=True)
    else:
        row.attending_count = Participation.objects.filter(vote=row).count()
    if row.has_options:
        _tally_options(row)
        return
    if row.method != VoteMethod.SHOW_OF_HANDS:
        counts = dict(
            Ballot.objects.filter(vote=row, counted=True).values_list("choice").annotate(n=Count("id")).values_list("choice", "n")
        )
        row.yes_count = counts.get(Choice.YES, 0)
        row.no_count = counts.get(Choice.NO, 0)
        row.abstain_count = counts.get(Choice.ABSTAIN, 0)
    row.is_quorate = quorum_met(row.quorum_rule, row.attending_count, row.electorate_count)
    if not row.is_quorate:
        row.result = VoteResult.INQUORATE
    elif passes(row.pass_rule, yes=row.yes_count, attending=row.attending_count, electorate=row.electorate_count):
        row.result = VoteResult.PASSED
    else:
        row.result = VoteResult.REJECTED


def _tally_options(row: Vote) -> None:
    """A vote among options: each option's count from the counted ballots (frozen on the option), the
    option(s) with the most votes marked; one is chosen, several are a tie, none voted is no result.
    The quorum rule still applies (a selection usually has none)."""
    counts = dict(
        Ballot.objects.filter(vote=row, counted=True, option__isnull=False).values_list("option")
        .annotate(n=Count("id")).values_list("option", "n")
    )
    options = list(VoteOption.objects.filter(vote=row).order_by("order", "pk"))
    top = max(counts.values(), default=0)
    for option in options:
        option.count = counts.get(option.pk, 0)
        option.is_winner = top > 0 and option.count == top
    VoteOption.objects.bulk_update(options, ["count", "is_winner"])
    row.yes_count = row.no_count = row.abstain_count = 0
    row.is_quorate = quorum_met(row.quorum_rule, row.attending_count, row.electorate_count)
    winners = [o for o in options if o.is_winner]
    if not row.is_quorate:
        row.result = VoteResult.INQUORATE
    elif not winners:
        row.result = VoteResult.NO_BALLOTS
    else:
        row.result = VoteResult.CHOSEN if len(winners) == 1 else VoteResult.TIE


def vote_seal(vote: Vote) -> str:
    """SHA-256 over the vote, its frozen figures and its ballots (keyed voter token, choice, counted),
    in a fixed order: any change to a ballot or a figure after the close changes it. A vote among
    options also seals each ballot's option and each option's label, count and mark."""
    if vote.has_options:
        ballots = sorted(
            (token, choice, counted, option or 0)
            for token, choice, counted, option in Ballot.objects.filter(vote=vote)
            .values_list("voter_token", "choice", "counted", "option_id")
        )
    else:
        ballots = sorted(Ballot.objects.filter(vote=vote).values_list("voter_token", "choice", "counted"))
    content = {
        "vote": vote.pk,
        "method": vote.method,
        "electorate": vote.electorate_count,
        "attending": vote.attending_count,
        "counts": [vote.yes_count, vote.no_count, vote.abstain_count],
        "result": vote.result,
        "ballots": [list(b) for b in ballots],
    }
    if vote.has_options:
        content["kind"] = vote.kind
        content["options"] = [
            [o.pk, o.label, o.count, o.is_winner]
            for o in VoteOption.objects.filter(vote=vote).order_by("pk")
        ]
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def vote_verify(vote: Vote) -> bool:
    """Whether the seal still matches the ballots and the figures (`gongzhi votes-verify`)."""
    vote.refresh_from_db()
    return vote.state == VoteState.CLOSED and bool(vote.sealed_hash) and vote_seal(vote) == vote.sealed_hash


def vote_close(*, actor: Actor, vote: Vote | int) -> Vote:
    """Close the vote: count, decide, freeze and seal; then tell the programmes that put the question
    (`votes.closed`) and those who took part."""

    def guard(row: Vote) -> None:
        if (
            row.method == VoteMethod.SHOW_OF_HANDS
            and row.state == VoteState.OPEN
            and not (row.yes_count or row.no_count or row.abstain_count)
        ):
            raise Conflict(_("Enter the counts of the show of hands before closing."), code="no_counts")

    def update(row: Vote) -> list[str]:
        _tally(row)
        row.closed_at = timezone.now()
        return ["attending_count", "yes_count", "no_count", "abstain_count", "is_quorate", "result", "closed_at"]

    def record(row: Vote, transition, previous: str) -> None:
        row.sealed_hash = vote_seal(row)
        Vote.objects.filter(pk=row.pk).update(sealed_hash=row.sealed_hash)
        for closed in components.extensions("votes.closed"):
            closed(row)

    return apply_transition(VOTE_WORKFLOW, actor=actor, obj=vote, action="close", guard=guard, update=update,
                            record=record, notify=_tell_result)


def _tell_result(vote: Vote) -> None:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=Participation.objects.filter(vote=vote).exclude(user=None)
                                            .values("user_id"))
    if vote.has_options:
        body = _("%(result)s — %(options)s.") % {"result": vote.get_result_display(), "options": "、".join(
            f"{o.label} {o.count}" for o in VoteOption.objects.filter(vote=vote).order_by("-count", "order"))}
    else:
        body = _("%(result)s — in favour %(yes)d, against %(no)d, abstaining %(abstain)d.") % {
            "result": vote.get_result_display(), "yes": vote.yes_count, "no": vote.no_count,
            "abstain": vote.abstain_count}
    notify(
        recipients=users.iterator(), title=_("Result: %(title)s") % {"title": vote.title},
        body=body, url=vote_url(vote), obj=vote, kind="votes.closed",
    )


def close_due_votes(*, actor: Actor) -> int:
    """The worker closes the online votes whose window has ended (each in its own transaction)."""
    require(actor, "votes.close_due")
    closed = 0
    due = Vote.objects.filter(state=VoteState.OPEN, method=VoteMethod.ONLINE, closes_at__lte=timezone.now())
    for pk in list(due.values_list("pk", flat=True)):
        try:
            vote_close(actor=actor, vote=pk)
        except Conflict:
            continue  # closed meanwhile by the staff
        closed += 1
    return closed


__all__ = [
    "IN_MEETING_METHODS", "OptionSpec", "close_due_votes", "electorate_size", "vote_cancel", "vote_close", "vote_create",
    "vote_open", "vote_seal", "vote_verify",
]
