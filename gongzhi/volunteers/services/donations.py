"""Donations (捐赠): campaigns (每天一元, 慈心一日捐, others) with a target, a period and a purpose;
pledges by donors (a volunteer or a team optionally) of an amount at a frequency; donations
received against a campaign (and a pledge, if any), each with a receipt number (JZ + year +
sequence, unique) and a printable receipt.

Money is kept in fen (int). Amounts are typed in yuan with at most two decimals and parsed with
Decimal, never floats: 0, negative amounts and a third decimal are refused beside the field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import audit, permissions
from gongzhi.core.actors import Actor, actor_user
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.workflow import lock_visible

from ..models import Campaign, CampaignKind, Donation, Pledge, PledgeFrequency, Team, Volunteer

YUAN = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
MAX_FEN = 10**14
RECEIPT_PREFIX = "JZ"


def yuan_to_fen(value: str | int | Decimal | None, *, field: str = "amount") -> int:
    """Yuan as typed ("12", "12.5", "12.50", "1,200.00") → fen. Refused: empty, 0, negative, more
    than two decimals, not a number."""
    if isinstance(value, bool) or isinstance(value, float):
        message = _("Type the amount in yuan, e.g. 30 or 30.50.")
        raise InvalidInput(message, fields={field: [message]})
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "").replace("¥", "")
    if not text:
        message = _("Give an amount in yuan.")
        raise InvalidInput(message, fields={field: [message]})
    if text.startswith("-"):
        message = _("The amount must be more than zero.")
        raise InvalidInput(message, fields={field: [message]})
    if not YUAN.match(text):
        message = _("Type the amount in yuan with at most two decimals, e.g. 30 or 30.50.")
        raise InvalidInput(message, fields={field: [message]})
    amount = Decimal(text)
    if amount <= 0:
        message = _("The amount must be more than zero.")
        raise InvalidInput(message, fields={field: [message]})
    fen = int(amount * 100)
    if fen >= MAX_FEN:
        message = _("The amount is too large.")
        raise InvalidInput(message, fields={field: [message]})
    return fen


def fen_to_yuan(fen: int | None) -> str:
    """fen → "1,234.50" (exact; no floats)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value


def _date(value, field: str, *, required: bool = True) -> dt.date | None:
    if value in (None, ""):
        if required:
            raise InvalidInput(_("Give a date."), fields={field: [_("Give a date.")]})
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        message = _("Give a date as YYYY-MM-DD.")
        raise InvalidInput(message, fields={field: [message]}) from None


