"""A vote among options (choose one of the candidates): one person one vote, only the verified
residents of the area, the option in the sealed tally, the most votes wins and a tie is reported as
a tie."""

import pytest
from django.core.management import CommandError, call_command

from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.votes import services
from gongzhi.votes.models import Ballot, Electorate, VoteKind, VoteOption, VoteResult
from gongzhi.votes.tests import factories as f

pytestmark = pytest.mark.django_db

CANDIDATES = ["张桂兰", "李建国", "王秀英"]


def _vote(w, **extra):
    return f.online_vote(w, electorate=Electorate.ADULT_RESIDENTS, options=CANDIDATES,
                         quorum_rule="none", **extra)


def _option(vote, label):
    return VoteOption.objects.get(vote=vote, label=label)


def test_the_option_with_most_votes_is_chosen_and_the_seal_covers_the_options():
    # Given three candidates and four residents
    w = f.world(households=4)
    vote = _vote(w)
    assert vote.kind == VoteKind.OPTIONS
    # When three choose 张桂兰 and one 李建国
    for person, label in zip(w.residents, ["张桂兰", "张桂兰", "李建国", "张桂兰"], strict=True):
        services.ballot_cast(actor=person, vote=vote, option=_option(vote, label))
    vote = services.vote_close(actor=w.staff, vote=vote)
    # Then 张桂兰 is chosen with 3, each option's count is frozen, and the seal holds
    assert vote.result == VoteResult.CHOSEN and vote.attending_count == 4
    counts = {o.label: (o.count, o.is_winner) for o in vote.options.all()}
    assert counts == {"张桂兰": (3, True), "李建国": (1, False), "王秀英": (0, False)}
    assert services.vote_verify(vote)
    call_command("votes_verify", vote.pk)
    # When someone moves one ballot to another option after the close
    Ballot.objects.filter(vote=vote, option__label="李建国").update(option=_option(vote, "王秀英"))
    # Then the seal no longer holds
    assert not services.vote_verify(vote)
    with pytest.raises(CommandError):
        call_command("votes_verify", vote.pk)


def test_a_tie_is_reported_as_a_tie_with_both_marked():
    w = f.world(households=4)
    vote = _vote(w)
    for person, label in zip(w.residents, ["张桂兰", "李建国", "张桂兰", "李建国"], strict=True):
        services.ballot_cast(actor=person, vote=vote, option=_option(vote, label).pk)
    vote = services.vote_close(actor=w.staff, vote=vote)
    assert vote.result == VoteResult.TIE
    assert sorted(o.label for o in vote.options.filter(is_winner=True)) == ["张桂兰", "李建国"]


def test_one_person_one_vote_a_second_ballot_is_refused_and_a_change_replaces_it():
    w = f.world(households=2)
    vote = _vote(w)
    voter = w.residents[0]
    services.ballot_cast(actor=voter, vote=vote, option=_option(vote, "张桂兰"))
    with pytest.raises(Conflict):
        services.ballot_cast(actor=voter, vote=vote, option=_option(vote, "李建国"))
    services.ballot_change(actor=voter, vote=vote, option=_option(vote, "李建国"))
    assert Ballot.objects.filter(vote=vote).count() == 1
    vote = services.vote_close(actor=w.staff, vote=vote)
    assert [o.label for o in vote.options.filter(is_winner=True)] == ["李建国"]


def test_without_allow_change_the_first_ballot_stands():
    w = f.world(households=2)
    vote = _vote(w, allow_change=False)
    voter = w.residents[0]
    services.ballot_cast(actor=voter, vote=vote, option=_option(vote, "张桂兰"))
    with pytest.raises(Conflict):
        services.ballot_change(actor=voter, vote=vote, option=_option(vote, "李建国"))


def test_an_outsider_and_a_missing_option_are_refused():
    w = f.world(households=2)
    vote = _vote(w)
    # A resident of another building does not see the vote; the staff of the area see it but are no voters
    with pytest.raises(NotFound):
        services.ballot_cast(actor=w.resident_b, vote=vote, option=_option(vote, "张桂兰"))
    with pytest.raises(Forbidden):
        services.ballot_cast(actor=w.staff, vote=vote, option=_option(vote, "张桂兰"))
    other = _vote(w)
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=w.residents[0], vote=vote, option=_option(other, "张桂兰"))
    with pytest.raises(InvalidInput):
        services.ballot_cast(actor=w.residents[0], vote=vote, choice="yes")
    assert not Ballot.objects.filter(vote=vote).exists()


def test_options_need_two_distinct_labels_and_an_online_vote():
    w = f.world(households=2)
    with pytest.raises(InvalidInput):
        f.online_vote(w, options=["张桂兰"])
    with pytest.raises(InvalidInput):
        f.online_vote(w, options=["张桂兰", "张桂兰"])


def test_nobody_voting_is_no_result():
    w = f.world(households=2)
    vote = services.vote_close(actor=w.staff, vote=_vote(w))
    assert vote.result == VoteResult.NO_BALLOTS and not vote.options.filter(is_winner=True).exists()
    assert services.vote_verify(vote)
