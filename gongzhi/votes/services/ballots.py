"""Casting: online by a verified resident of the vote's area, or in a meeting as entered by the
secretary (each present member's choice in a roll call or a secret ballot, a proxy's ballot, the
counts of a show of hands).

Many residents cast at once: a cast takes a SHARED lock on the vote row (PostgreSQL `FOR SHARE`),
so casts run side by side while the close, which takes the exclusive lock, waits for them and they
for it — no ballot lands after the seal. One ballot per voter is the unique constraints on
(vote, voter key) and (vote, voter token), so two casts by one voter at once count once.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.permissions import require
from gongzhi.core.workflow import apply_transition
from gongzhi.meetings.models import Attendance, AttendanceStatus

from ..models import (
    Ballot,
    Choice,
    Electorate,
    Participation,
    ParticipationVia,
    Proxy,
    Vote,
    VoteMethod,
    VoteOption,
    VoteState,
)
from ..workflow import VOTE_WORKFLOW
from .votes import adult_residents


def voter_token(vote_id: int, voter_key: str) -> str:
    """The keyed hash that stands for a voter on their ballot (never their name or key)."""
    key = hashlib.sha256(f"gongzhi-votes:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{vote_id}:{voter_key}".encode(), hashlib.sha256).hexdigest()


def _choice(choice: str) -> str:
    if choice not in Choice.values:
        message = _("Choose in favour, against or abstain.")
        raise InvalidInput(message, fields={"choice": [message]})
    return choice


def _option(vote: Vote, option: VoteOption | int | None) -> VoteOption:
    """The option of `vote` the voter chose (an id or a row), or an InvalidInput beside `option`."""
    pk = option.pk if isinstance(option, VoteOption) else option
    row = None
    if isinstance(pk, int) and not isinstance(pk, bool):
        row = VoteOption.objects.filter(vote=vote, pk=pk).first()
    if row is None:
        message = _("Choose one of the options.")
        raise InvalidInput(message, fields={"option": [message]})
    return row


def _ballot_fields(vote: Vote, choice: str, option: VoteOption | int | None) -> dict:
    """What the ballot carries: the choice of a yes/no question, or the option of a vote among options."""
    if vote.has_options:
        return {"choice": "", "option": _option(vote, option)}
    return {"choice": _choice(choice), "option": None}


def _lock_shared(actor: Actor, pk: int) -> Vote:
    """The vote, visible to the actor, with a shared row lock (PostgreSQL); SQLite serialises
    writers by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM votes_vote WHERE id = %s FOR SHARE", [pk])
    vote = Vote.objects.visible_to(actor).filter(pk=pk).first()
    if vote is None:
        raise NotFound()
    return vote


def _pk(vote: Vote | int) -> int:
    return vote.pk if isinstance(vote, Vote) else int(vote)


def _check_window(vote: Vote) -> None:
    now = timezone.now()
    if vote.state == VoteState.DRAFT or (vote.opens_at and now < vote.opens_at):
        raise Conflict(_("The vote is not open yet."), code="vote_not_open")
    if vote.state != VoteState.OPEN or (vote.closes_at and now >= vote.closes_at):
        raise Conflict(_("The vote is closed: no more ballots are taken."), code="vote_closed")


def online_voter(user, vote: Vote):
    """The registry person `user` votes as in an online vote, or a Forbidden saying why not."""
    person = (
        adult_residents(vote.area).filter(user=user).select_related("household").order_by("pk").first()
        if getattr(user, "is_authenticated", False) else None
    )
    if person is None:
        raise Forbidden(
            _("Only adult residents registered in %(area)s vote here (link your account to your registration first).")
            % {"area": vote.area.name}
        )
    return person


def _voter_key(vote: Vote, person) -> str:
    if vote.electorate == Electorate.HOUSEHOLDS:
        return f"household:{person.household_id}"
    return f"person:{person.pk}"


