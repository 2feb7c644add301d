"""Residents casting at the same moment, each request on its own database connection (PostgreSQL;
SQLite serialises writers): many voters count once each, one voter casting twice at once counts
once, and a close racing with casts never leaves a ballot after the seal."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from gongzhi.votes.models import Ballot, Participation, Vote
from gongzhi.votes.services import vote_verify
from gongzhi.votes.tests import factories

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel connections"),
]

JSON = "application/json"


def _run_at_once(jobs) -> list:
    barrier = threading.Barrier(len(jobs))
    answers: list = []

    def run(job):
        try:
            barrier.wait(timeout=20)
            answers.append(job())
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            answers.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=90)
    return answers


def _cast(user, vote_id: int, choice: str = "yes"):
    def job():
        client = Client()
        client.force_login(user)
        return client.post(f"/api/votes/{vote_id}/cast", {"choice": choice}, content_type=JSON).status_code
    return job


def test_many_voters_casting_at_once_each_count_once():
    w = factories.world(households=8)
    vote = factories.online_vote(w)
    answers = _run_at_once([_cast(u, vote.pk) for u in w.residents])
    assert answers == [201] * 8
    assert Ballot.objects.filter(vote=vote).count() == 8 == Participation.objects.filter(vote=vote).count()


def test_one_voter_casting_twice_at_once_counts_once():
    w = factories.world(households=1)
    vote = factories.online_vote(w)
    voter = w.residents[0]
    answers = _run_at_once([_cast(voter, vote.pk, "yes"), _cast(voter, vote.pk, "no"), _cast(voter, vote.pk, "no")])
    assert sorted(answers) == [201, 409, 409]
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_a_close_racing_with_casts_leaves_no_ballot_after_the_seal():
    w = factories.world(households=6)
    vote = factories.online_vote(w)

    def close():
        client = Client()
        client.force_login(w.staff)
        return client.post(f"/api/votes/{vote.pk}/close").status_code

    answers = _run_at_once([*(_cast(u, vote.pk) for u in w.residents), close])
    assert 200 in answers
    vote = Vote.objects.get(pk=vote.pk)
    ballots = Ballot.objects.filter(vote=vote).count()
    # Each cast either landed before the close (counted, sealed) or was refused after it (409).
    assert answers.count(201) == ballots == vote.yes_count == vote.attending_count
    assert answers.count(409) == len(w.residents) - ballots
    assert vote_verify(vote) is True
