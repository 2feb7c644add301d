"""The rules a vote is held by (城市居民委员会组织法 art. 21 by default): quorum of more than half of
the electorate, decision by more than half of those attending, one household one vote, proxies that
count only while their holder is present; refusals that say why and write nothing; the seal."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.meetings.services import sessions
from gongzhi.votes import services
from gongzhi.votes.models import (
    Ballot,
    Choice,
    Electorate,
    Participation,
    Vote,
    VoteMethod,
    VoteResult,
    VoteState,
)
from gongzhi.votes.tests import factories as f

pytestmark = pytest.mark.django_db


def _close(w, vote):
    return services.vote_close(actor=w.staff, vote=vote)


# --- online ------------------------------------------------------------------------------------


def test_an_online_vote_of_households_passes_by_more_than_half_of_those_voting():
    # Given four households of building A, one vote each
    w = f.world(households=4)
    vote = f.online_vote(w)
    assert vote.electorate_count == 4
    # When three vote (two in favour, one against)
    for person, choice in zip(w.residents[:3], (Choice.YES, Choice.YES, Choice.NO), strict=True):
        services.ballot_cast(actor=person, vote=vote, choice=choice)
    vote = _close(w, vote)
    # Then three of four attended (quorate) and two of three is more than half: passed, sealed
    assert (vote.attending_count, vote.yes_count, vote.no_count, vote.is_quorate) == (3, 2, 1, True)
    assert vote.result == VoteResult.PASSED and vote.state == VoteState.CLOSED
    assert services.vote_verify(vote)


def test_exactly_half_in_favour_is_not_more_than_half():
    w = f.world(households=4)
    vote = f.online_vote(w)
    for person, choice in zip(w.residents, (Choice.YES, Choice.YES, Choice.NO, Choice.ABSTAIN), strict=True):
        services.ballot_cast(actor=person, vote=vote, choice=choice)
    assert _close(w, vote).result == VoteResult.REJECTED


def test_exactly_half_attending_is_no_quorum():
    w = f.world(households=4)
    vote = f.online_vote(w)
    for person in w.residents[:2]:
        services.ballot_cast(actor=person, vote=vote, choice=Choice.YES)
    vote = _close(w, vote)
    assert vote.is_quorate is False and vote.result == VoteResult.INQUORATE


def test_one_household_one_vote_the_second_member_is_told_so():
    w = f.world(households=2, per_household=2)
    vote = f.online_vote(w)
    first, second = w.people[0]
    services.ballot_cast(actor=first, vote=vote, choice=Choice.YES)
    with pytest.raises(Conflict, match="一户一票|one vote per household"):
        services.ballot_cast(actor=second, vote=vote, choice=Choice.NO)
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_adult_residents_each_vote_once_and_may_change_before_the_close():
    w = f.world(households=2, per_household=2)
    vote = f.online_vote(w, electorate=Electorate.ADULT_RESIDENTS)
    assert vote.electorate_count == 4
    voter = w.residents[0]
    services.ballot_cast(actor=voter, vote=vote, choice=Choice.NO)
    with pytest.raises(Conflict):
        services.ballot_cast(actor=voter, vote=vote, choice=Choice.YES)  # twice
    services.ballot_change(actor=voter, vote=vote, choice=Choice.YES)  # changed before the close
    for other in w.residents[1:3]:
        services.ballot_cast(actor=other, vote=vote, choice=Choice.YES)
    vote = _close(w, vote)
    assert (vote.yes_count, vote.no_count, vote.attending_count) == (3, 0, 3)


def test_the_audit_of_an_online_ballot_says_who_voted_never_how():
    w = f.world(households=2)
    vote = f.online_vote(w)
    services.ballot_cast(actor=w.residents[0], vote=vote, choice=Choice.NO)
    services.ballot_change(actor=w.residents[0], vote=vote, choice=Choice.YES)
    events = AuditEvent.objects.filter(action__startswith="votes.ballot")
    assert events.count() == 2 and all(e.actor == w.residents[0] for e in events)
    for event in events:
        text = f"{event.before} {event.after} {event.note}"
        assert "yes" not in text and "no" not in text.replace("note", "")
    assert not Ballot.objects.filter(vote=vote, name__gt="").exists()


def test_outside_the_scope_outside_the_window_and_late_ballots_are_refused_and_nothing_written():
    w = f.world(households=2)
    vote = f.online_vote(w)
    with pytest.raises(NotFound):
        services.ballot_cast(actor=w.outsider, vote=vote, choice=Choice.YES)  # another district: not even shown
    with pytest.raises((Forbidden, NotFound)):
        services.ballot_cast(actor=w.resident_b, vote=vote, choice=Choice.YES)  # same community, building B
    later = f.online_vote(w, open_now=False)
    Vote.objects.filter(pk=later.pk).update(opens_at=timezone.now() + dt.timedelta(hours=1))
    later = services.vote_open(actor=w.staff, vote=later)
    with pytest.raises(Conflict, match="尚未开始|not open yet"):
        services.ballot_cast(actor=w.residents[0], vote=later, choice=Choice.YES)
    # a late ballot: the window ended, the worker has not closed the vote yet
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict, match="已结束|closed"):
        services.ballot_cast(actor=w.residents[0], vote=vote, choice=Choice.YES)
    assert not Participation.objects.exists() and not Ballot.objects.exists()
    # and the worker closes it, counted and sealed
    assert services.close_due_votes(actor=f.ACTOR) == 1
    assert Vote.objects.get(pk=vote.pk).state == VoteState.CLOSED


def test_a_resident_not_linked_to_the_registry_cannot_vote():
    from gongzhi.accounts.tests.factories import user

    w = f.world(households=2)
    vote = f.online_vote(w, area=w.community)
    stranger = user("resident")
    with pytest.raises(NotFound):
        services.ballot_cast(actor=stranger, vote=vote, choice=Choice.YES)


def test_the_seal_breaks_when_a_ballot_is_changed_after_the_close():
    w = f.world(households=3)
    vote = f.online_vote(w)
    for person in w.residents:
        services.ballot_cast(actor=person, vote=vote, choice=Choice.YES)
    vote = _close(w, vote)
    assert services.vote_verify(vote)
    Ballot.objects.filter(vote=vote).update(choice=Choice.NO)  # tampering behind the platform's back
    assert not services.vote_verify(vote)
    with pytest.raises(Conflict):
        services.ballot_change(actor=w.residents[0], vote=vote, choice=Choice.NO)


# --- in a meeting ------------------------------------------------------------------------------


def test_a_vote_in_an_inquorate_meeting_is_refused():
    w = f.world(households=1)
    meeting, _ = f.meeting_in_session(w, members=5, present=2)
    vote = f.meeting_vote(w, meeting, open_now=False)
    with pytest.raises(Conflict, match="不足|not quorate"):
        services.vote_open(actor=w.staff, vote=vote)
    assert Vote.objects.get(pk=vote.pk).state == VoteState.DRAFT


def test_a_roll_call_names_each_choice_and_a_member_votes_once():
    w = f.world(households=1)
    meeting, members = f.meeting_in_session(w, members=5, present=4)
    vote = f.meeting_vote(w, meeting)
    for member, choice in zip(members[:4], (Choice.YES, Choice.YES, Choice.YES, Choice.NO), strict=True):
        services.ballot_record(actor=w.staff, vote=vote, attendance=member, choice=choice)
    with pytest.raises(Conflict):
        services.ballot_record(actor=w.staff, vote=vote, attendance=members[0], choice=Choice.NO)
    with pytest.raises(InvalidInput):
        services.ballot_record(actor=w.staff, vote=vote, attendance=members[4], choice=Choice.YES)  # not present
    vote = _close(w, vote)
    assert (vote.electorate_count, vote.attending_count, vote.yes_count, vote.result) == (5, 4, 3, VoteResult.PASSED)
    assert sorted(Ballot.objects.filter(vote=vote).values_list("name", flat=True)) == sorted(m.name for m in members[:4])


def test_a_proxy_counts_while_its_holder_is_present_and_not_after_the_holder_left():
    w = f.world(households=1)
    meeting, members = f.meeting_in_session(w, members=6, present=5)
    vote = f.meeting_vote(w, meeting, method=VoteMethod.SECRET)
    holder, other, third, absent = members[0], members[1], members[2], members[5]
    proxy = services.proxy_record(actor=w.staff, vote=vote, holder=holder, grantor_name="", grantor_attendance=absent)
    services.ballot_record(actor=w.staff, vote=vote, attendance=holder, choice=Choice.YES)
    services.ballot_record(actor=w.staff, vote=vote, attendance=holder, choice=Choice.YES, proxy=proxy)
    services.ballot_record(actor=w.staff, vote=vote, attendance=other, choice=Choice.NO)
    services.ballot_record(actor=w.staff, vote=vote, attendance=third, choice=Choice.NO)
    # When the holder leaves before the close
    sessions.attendance_mark_left(actor=f.ACTOR, attendance=holder)
    vote = _close(w, vote)
    # Then the proxy's ballot is kept but not counted, and the holder's own ballot still counts (so
    # the holder, who voted before leaving, is among those attending this vote)
    assert Ballot.objects.filter(vote=vote, proxy=proxy, counted=False).exists()
    assert (vote.attending_count, vote.yes_count, vote.no_count) == (5, 1, 2)
    assert vote.result == VoteResult.REJECTED
    assert not Ballot.objects.filter(vote=vote, name__gt="").exists()  # secret: no names on ballots


def test_a_proxy_of_a_holder_still_present_counts_toward_the_quorum():
    w = f.world(households=1)
    meeting, members = f.meeting_in_session(w, members=6, present=4)
    vote = f.meeting_vote(w, meeting, method=VoteMethod.SHOW_OF_HANDS)
    services.proxy_record(actor=w.staff, vote=vote, holder=members[0], grantor_name="", grantor_attendance=members[5])
    with pytest.raises(InvalidInput):
        services.counts_enter(actor=w.staff, vote=vote, yes=5, no=1, abstain=0)  # more hands than voters
    services.counts_enter(actor=w.staff, vote=vote, yes=3, no=2, abstain=0)
    vote = _close(w, vote)
    assert (vote.attending_count, vote.result) == (5, VoteResult.PASSED)


def test_staff_of_another_community_cannot_run_this_vote():
    w = f.world(households=1)
    vote = f.online_vote(w)
    with pytest.raises(NotFound):
        services.vote_close(actor=w.other_staff, vote=vote)
