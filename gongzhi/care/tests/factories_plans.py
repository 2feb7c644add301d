"""Test data of plans and branches, on top of `factories.care_world()`: registered people with the
registry's care tags in a second household, an emergency contact, a staff user outside the area."""

from __future__ import annotations

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import child
from gongzhi.residents.models import PersonTag
from gongzhi.residents.tests.factories import person

from . import factories


def tag(who, kind: str) -> PersonTag:
    return PersonTag.objects.create(person=who, kind=kind)


def world() -> dict:
    """care_world() + 张桂英 (独居老人, 低保) living alone in “102室” of grid A (no plan yet), 刘大爷 in
    household A, and a community worker of the other community (outside grid A)."""
    w = factories.care_world()
    w["household_tagged"] = child(w["unit_a"], name="102室")
    w["alone"] = person(w["household_tagged"], name="张桂英")
    tag(w["alone"], "elderly_alone")
    tag(w["alone"], "subsistence")
    w["resident_a"] = person(w["household_a"], name="刘大爷")
    w["outsider"] = user("community_staff", nodes=[w["other_community"]])
    return w
