"""Public selections: residents nominate in the window, the community makes a short list, the
residents vote through the vote engine (one person one vote, the sealed tally), the close counts
it, the announcement puts the winner(s) on the public honour roll; ties honour both."""

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent, Notification
from gongzhi.honours.models import Honour, Nomination, SelectionKind, SelectionState
from gongzhi.honours.services import selections
from gongzhi.honours.tests import factories as f
from gongzhi.votes import services as votes
from gongzhi.votes.models import Ballot, VoteOption, VoteResult

pytestmark = pytest.mark.django_db


def _option(row, nomination):
    return VoteOption.objects.get(vote=row.vote, reference=f"nomination:{nomination.pk}")


def test_the_whole_selection_from_nomination_to_the_honour_roll(django_capture_on_commit_callbacks):
    # Given a 每月好人 selection of the community and three nominations by residents
    w = f.world(households=4)
    row = f.selection(w)
    with django_capture_on_commit_callbacks(execute=True):
        made = f.nominated(w, row, 3)
    # Then the staff are told of each nomination, and the nominee is shown by name only
    assert Notification.objects.filter(recipient=w.staff, kind="honours.nominated").count() == 3
    assert made[0].name == f.person_of(w.residents[1]).name
    # When the community short-lists two and puts them to the vote
    selections.selection_shortlist(actor=w.staff, selection=row, nominations=[made[0].pk, made[1].pk],
                                   note="两委会议讨论")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        row = selections.selection_start_vote(actor=w.staff, selection=row, opens_at=now - dt.timedelta(minutes=1),
                                              closes_at=now + dt.timedelta(hours=1))
    row.refresh_from_db()
    # Then the residents are told the vote is open (the vote engine's announcement)
    assert row.state == SelectionState.VOTING and row.vote.options.count() == 2
    assert Notification.objects.filter(recipient=w.residents[0], kind="votes.opened").exists()
    # When three residents choose the first and one the second
    for voter, nomination in zip(w.residents, [made[0], made[0], made[1], made[0]], strict=True):
        votes.ballot_cast(actor=voter, vote=row.vote, option=_option(row, nomination))
    row = selections.selection_close_vote(actor=w.staff, selection=row)
    # Then the close counted the selection, the tally is sealed and verifies
    assert row.state == SelectionState.COUNTED and row.vote.result == VoteResult.CHOSEN
    assert votes.vote_verify(row.vote)
    # When the community announces
    row = selections.selection_announce(actor=w.staff, selection=row)
    # Then the winner is on the community's honour roll with the reason, by name only
    honour = Honour.objects.get(selection=row)
    assert (honour.name, honour.reason, honour.community, honour.tied) == (made[0].name, made[0].reason,
                                                                          w.community, False)
    assert made[0].name in row.announcement
    assert AuditEvent.objects.filter(action="honours.selection.announce").exists()


def test_a_tie_honours_everyone_sharing_the_most_votes():
    w = f.world(households=4)
    row, made = f.voting(w, count=2)
    for voter, nomination in zip(w.residents, [made[0], made[1], made[0], made[1]], strict=True):
        votes.ballot_cast(actor=voter, vote=row.vote, option=_option(row, nomination))
    row = selections.selection_close_vote(actor=w.staff, selection=row)
    assert row.vote.result == VoteResult.TIE
    selections.selection_announce(actor=w.staff, selection=row)
    assert sorted(Honour.objects.filter(selection=row).values_list("name", "tied")) == sorted(
        [(made[0].name, True), (made[1].name, True)])


def test_one_person_one_vote_and_a_change_replaces_the_ballot():
    w = f.world(households=3)
    row, made = f.voting(w, count=2)
    voter = w.residents[0]
    votes.ballot_cast(actor=voter, vote=row.vote, option=_option(row, made[0]))
    with pytest.raises(Conflict):
        votes.ballot_cast(actor=voter, vote=row.vote, option=_option(row, made[1]))
    votes.ballot_change(actor=voter, vote=row.vote, option=_option(row, made[1]))
    assert Ballot.objects.filter(vote=row.vote).count() == 1
    assert Ballot.objects.get(vote=row.vote).option == _option(row, made[1])


def test_without_change_a_second_ballot_is_refused():
    w = f.world(households=3)
    row, made = f.voting(w, count=2, allow_change=False)
    votes.ballot_cast(actor=w.residents[0], vote=row.vote, option=_option(row, made[0]))
    with pytest.raises(Conflict):
        votes.ballot_change(actor=w.residents[0], vote=row.vote, option=_option(row, made[1]))


