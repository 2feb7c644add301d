"""The demo reads like what residents and staff write: no generated filler (Faker's zh_CN lorem,
e.g. “登录没有积分个人可能一种。”) in any case text, and every request names its place."""

import re

import pytest
from faker.providers.lorem.zh_CN import Provider as Lorem

from gongzhi.areas import demo as areas_demo
from gongzhi.cases import demo as cases_demo
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.core.actors import SystemActor
from gongzhi.core.demo import DemoContext

LOREM = set(Lorem.word_list)
_CLAUSES = re.compile(r"[，。！？；：、,.!?;:\s]+")


def lorem_clause(clause: str) -> bool:
    """Whether `clause` is four or more of Faker's lorem words strung together."""
    best = [None] * (len(clause) + 1)  # fewest words that make up clause[:i]
    best[0] = 0
    for end in range(1, len(clause) + 1):
        for start in range(max(0, end - 4), end):
            if best[start] is not None and clause[start:end] in LOREM:
                count = best[start] + 1
                best[end] = count if best[end] is None else min(best[end], count)
    return best[-1] is not None and best[-1] >= 4


def lorem_in(text: str) -> list[str]:
    return [c for c in _CLAUSES.split(text or "") if c and lorem_clause(c)]


def test_the_detector_catches_fakers_lorem_and_passes_real_text():
    # the sentence the issue quotes, and a fresh one from Faker
    from faker import Faker

    fake = Faker("zh_CN")
    fake.seed_instance(1)
    assert lorem_in("登录没有积分个人可能一种。")
    assert lorem_in(fake.sentence())
    assert not lorem_in("铁建丽苑3号楼2单元，楼道里堆满杂物和纸箱，有火灾隐患。已经好几天了。麻烦社区尽快派人来看看。")


@pytest.mark.django_db
def test_demo_cases_read_like_residents_and_staff_write(monkeypatch):
    # given the demo's areas and 60 of its cases
    monkeypatch.setattr(areas_demo, "MAIN_HOUSEHOLDS", 300)
    monkeypatch.setattr(cases_demo, "COUNT", 60)
    ctx = DemoContext(seed=3, actor=SystemActor(label="command:demo"), verbose=False)
    areas_demo.load(ctx)
    cases_demo.load(ctx)
    cases = list(Case.objects.all())
    assert len(cases) >= 60
    # then no title, description or step note is generated filler
    texts = [t for c in cases for t in (c.title, c.description)]
    texts += list(CaseEvent.objects.exclude(note="").values_list("note", flat=True))
    filler = {t: lorem_in(t) for t in texts if lorem_in(t)}
    assert filler == {}
    # and every request says where: its estate and building, as people name them
    for case in cases:
        if case.location.estate_id:
            assert case.location.estate.name in case.description and case.location.name in case.description
