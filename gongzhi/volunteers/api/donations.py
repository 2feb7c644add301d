"""The volunteers API: donation campaigns — the campaigns of one's scope, a new one, a campaign with
its totals (pledged vs received, per team), its pledges and donations, adding a pledge, recording a
donation (receipt number given), opening and closing, and a donation's receipt PDF. Amounts in are
yuan as strings (two decimals at most), parsed into fen; amounts out are fen."""


import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import Id, InvalidInput, errors
from gongzhi.core.permissions import require

from ..models import Team, Volunteer
from ..receipt_pdf import receipt_pdf
from ..selectors import donations as selectors
from ..services import donations as service

router = Router(tags=["volunteers"])


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    area_id: int
    starts_on: dt.date
    ends_on: dt.date | None = None
    target_fen: int | None = None
    purpose: str
    is_open: bool


class CampaignTeamTotalOut(Schema):
    team_id: int | None = None
    name: str
    pledged_fen: int
    received_fen: int


class CampaignTotalsOut(Schema):
    received_fen: int
    donations: int
    pledged_fen: int
    pledges: int
    target_fen: int | None = None
    teams: list[CampaignTeamTotalOut]


class CampaignDetailOut(CampaignOut):
    totals: CampaignTotalsOut


class PledgeOut(Schema):
    id: int
    campaign_id: int
    donor: str
    volunteer_id: int | None = None
    team_id: int | None = None
    amount_fen: int
    frequency: str
    pledged_on: dt.date


class DonationOut(Schema):
    id: int
    campaign_id: int
    pledge_id: int | None = None
    donor: str
    volunteer_id: int | None = None
    team_id: int | None = None
    amount_fen: int
    received_on: dt.date
    receipt_number: str


class CampaignIn(Schema):
    area_id: Id
    name: str
    kind: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    target: str | None = None
    purpose: str = ""


class CampaignOpenIn(Schema):
    is_open: bool


class PledgeIn(Schema):
    donor: str = ""
    amount: str
    frequency: str = "once"
    volunteer_id: Id | None = None
    team_id: Id | None = None
    pledged_on: dt.date | None = None


class DonationIn(Schema):
    amount: str
    donor: str = ""
    received_on: dt.date | None = None
    pledge_id: Id | None = None
    volunteer_id: Id | None = None
    team_id: Id | None = None


def _detail(user, pk: int):
    campaign = selectors.campaign_get(user=user, pk=pk)
    campaign.totals = selectors.campaign_totals(campaign=campaign)
    return campaign


def _people(campaign, volunteer_id, team_id):
    district = campaign.area.path[: AreaNode.steplen]
    volunteer = team = None
    if volunteer_id is not None:
        volunteer = Volunteer.objects.filter(pk=volunteer_id, area__path__startswith=district).first()
        if volunteer is None:
            message = _("Choose a volunteer of the campaign's district.")
            raise InvalidInput(message, fields={"volunteer_id": [message]})
    if team_id is not None:
        team = Team.objects.filter(pk=team_id, area__path__startswith=district).first()
        if team is None:
            message = _("Choose a team of the campaign's district.")
            raise InvalidInput(message, fields={"team_id": [message]})
    return volunteer, team


@router.get("/campaigns", response={200: list[CampaignOut], **errors(400, 401, 403, 422)},
            summary="The donation campaigns of my scope")
def list_campaigns(request: HttpRequest):
    require(request.auth, "volunteers.view_list")
    return list(selectors.campaigns_visible(user=request.auth)[:200])


@router.post("/campaigns", response={201: CampaignDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="A new campaign (每天一元, 慈心一日捐, other); target in yuan")
def create_campaign(request: HttpRequest, payload: CampaignIn):
    user = request.auth
    require(user, "volunteers.keep_donations")
    area = AreaNode.objects.visible_to(user).filter(pk=payload.area_id).first()
    if area is None:
        message = _("Choose an area of your scope.")
        raise InvalidInput(message, fields={"area_id": [message]})
    made = service.campaign_create(actor=user, area=area, name=payload.name, kind=payload.kind,
                                   starts_on=payload.starts_on, ends_on=payload.ends_on, target=payload.target,
                                   purpose=payload.purpose)
    return Status(201, _detail(user, made.pk))


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **errors(400, 401, 403, 404, 422)},
            summary="A campaign with its totals: received, pledged so far, per team")
def get_campaign(request: HttpRequest, campaign_id: int):
    return _detail(request.auth, campaign_id)


@router.post("/campaigns/{campaign_id}/open", response={200: CampaignDetailOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Open or close a campaign")
def set_open(request: HttpRequest, campaign_id: int, payload: CampaignOpenIn):
    service.campaign_set_open(actor=request.auth, campaign=campaign_id, is_open=payload.is_open)
    return _detail(request.auth, campaign_id)


@router.get("/campaigns/{campaign_id}/pledges", response={200: list[PledgeOut], **errors(400, 401, 403, 404, 422)},
            summary="A campaign's pledges")
def list_pledges(request: HttpRequest, campaign_id: int):
    campaign = selectors.campaign_get(user=request.auth, pk=campaign_id)
    return list(selectors.pledges_of(campaign=campaign)[:1000])


@router.post("/campaigns/{campaign_id}/pledges", response={201: PledgeOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Add a pledge (amount in yuan)")
def add_pledge(request: HttpRequest, campaign_id: int, payload: PledgeIn):
    campaign = selectors.campaign_get(user=request.auth, pk=campaign_id)
    volunteer, team = _people(campaign, payload.volunteer_id, payload.team_id)
    made = service.pledge_create(actor=request.auth, campaign=campaign, donor=payload.donor, amount=payload.amount,
                                 frequency=payload.frequency, volunteer=volunteer, team=team,
                                 pledged_on=payload.pledged_on)
    return Status(201, made)


@router.get("/campaigns/{campaign_id}/donations", response={200: list[DonationOut], **errors(400, 401, 403, 404, 422)},
            summary="A campaign's donations")
def list_donations(request: HttpRequest, campaign_id: int):
    campaign = selectors.campaign_get(user=request.auth, pk=campaign_id)
    return list(selectors.donations_of(campaign=campaign)[:1000])


@router.post("/campaigns/{campaign_id}/donations", response={201: DonationOut, **errors(400, 401, 403, 404, 409, 422)},
             summary="Record a donation (amount in yuan); a receipt number is given")
def record_donation(request: HttpRequest, campaign_id: int, payload: DonationIn):
    campaign = selectors.campaign_get(user=request.auth, pk=campaign_id)
    volunteer, team = _people(campaign, payload.volunteer_id, payload.team_id)
    pledge = None
    if payload.pledge_id is not None:
        pledge = campaign.pledges.filter(pk=payload.pledge_id).first()
        if pledge is None:
            message = _("Choose a pledge of this campaign.")
            raise InvalidInput(message, fields={"pledge_id": [message]})
    made = service.donation_record(actor=request.auth, campaign=campaign, amount=payload.amount, donor=payload.donor,
                                   received_on=payload.received_on, pledge=pledge, volunteer=volunteer, team=team)
    return Status(201, made)


@router.get("/campaigns/donations/{donation_id}/receipt.pdf", response={200: None, **errors(400, 401, 403, 404, 422)},
            summary="A donation's receipt (PDF)")
def receipt(request: HttpRequest, donation_id: int):
    donation = selectors.donation_get(user=request.auth, pk=donation_id)
    response = HttpResponse(receipt_pdf(user=request.auth, donation=donation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{donation.receipt_number}.pdf"'
    return response
