"""Reads of donations: the campaigns of one's scope, a campaign's pledges and donations, and its
totals — received against the target, pledged (each pledge's amount times the instalments due so
far) against received, per team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone

from ..models import Campaign, Donation, Pledge, PledgeFrequency, Team


def campaigns_visible(*, user) -> QuerySet:
    return Campaign.objects.visible_to(user).select_related("area")


def campaign_get(*, user, pk: int) -> Campaign:
    return Campaign.objects.select_related("area").visible_or_404(user, pk=pk)


def donation_get(*, user, pk: int) -> Donation:
    return Donation.objects.select_related("campaign", "campaign__area", "team", "volunteer").visible_or_404(user, pk=pk)


def pledges_of(*, campaign: Campaign) -> QuerySet:
    return campaign.pledges.select_related("team", "volunteer")


def donations_of(*, campaign: Campaign) -> QuerySet:
    return campaign.donations.select_related("team", "volunteer", "pledge")


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def instalments_due(pledge: Pledge, *, until: dt.date) -> int:
    """How many times the pledge was due from its date to `until` (inclusive): once → 1, monthly →
    the months begun, yearly → the years begun; 0 before it was made."""
    if until < pledge.pledged_on:
        return 0
    if pledge.frequency == PledgeFrequency.MONTHLY:
        return _months_between(pledge.pledged_on, until)
    if pledge.frequency == PledgeFrequency.YEARLY:
        return until.year - pledge.pledged_on.year + 1
    return 1


@dataclass
class TeamTotal:
    team_id: int | None
    name: str
    pledged_fen: int = 0
    received_fen: int = 0


@dataclass
class CampaignTotals:
    received_fen: int = 0
    donations: int = 0
    pledged_fen: int = 0
    pledges: int = 0
    target_fen: int | None = None
    teams: list[TeamTotal] = field(default_factory=list)

    @property
    def target_share(self) -> float | None:
        return round(self.received_fen / self.target_fen, 3) if self.target_fen else None

    @property
    def target_share_text(self) -> str:
        share = self.target_share
        return "—" if share is None else f"{share * 100:.0f}%"


def campaign_totals(*, campaign: Campaign, on: dt.date | None = None) -> CampaignTotals:
    """Received (sum of donations) against the target and against what the pledges made due by
    `on` (today, or the campaign's end if earlier); the same per team."""
    on = on or timezone.localdate()
    if campaign.ends_on is not None and campaign.ends_on < on:
        on = campaign.ends_on
    totals = CampaignTotals(target_fen=campaign.target_fen)
    agg = campaign.donations.aggregate(total=Sum("amount_fen"))
    totals.received_fen = int(agg["total"] or 0)
    totals.donations = campaign.donations.count()
    teams: dict[int | None, TeamTotal] = {}
    for pledge in campaign.pledges.all():
        due = pledge.amount_fen * instalments_due(pledge, until=on)
        totals.pledged_fen += due
        totals.pledges += 1
        if pledge.team_id:
            teams.setdefault(pledge.team_id, TeamTotal(pledge.team_id, "")).pledged_fen += due
    for row in campaign.donations.filter(team__isnull=False).values("team_id").annotate(total=Sum("amount_fen")):
        teams.setdefault(row["team_id"], TeamTotal(row["team_id"], "")).received_fen += int(row["total"] or 0)
    names = dict(Team.objects.filter(pk__in=[k for k in teams if k]).values_list("pk", "name"))
    for key, row in teams.items():
        row.name = names.get(key, "")
    totals.teams = sorted(teams.values(), key=lambda t: (-t.received_fen, t.name))
    return totals
