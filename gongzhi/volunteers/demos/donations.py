"""Volunteers demo: donations. The campaigns 每天一元 (monthly pledges of 30 yuan by volunteers,
with their teams) and 慈心一日捐 (one day's pay, once a year), with a year of donations, each with
its receipt. Reads ctx.data["volunteers"] left by the people demo; does nothing without it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gongzhi.areas.models import AreaKind
from gongzhi.core.permissions import can

from ..models import CampaignKind, PledgeFrequency, TeamMember
from ..services import donations as service
from .mobilisation import ancestor_of


def _months_back(today: dt.date, n: int) -> dt.date:
    month = today.month - n
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, min(today.day, 28))


def load(ctx) -> None:
    handles = ctx.data.get("volunteers")
    if not handles or not handles.get("volunteers"):
        return
    volunteers = list(handles["volunteers"])
    first = volunteers[0]
    community = ancestor_of(first.area, AreaKind.COMMUNITY)
    if community is None:
        return
    staff = handles.get("staff")
    actor = staff if staff is not None and can(staff, "volunteers.keep_donations", community) else ctx.actor
    today = timezone.localdate()
    year_ago = _months_back(today, 12)
    daily = service.campaign_create(actor=actor, area=community, name="每天一元", kind=CampaignKind.DAILY_YUAN,
                                    starts_on=year_ago, target="50000", purpose="社区困难家庭、独居老人帮扶基金")
    one_day = service.campaign_create(actor=actor, area=community, name="慈心一日捐", kind=CampaignKind.ONE_DAY,
                                      starts_on=year_ago, ends_on=today, target="30000",
                                      purpose="市慈善总会慈心一日捐，用于大病救助和助学")
    team_of = {m.volunteer_id: m.team for m in TeamMember.objects.filter(volunteer__in=volunteers).select_related("team")}
    donors = [v for v in volunteers if v.area.path.startswith(community.path)][:12]
    for i, v in enumerate(donors):
        months = 12 - (i % 4)
        pledge = service.pledge_create(actor=actor, campaign=daily, donor=v.name, amount="30", volunteer=v,
                                       team=team_of.get(v.pk), frequency=PledgeFrequency.MONTHLY,
                                       pledged_on=_months_back(today, months - 1))
        for m in range(months - 1, -1, -1):
            if ctx.rng.random() < 0.9:  # now and then a month is missed
                service.donation_record(actor=actor, campaign=daily, amount="30", pledge=pledge,
                                        received_on=_months_back(today, m))
        one = ctx.rng.choice(["100", "150", "200", "286.50", "320"])
        pledge = service.pledge_create(actor=actor, campaign=one_day, donor=v.name, amount=one, volunteer=v,
                                       team=team_of.get(v.pk), frequency=PledgeFrequency.ONCE,
                                       pledged_on=_months_back(today, 6))
        if i % 5 != 4:
            service.donation_record(actor=actor, campaign=one_day, amount=one, pledge=pledge,
                                    received_on=_months_back(today, 5))
    service.donation_record(actor=actor, campaign=one_day, amount="5000", donor="瓜州路社区共建单位",
                            received_on=_months_back(today, 5))
    ctx.log("volunteers: donations — 每天一元 and 慈心一日捐 with pledges and a year of donations")
