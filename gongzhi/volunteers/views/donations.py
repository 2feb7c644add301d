"""Donations pages (staff): the campaigns of one's scope, a new campaign, a campaign with its
pledges, donations and totals (pledged vs received, per team), a pledge, recording a donation, and
a donation's receipt PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import scope
from gongzhi.core.errors import Conflict, InvalidInput
from gongzhi.core.permissions import can, page_requires, scoped_page

from ..models import CampaignKind, PledgeFrequency, Team, Volunteer
from ..receipt_pdf import receipt_pdf
from ..selectors import donations as selectors
from ..services import donations as service


def _int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _yuan(rows):
    rows = list(rows)
    for row in rows:
        row.amount_yuan = service.fen_to_yuan(row.amount_fen)
    return rows


def _totals(campaign):
    totals = selectors.campaign_totals(campaign=campaign)
    y = service.fen_to_yuan
    totals.text = {"received": y(totals.received_fen), "pledged": y(totals.pledged_fen),
                   "target": y(totals.target_fen) if totals.target_fen else "—"}
    for team in totals.teams:
        team.text = {"received": y(team.received_fen), "pledged": y(team.pledged_fen)}
    return totals


def campaign_areas(user) -> list[AreaNode]:
    nodes = scope.restrict(AreaNode.objects.filter(kind__in=(AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY)),
                           user, field="")
    return [n for n in nodes.order_by("path")[:300] if can(user, "volunteers.keep_donations", n)]


@page_requires("volunteers.view_list")
@scoped_page
def campaign_list(request):
    rows = []
    for campaign in selectors.campaigns_visible(user=request.user)[:100]:
        rows.append((campaign, _totals(campaign)))
    return render(request, "volunteers/donations/list.html", {
        "rows": rows, "can_keep": can(request.user, "volunteers.keep_donations"),
    })


@page_requires("volunteers.keep_donations")
@scoped_page
def campaign_new(request):
    areas = campaign_areas(request.user)
    values = {"area": "", "name": "", "kind": CampaignKind.DAILY_YUAN, "starts_on": "", "ends_on": "", "target": "",
              "purpose": ""}
    errors: dict = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        area = {a.pk: a for a in areas}.get(_int(values["area"]))
        if area is None:
            errors["area"] = [_("Choose the area of the campaign.")]
        else:
            try:
                campaign = service.campaign_create(actor=request.user, area=area, name=values["name"],
                                                   kind=values["kind"], starts_on=values["starts_on"],
                                                   ends_on=values["ends_on"] or None, target=values["target"] or None,
                                                   purpose=values["purpose"])
                return redirect("volunteers:campaign", campaign_id=campaign.pk)
            except InvalidInput as exc:
                errors = exc.fields or {"name": [exc.message]}
    return render(request, "volunteers/donations/campaign_form.html", {
        "areas": areas, "values": values, "errors": errors, "kinds": CampaignKind.choices,
    }, status=400 if errors else 200)


def _people(campaign):
    district = campaign.area.path[: AreaNode.steplen]
    teams = Team.objects.filter(area__path__startswith=district, is_active=True).order_by("name")[:300]
    volunteers = Volunteer.objects.filter(area__path__startswith=campaign.area.path).order_by("name")[:500]
    return teams, volunteers


@page_requires("volunteers.view_list")
@scoped_page
def campaign_detail(request, campaign_id: int, errors: dict | None = None, values: dict | None = None,
                    status: int = 200):
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    teams, volunteers = _people(campaign)
    return render(request, "volunteers/donations/campaign.html", {
        "campaign": campaign, "totals": _totals(campaign),
        "pledges": _yuan(selectors.pledges_of(campaign=campaign)[:300]),
        "donations": _yuan(selectors.donations_of(campaign=campaign)[:300]),
        "can_keep": can(request.user, "volunteers.keep_donations", campaign) and campaign.is_open,
        "frequencies": PledgeFrequency.choices, "teams": teams, "volunteers": volunteers,
        "errors": errors or {}, "values": values or {},
    }, status=status)


@require_POST
@scoped_page
def campaign_pledge(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    values = {k: request.POST.get(k, "").strip() for k in ("donor", "amount", "frequency", "team", "volunteer")}
    teams, volunteers = _people(campaign)
    team = teams.filter(pk=_int(values["team"])).first() if values["team"] else None
    volunteer = volunteers.filter(pk=_int(values["volunteer"])).first() if values["volunteer"] else None
    try:
        service.pledge_create(actor=request.user, campaign=campaign, donor=values["donor"], amount=values["amount"],
                              frequency=values["frequency"] or PledgeFrequency.ONCE, team=team, volunteer=volunteer)
    except InvalidInput as exc:
        return campaign_detail(request, campaign_id, errors=exc.fields or {"amount": [exc.message]}, values=values,
                               status=400)
    except Conflict as exc:
        return campaign_detail(request, campaign_id, errors={"amount": [exc.message]}, values=values, status=409)
    return redirect("volunteers:campaign", campaign_id=campaign_id)


@require_POST
@scoped_page
def campaign_open(request, campaign_id: int):
    service.campaign_set_open(actor=request.user, campaign=campaign_id, is_open=request.POST.get("open") == "1")
    return redirect("volunteers:campaign", campaign_id=campaign_id)


@page_requires("volunteers.keep_donations")
@scoped_page
def donation_new(request, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    teams, volunteers = _people(campaign)
    pledges = _yuan(selectors.pledges_of(campaign=campaign)[:300])
    values = {"donor": "", "amount": "", "received_on": "", "pledge": request.GET.get("pledge", ""), "team": "",
              "volunteer": ""}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        pledge = campaign.pledges.filter(pk=_int(values["pledge"])).first() if values["pledge"] else None
        team = teams.filter(pk=_int(values["team"])).first() if values["team"] else None
        volunteer = volunteers.filter(pk=_int(values["volunteer"])).first() if values["volunteer"] else None
        try:
            service.donation_record(actor=request.user, campaign=campaign, amount=values["amount"],
                                    donor=values["donor"], received_on=values["received_on"] or None, pledge=pledge,
                                    team=team, volunteer=volunteer)
            return redirect("volunteers:campaign", campaign_id=campaign.pk)
        except InvalidInput as exc:
            errors, status = exc.fields or {"amount": [exc.message]}, 400
        except Conflict as exc:
            errors, status = {"amount": [exc.message]}, 409
    return render(request, "volunteers/donations/donation_form.html", {
        "campaign": campaign, "values": values, "errors": errors, "pledges": pledges, "teams": teams,
        "volunteers": volunteers,
    }, status=status)


@page_requires("volunteers.view_list")
@scoped_page
def donation_receipt(request, donation_id: int):
    donation = selectors.donation_get(user=request.user, pk=donation_id)
    response = HttpResponse(receipt_pdf(user=request.user, donation=donation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{donation.receipt_number}.pdf"'
    return response


urlpatterns = [
    path("campaigns/", campaign_list, name="campaign-list"),
    path("campaigns/new/", campaign_new, name="campaign-new"),
    path("campaigns/<int:campaign_id>/", campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/pledge/", campaign_pledge, name="campaign-pledge"),
    path("campaigns/<int:campaign_id>/open/", campaign_open, name="campaign-open"),
    path("campaigns/<int:campaign_id>/donate/", donation_new, name="donation-new"),
    path("donations/<int:donation_id>/receipt.pdf", donation_receipt, name="donation-receipt"),
]
