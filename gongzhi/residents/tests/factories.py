"""Test data for residents: generated (never real) ID numbers with a valid check digit, phones,
people and households built through the services."""

import datetime
import itertools

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child, tree
from gongzhi.core.actors import SystemActor
from gongzhi.residents import sample, services
from gongzhi.residents.models import Person

ACTOR = SystemActor(label="test")
_serial = itertools.count(1)


def id_number(*, born: datetime.date | None = None, male: bool = True) -> str:
    """A generated ID number (valid check digit; not a real person's), unique per call."""
    n = next(_serial)
    born = born or datetime.date(1950, 1, 1) + datetime.timedelta(days=(n * 37) % 25000)
    return sample.id_number(born=born, male=male, region="620103", order=n % 499)


def phone() -> str:
    n = next(_serial)
    return f"139{(n * 7919) % 100_000_000:08d}"


def person(household, **values) -> Person:
    values.setdefault("name", f"测试{next(_serial)}")
    values.setdefault("id_number", id_number())
    values.setdefault("phone", phone())
    return services.person_create(actor=ACTOR, household=household, **values)


def world() -> dict:
    """Two grids of one community (tree()), staff for each, one person in each household."""
    nodes = tree()
    nodes["grid_worker_a"] = user("grid_worker", nodes=[nodes["grid_a"]])
    nodes["grid_worker_b"] = user("grid_worker", nodes=[nodes["grid_b"]])
    nodes["community_staff"] = user("community_staff", nodes=[nodes["community"]])
    nodes["person_a"] = person(nodes["household_a"], name="张三", relation="head")
    nodes["person_b"] = person(nodes["household_b"], name="李四", relation="head")
    return nodes


__all__ = ["child", "id_number", "person", "phone", "tree", "user", "world"]
