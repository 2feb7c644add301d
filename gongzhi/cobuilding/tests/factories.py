"""Test data for the co-building app on top of the area, account and party factories. Rows are
created directly (each concern's services are tested in its own tests)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.models import AreaNode, Unit
from gongzhi.areas.tests.factories import UnitFactory
from gongzhi.cobuilding.models import (
    Category,
    MemberReport,
    Need,
    NeedState,
    Problem,
    ProblemKind,
    Project,
    ReportInState,
    Resource,
    ResourceKind,
    UnitReport,
)
from gongzhi.party.models import PartyMember, PartyOrganization

_serial = itertools.count(1)


def category(name: str = "助老服务") -> Category:
    return Category.objects.get_or_create(name=name)[0]


def in_service_member(org: PartyOrganization, *, name: str | None = None, employer: Unit | None = None,
                      with_account: bool = True) -> PartyMember:
    """An in-service member of `org` (their employer's branch) with an account (role party member)."""
    account = user(Role.PARTY_MEMBER, username=f"member{next(_serial)}") if with_account else None
    return PartyMember.objects.create(organization=org, name=name or f"在职党员{next(_serial)}", user=account,
                                      is_in_service=True, employer=employer, phone="13900001111")


def member_report(member: PartyMember, community: AreaNode, *, state: str = ReportInState.ACTIVE) -> MemberReport:
    report = MemberReport.objects.create(member=member, community=community, state=state)
    if state == ReportInState.ACTIVE:
        MemberReport.objects.filter(pk=report.pk).update(confirmed_at=timezone.now())
        PartyMember.objects.filter(pk=member.pk).update(home_community=community)
    return report


def unit(area: AreaNode, *, name: str | None = None) -> Unit:
    return UnitFactory(area=area, name=name or f"驻区单位{next(_serial)}")


def liaison(of: Unit):
    return user(Role.UNIT_LIAISON, unit=of, username=f"liaison{next(_serial)}")


def unit_report(of: Unit, community: AreaNode, *, liaison_name: str = "王经理") -> UnitReport:
    return UnitReport.objects.create(unit=of, community=community, liaison_name=liaison_name,
                                     liaison_phone="13700002222", commitment="每月提供一次场地")


def resource(provider: UnitReport | MemberReport, *, title: str = "会议室", kind: str = ResourceKind.VENUE,
             cat: Category | None = None, capacity: int = 10, used: int = 0) -> Resource:
    fields = {"unit_report": provider} if isinstance(provider, UnitReport) else {"member_report": provider}
    return Resource.objects.create(community=provider.community, kind=kind, category=cat or category(), title=title,
                                   capacity=capacity, used=used, **fields)


def need(area: AreaNode, *, title: str = "独居老人午餐送餐", cat: Category | None = None, state: str = NeedState.OPEN,
         raised_by=None, beneficiary_user=None) -> Need:
    prefixes = [area.path[:end] for end in range(AreaNode.steplen, len(area.path) + 1, AreaNode.steplen)]
    community = AreaNode.objects.filter(kind="community", path__in=prefixes).first()
    return Need.objects.create(area=area, community_path=(community or area).path, category=cat or category(),
                               title=title, state=state, raised_by=raised_by, beneficiary_user=beneficiary_user)


def project(area: AreaNode, owner: Unit, *, title: str = "四点半课堂") -> Project:
    today = timezone.localdate()
    return Project.objects.create(area=area, title=title, owner_unit=owner, term_start=today,
                                  term_end=today + dt.timedelta(days=365))


def problem(of: Unit, area: AreaNode, *, title: str = "员工停车难") -> Problem:
    return Problem.objects.create(unit=of, area=area, kind=ProblemKind.PARKING, title=title)