def ballot_cast(
    *, actor: Actor, vote: Vote | int, choice: str = "", option: VoteOption | int | None = None
) -> Participation:
    """A resident casts their ballot online (once; one per household where the vote says so): a
    choice on a yes/no question, or one option of a vote among options."""
    require(actor, "votes.cast")
    with transaction.atomic():
        row = _lock_shared(actor, _pk(vote))
        if row.method != VoteMethod.ONLINE:
            raise Conflict(_("This vote is taken in its meeting, not online."), code="not_online")
        fields = _ballot_fields(row, choice, option)
        _check_window(row)
        person = online_voter(actor, row)
        key = _voter_key(row, person)
        try:
            with transaction.atomic():
                participation = Participation.objects.create(
                    vote=row, voter_key=key, name=person.name, user=actor_user(actor), via=ParticipationVia.ONLINE
                )
                Ballot.objects.create(vote=row, voter_token=voter_token(row.pk, key), **fields)
        except IntegrityError:
            if key.startswith("household:"):
                raise Conflict(_("Your household has already voted: one vote per household."),
                               code="already_voted") from None
            raise Conflict(_("You have already voted. You may change your vote until the close."),
                           code="already_voted") from None
        # The audit records that this person voted — never how.
        audit.record(actor=actor, action="votes.ballot.cast", obj=row, after={"voted": True})
    return participation


def ballot_change(
    *, actor: Actor, vote: Vote | int, choice: str = "", option: VoteOption | int | None = None
) -> None:
    """A resident changes their own online ballot before the close (where the vote allows it)."""
    require(actor, "votes.cast")
    with transaction.atomic():
        row = _lock_shared(actor, _pk(vote))
        fields = _ballot_fields(row, choice, option)
        _check_window(row)
        if not row.allow_change:
            raise Conflict(_("Ballots of this vote cannot be changed."), code="no_change")
        person = online_voter(actor, row)
        key = _voter_key(row, person)
        if not Participation.objects.filter(vote=row, voter_key=key, user=actor_user(actor)).exists():
            raise Conflict(_("You have not voted yet."), code="not_voted")
        changed = Ballot.objects.select_for_update().filter(vote=row, voter_token=voter_token(row.pk, key)).update(
            changed_at=timezone.now(), **fields
        )
        if not changed:
            raise Conflict(_("You have not voted yet."), code="not_voted")
        audit.record(actor=actor, action="votes.ballot.change", obj=row, after={"changed": True})


# --- in a meeting, entered by whoever runs the vote --------------------------------------------------


def _present(attendance: Attendance) -> bool:
    return attendance.status == AttendanceStatus.PRESENT and attendance.left_at is None


def ballot_record(
    *, actor: Actor, vote: Vote | int, attendance: Attendance, choice: str, proxy: Proxy | None = None
) -> Participation:
    """Enter one present member's ballot in a roll call or a secret ballot (or, with `proxy`, the
    ballot the member casts for the one they represent). A roll call records the name with the
    choice; a secret ballot only that the member voted."""
    choice = _choice(choice)
    made: dict[str, Participation] = {}

    def update(row: Vote) -> list[str]:
        if row.method not in (VoteMethod.ROLL_CALL, VoteMethod.SECRET):
            raise Conflict(_("Ballots are entered only in a roll call or a secret ballot."), code="wrong_method")
        member = Attendance.objects.filter(pk=attendance.pk, meeting_id=row.meeting_id).first()
        if member is None:
            raise InvalidInput(_("Not an attendance of this meeting."), fields={"attendance": [_("Choose a member present.")]})
        if not _present(member) or not member.counts_for_quorum:
            message = _("%(name)s is not present with a vote.") % {"name": member.name}
            raise InvalidInput(message, fields={"attendance": [message]})
        via, name, key = ParticipationVia.IN_PERSON, member.name, f"attendance:{member.pk}"
        used = None
        if proxy is not None:
            used = Proxy.objects.filter(pk=proxy.pk, vote=row, holder=member).first()
            if used is None:
                message = _("This proxy is not held by %(name)s.") % {"name": member.name}
                raise InvalidInput(message, fields={"proxy": [message]})
            via, name, key = ParticipationVia.PROXY, used.grantor_name, used.grantor_key
        try:
            with transaction.atomic():
                made["p"] = Participation.objects.create(
                    vote=row, voter_key=key, name=name, user=member.user if used is None else None,
                    attendance=member, via=via, proxy=used,
                )
                Ballot.objects.create(
                    vote=row, voter_token=voter_token(row.pk, key), choice=choice, proxy=used,
                    name=name if row.method == VoteMethod.ROLL_CALL else "",
                )
        except IntegrityError:
            raise Conflict(_("%(name)s has already voted.") % {"name": name}, code="already_voted") from None
        return []

    with transaction.atomic():
        row = apply_transition(VOTE_WORKFLOW, actor=actor, obj=vote, action="record", update=update)
        # A named roll call is minuted with each choice; a secret ballot's audit says only who voted.
        after = {"voter": made["p"].name}
        if row.method == VoteMethod.ROLL_CALL:
            after["choice"] = choice
        audit.record(actor=actor, action="votes.ballot.record", obj=row, after=after)
    return made["p"]


