"""The honours demo on a small world: a 每月好人 selection of the main community nominated, short-listed,
voted on by demo residents, closed with a sealed tally and announced onto the honour roll; a 最美家庭
selection taking nominations; an award round scored by a panel and decided."""

import datetime as dt

import pytest

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext
from gongzhi.honours import demo
from gongzhi.honours.models import AwardRound, Honour, RoundState, Selection, SelectionState
from gongzhi.residents.tests.factories import id_number, person
from gongzhi.votes import services as votes

pytestmark = pytest.mark.django_db


def test_the_honours_demo():
    # Given a community with sixteen households of one adult each, its staff and the street's
    nodes = tree()
    homes = [nodes["household_a"]] + [child(nodes["unit_a"], name=f"{n}01室") for n in range(2, 17)]
    for n, home in enumerate(homes):
        person(home, name=f"居民{n}", birth_date=dt.date(1960, 3, 1), id_number=id_number(born=dt.date(1960, 3, 1)))
    second = child(nodes["street"], name="兰工坪社区")
    ctx = DemoContext(seed=7, actor=SystemActor(label="demo"), verbose=False)
    ctx.data.update(main_community=nodes["community"], street=nodes["street"], district=nodes["district"],
                    communities=[nodes["community"], second], users={
                        Role.COMMUNITY_STAFF: user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]]),
                        Role.STREET_STAFF: user(Role.STREET_STAFF, nodes=[nodes["street"]])})
    # When the demo loads
    demo.load(ctx)
    # Then last month's 好人 is announced, its tally sealed, and the winner is on the roll
    good = Selection.objects.get(state=SelectionState.ANNOUNCED)
    assert good.vote.participations.count() == len(demo.BALLOTS) and votes.vote_verify(good.vote)
    assert Honour.objects.filter(selection=good, community=nodes["community"]).count() == 1
    assert Selection.objects.filter(state=SelectionState.NOMINATING).get().nominations.count() == 2
    # And the award round is decided with one winner
    award_round = AwardRound.objects.get()
    assert award_round.state == RoundState.DECIDED
    assert award_round.nominations.filter(is_winner=True).count() == 1