def _amount(value, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            message = _("The amount must be more than zero.")
            raise InvalidInput(message, fields={field: [message]})
        return value
    return yuan_to_fen(value, field=field)


def _check_people(campaign: Campaign, volunteer: Volunteer | None, team: Team | None) -> None:
    path = campaign.area.path
    district = path[: AreaNode.steplen]
    if volunteer is not None and not volunteer.area.path.startswith(district):
        message = _("Choose a volunteer of the campaign's district.")
        raise InvalidInput(message, fields={"volunteer": [message]})
    if team is not None and not team.area.path.startswith(district):
        message = _("Choose a team of the campaign's district.")
        raise InvalidInput(message, fields={"team": [message]})


@transaction.atomic
def campaign_create(*, actor: Actor, area: AreaNode, name: str, kind: str, starts_on, ends_on=None,
                    target: str | int | None = None, purpose: str = "") -> Campaign:
    """A campaign of `area` (staff of the area); the target in yuan (or fen as an int), optional."""
    permissions.require(actor, "volunteers.keep_donations", area)
    name = _text(name, "name", 100)
    if kind not in CampaignKind.values:
        message = _("Choose a kind of campaign.")
        raise InvalidInput(message, fields={"kind": [message]})
    starts_on = _date(starts_on, "starts_on")
    ends_on = _date(ends_on, "ends_on", required=False)
    if ends_on is not None and ends_on < starts_on:
        message = _("The campaign cannot end before it starts.")
        raise InvalidInput(message, fields={"ends_on": [message]})
    target_fen = None if target in (None, "") else _amount(target, "target")
    campaign = Campaign.objects.create(name=name, kind=kind, area=area, starts_on=starts_on, ends_on=ends_on,
                                       target_fen=target_fen, purpose=_text(purpose, "purpose", 200, required=False))
    audit.record(actor=actor, action="volunteers.campaign.create", obj=campaign,
                 after={"name": name, "kind": kind, "area": area.pk, "starts_on": starts_on, "ends_on": ends_on,
                        "target_fen": target_fen})
    return campaign


@transaction.atomic
def campaign_set_open(*, actor: Actor, campaign: Campaign | int, is_open: bool) -> Campaign:
    """Close a campaign to new pledges and donations, or open it again."""
    pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    locked = lock_visible(Campaign, actor=actor, pk=pk)
    permissions.require(actor, "volunteers.keep_donations", locked)
    before = locked.is_open
    locked.is_open = bool(is_open)
    locked.save(update_fields=["is_open"])
    audit.record(actor=actor, action="volunteers.campaign.update", obj=locked, before={"is_open": before},
                 after={"is_open": locked.is_open})
    return locked


def _open_campaign(actor: Actor, campaign: Campaign | int) -> Campaign:
    pk = campaign.pk if isinstance(campaign, Campaign) else campaign
    locked = lock_visible(Campaign, actor=actor, pk=pk)
    permissions.require(actor, "volunteers.keep_donations", locked)
    if not locked.is_open:
        raise Conflict(_("This campaign is closed."), code="campaign_closed")
    return locked


@transaction.atomic
def pledge_create(*, actor: Actor, campaign: Campaign | int, donor: str, amount: str | int,
                  frequency: str = PledgeFrequency.ONCE, volunteer: Volunteer | None = None, team: Team | None = None,
                  pledged_on=None) -> Pledge:
    """A pledge to an open campaign: the donor's name, an amount (yuan as typed, or fen as an int)
    at a frequency (once, monthly, yearly), for a volunteer or a team optionally."""
    locked = _open_campaign(actor, campaign)
    if volunteer is not None and not donor:
        donor = volunteer.name
    if team is not None and not donor:
        donor = team.name
    donor = _text(donor, "donor", 100)
    fen = _amount(amount, "amount")
    if frequency not in PledgeFrequency.values:
        message = _("Choose how often.")
        raise InvalidInput(message, fields={"frequency": [message]})
    _check_people(locked, volunteer, team)
    pledge = Pledge.objects.create(campaign=locked, donor=donor, volunteer=volunteer, team=team, amount_fen=fen,
                                   frequency=frequency, pledged_on=_date(pledged_on, "pledged_on", required=False)
                                   or timezone.localdate(), created_by=actor_user(actor))
    audit.record(actor=actor, action="volunteers.pledge.create", obj=pledge,
                 after={"campaign": locked.pk, "donor": donor, "amount_fen": fen, "frequency": frequency,
                        "volunteer": getattr(volunteer, "pk", None), "team": getattr(team, "pk", None)})
    return pledge


def _next_receipt(year: int) -> str:
    prefix = f"{RECEIPT_PREFIX}{year}"
    last = (Donation.objects.filter(receipt_number__startswith=prefix).order_by("-receipt_number")
            .values_list("receipt_number", flat=True).first())
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:06d}"


@transaction.atomic
def donation_record(*, actor: Actor, campaign: Campaign | int, amount: str | int, donor: str = "",
                    received_on=None, pledge: Pledge | None = None, volunteer: Volunteer | None = None,
                    team: Team | None = None) -> Donation:
    """A donation received for an open campaign (against one of its pledges, optionally: the donor,
    volunteer and team come from it), numbered JZ<year><sequence> by the year received."""
    locked = _open_campaign(actor, campaign)
    if pledge is not None:
        if pledge.campaign_id != locked.pk:
            message = _("Choose a pledge of this campaign.")
            raise InvalidInput(message, fields={"pledge": [message]})
        donor = donor or pledge.donor
        volunteer = volunteer or pledge.volunteer
        team = team or pledge.team
    if volunteer is not None and not donor:
        donor = volunteer.name
    donor = _text(donor, "donor", 100)
    fen = _amount(amount, "amount")
    received_on = _date(received_on, "received_on", required=False) or timezone.localdate()
    if received_on > timezone.localdate():
        message = _("A donation cannot be received in the future.")
        raise InvalidInput(message, fields={"received_on": [message]})
    _check_people(locked, volunteer, team)
    for _attempt in range(20):
        try:
            with transaction.atomic():
                donation = Donation.objects.create(
                    campaign=locked, pledge=pledge, donor=donor, volunteer=volunteer, team=team, amount_fen=fen,
                    received_on=received_on, receipt_number=_next_receipt(received_on.year),
                    recorded_by=actor_user(actor))
            break
        except IntegrityError:  # another donation took the number first
            continue
    else:
        raise Conflict(_("No receipt number could be given; try again."), code="receipt_number_busy")
    audit.record(actor=actor, action="volunteers.donation.record", obj=donation,
                 after={"campaign": locked.pk, "donor": donor, "amount_fen": fen, "received_on": received_on,
                        "receipt_number": donation.receipt_number, "pledge": getattr(pledge, "pk", None)})
    return donation