def counts_enter(*, actor: Actor, vote: Vote | int, yes: int, no: int, abstain: int) -> Vote:
    """Enter the counts of a show of hands (again, to correct them, until the close)."""
    values = {"yes": yes, "no": no, "abstain": abstain}
    for field, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            message = _("A count is a whole number, zero or more.")
            raise InvalidInput(message, fields={field: [message]})

    from .votes import present_voters, valid_proxies

    def update(row: Vote) -> list[str]:
        if row.method != VoteMethod.SHOW_OF_HANDS:
            raise Conflict(_("Counts are entered only for a show of hands."), code="wrong_method")
        present = present_voters(row)
        attending = len(present) + len(valid_proxies(row, present))
        if yes + no + abstain > attending:
            message = _("More hands (%(n)d) than voters present (%(m)d).") % {"n": yes + no + abstain, "m": attending}
            raise InvalidInput(message, fields={"yes": [message]})
        row.yes_count, row.no_count, row.abstain_count = yes, no, abstain
        return ["yes_count", "no_count", "abstain_count"]

    return apply_transition(VOTE_WORKFLOW, actor=actor, obj=vote, action="record", update=update,
                            note=f"{yes}/{no}/{abstain}")


def proxy_record(
    *, actor: Actor, vote: Vote | int, holder: Attendance, grantor_name: str,
    grantor_attendance: Attendance | None = None, note: str = "",
) -> Proxy:
    """Record that a voter absent from the meeting is represented by a member present (委托)."""
    grantor_name = (grantor_name or "").strip() or (grantor_attendance.name if grantor_attendance else "")
    if not grantor_name:
        raise InvalidInput(_("Give the name of the one represented."),
                           fields={"grantor_name": [_("Give the name of the one represented.")]})
    made: dict[str, Proxy] = {}

    def update(row: Vote) -> list[str]:
        if row.meeting_id is None:
            raise Conflict(_("Proxies are held in a meeting."), code="not_in_meeting")
        member = Attendance.objects.filter(pk=holder.pk, meeting_id=row.meeting_id).first()
        if member is None or not _present(member):
            message = _("The holder of a proxy must be present.")
            raise InvalidInput(message, fields={"holder": [message]})
        key = f"attendance:{grantor_attendance.pk}" if grantor_attendance else f"named:{grantor_name}"
        if grantor_attendance is not None:
            if grantor_attendance.meeting_id != row.meeting_id or grantor_attendance.pk == member.pk:
                message = _("Choose another member of this meeting.")
                raise InvalidInput(message, fields={"grantor_attendance": [message]})
            if _present(grantor_attendance):
                message = _("%(name)s is present and votes in person.") % {"name": grantor_attendance.name}
                raise InvalidInput(message, fields={"grantor_attendance": [message]})
        try:
            with transaction.atomic():
                made["p"] = Proxy.objects.create(
                    vote=row, grantor_key=key, grantor_name=grantor_name[:50], grantor_attendance=grantor_attendance,
                    holder=member, note=(note or "")[:200], recorded_by=actor_user(actor),
                )
        except IntegrityError:
            message = _("%(name)s is already represented by a proxy.") % {"name": grantor_name}
            raise InvalidInput(message, fields={"grantor_name": [message]}) from None
        return []

    apply_transition(VOTE_WORKFLOW, actor=actor, obj=vote, action="record", update=update,
                     note=f"proxy {grantor_name} → {holder.name}")
    return made["p"]