def test_only_verified_residents_of_the_community_vote():
    w = f.world(households=3)
    row, made = f.voting(w, count=2)
    # An outsider (another district) does not even see the vote; the staff are no voters
    with pytest.raises(NotFound):
        votes.ballot_cast(actor=w.outsider, vote=row.vote, option=_option(row, made[0]))
    with pytest.raises(Forbidden):
        votes.ballot_cast(actor=w.staff, vote=row.vote, option=_option(row, made[0]))
    assert not Ballot.objects.filter(vote=row.vote).exists()


def test_nominations_outside_the_window_are_refused():
    w = f.world(households=3)
    now = timezone.now()
    later = selections.selection_create(
        actor=w.staff, area=w.community, kind=SelectionKind.GOOD_YOUTH, year=now.year, month=None,
        nominations_open_at=now + dt.timedelta(days=1), nominations_close_at=now + dt.timedelta(days=3))
    with pytest.raises(Conflict, match="开始|open"):
        selections.nomination_add(actor=w.residents[0], selection=later, person=f.person_of(w.residents[1]),
                                  reason="热心助人")
    over = f.selection(w)
    type(over).objects.filter(pk=over.pk).update(nominations_close_at=now - dt.timedelta(minutes=1))
    with pytest.raises(Conflict):
        selections.nomination_add(actor=w.residents[0], selection=over, person=f.person_of(w.residents[1]),
                                  reason="热心助人")
    assert not Nomination.objects.exists()


def test_who_may_nominate_whom():
    w = f.world(households=3)
    row = f.selection(w)
    nominee = f.person_of(w.residents[1])
    # Not a resident of the community (staff, a resident of elsewhere: does not see it)
    with pytest.raises(Forbidden):
        selections.nomination_add(actor=w.staff, selection=row, person=nominee, reason="热心")
    with pytest.raises(NotFound):
        selections.nomination_add(actor=w.outsider, selection=row, person=nominee, reason="热心")
    # A nominee from elsewhere, no reason
    with pytest.raises(InvalidInput):
        selections.nomination_add(actor=w.residents[0], selection=row, person=f.person_of(w.outsider), reason="热心")
    with pytest.raises(InvalidInput):
        selections.nomination_add(actor=w.residents[0], selection=row, person=nominee, reason=" ")
    # The same nominee twice
    selections.nomination_add(actor=w.residents[0], selection=row, person=nominee, reason="热心")
    with pytest.raises(Conflict):
        selections.nomination_add(actor=w.residents[2], selection=row, person=nominee, reason="也很热心")


def test_a_family_is_shown_as_the_household_of_the_nominee():
    w = f.world(households=3)
    row = f.selection(w, kind=SelectionKind.BEAUTIFUL_FAMILY)
    nomination = selections.nomination_add(actor=w.residents[0], selection=row, person=f.person_of(w.residents[1]),
                                           reason="三代同堂，邻里和睦")
    assert nomination.name == f"{f.person_of(w.residents[1]).name}家"


def test_a_short_list_needs_two_of_this_selections_nominations():
    w = f.world(households=3)
    row = f.selection(w)
    made = f.nominated(w, row, 2)
    with pytest.raises(InvalidInput):
        selections.selection_shortlist(actor=w.staff, selection=row, nominations=[made[0].pk])
    other = f.selection(w)
    elsewhere = selections.nomination_add(actor=w.residents[0], selection=other, person=f.person_of(w.residents[2]),
                                          reason="热心")
    with pytest.raises(InvalidInput):
        selections.selection_shortlist(actor=w.staff, selection=row, nominations=[made[0].pk, elsewhere.pk])


def test_another_communitys_staff_do_not_see_the_selection():
    w = f.world(households=3)
    row = f.selection(w)
    made = f.nominated(w, row, 2)
    with pytest.raises(NotFound):
        selections.selection_shortlist(actor=w.other_staff, selection=row, nominations=[m.pk for m in made])


def test_nobody_voting_leaves_nothing_to_announce():
    w = f.world(households=3)
    row, _made = f.voting(w, count=2)
    row = selections.selection_close_vote(actor=w.staff, selection=row)
    assert row.vote.result == VoteResult.NO_BALLOTS
    with pytest.raises(Conflict):
        selections.selection_announce(actor=w.staff, selection=row)
    assert not Honour.objects.exists()


def test_the_worker_closing_the_window_counts_the_selection():
    w = f.world(households=3)
    row, made = f.voting(w, count=2)
    votes.ballot_cast(actor=w.residents[0], vote=row.vote, option=_option(row, made[1]))
    type(row.vote).objects.filter(pk=row.vote_id).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    from gongzhi.core.actors import SystemActor

    assert votes.close_due_votes(actor=SystemActor(label="test")) == 1
    row.refresh_from_db()
    assert row.state == SelectionState.COUNTED
