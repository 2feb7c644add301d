"""A small world for the needs concern: a community with its staff and grid worker, a resident
unit reported in with its liaison, an in-service member reported in, a resident living in a
household of grid A (their account linked), and the same shape in a second district."""

from __future__ import annotations

from types import SimpleNamespace

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.party.models import PartyOrganization
from gongzhi.residents.models import Person
from gongzhi.residents.tests.factories import person

from . import factories


def branch(district, name: str = "区委机关党委") -> PartyOrganization:
    from gongzhi.party.models import OrgKind
    from gongzhi.party.tests.factories import organization

    return organization(None, kind=OrgKind.DISTRICT_COMMITTEE, area=district, name=name)


def resident_of(household, *, name: str = "李桂兰", username: str | None = None):
    account = user(Role.RESIDENT, username=username)
    row = person(household, name=name)
    Person.objects.filter(pk=row.pk).update(user=account)
    return account


def world() -> SimpleNamespace:
    t = tree()
    w = SimpleNamespace(**t)
    w.staff = user(Role.COMMUNITY_STAFF, nodes=[t["community"]])
    w.grid_worker = user(Role.GRID_WORKER, nodes=[t["grid_a"]])
    w.unit = factories.unit(t["community"], name="瓜州路小学")
    w.liaison = factories.liaison(w.unit)
    w.unit_report = factories.unit_report(w.unit, t["community"])
    w.member = factories.in_service_member(branch(t["district"]), name="张建国")
    w.member_report = factories.member_report(w.member, t["community"])
    w.member_user = w.member.user
    w.resident = resident_of(t["household_a"])
    w.meals = factories.category("助老助餐")
    w.tutoring = factories.category("课业辅导")
    other = tree()
    w.other = other
    w.other_staff = user(Role.COMMUNITY_STAFF, nodes=[other["community"]])
    return w
