"""Donations: yuan typed → fen (never floats), bad amounts refused beside the field, receipt
numbers, totals per campaign and team (pledged vs received), the receipt PDF, and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.errors import InvalidInput
from gongzhi.volunteers.models import CampaignKind, Donation, PledgeFrequency
from gongzhi.volunteers.receipt_pdf import receipt_pdf
from gongzhi.volunteers.selectors.donations import campaign_totals
from gongzhi.volunteers.services import donations as service
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "fen"), [("30", 3000), ("30.5", 3050), ("0.01", 1), ("1,200.00", 120000)])
def test_yuan_typed_becomes_fen(typed, fen):
    assert service.yuan_to_fen(typed) == fen


@pytest.mark.parametrize("typed", ["0", "0.00", "-5", "1.005", "abc", "", "1e3"])
def test_bad_amounts_are_refused_beside_the_field(typed):
    with pytest.raises(InvalidInput) as caught:
        service.yuan_to_fen(typed)
    assert "amount" in caught.value.fields


def test_a_float_is_refused():
    with pytest.raises(InvalidInput):
        service.yuan_to_fen(0.1)


@pytest.fixture
def w():
    nodes = tree()
    staff = user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    campaign = service.campaign_create(actor=staff, area=nodes["community"], name="每天一元", kind=CampaignKind.DAILY_YUAN,
                                       starts_on=timezone.localdate() - dt.timedelta(days=100), target="10000",
                                       purpose="困难家庭帮扶")
    return {"nodes": nodes, "staff": staff, "campaign": campaign}


def test_donations_get_receipt_numbers_and_totals_add_up_per_team(w):
    team = factories.team(w["nodes"]["community"], name="书画队")
    pledge = service.pledge_create(actor=w["staff"], campaign=w["campaign"], donor="张三", amount="30", team=team,
                                   frequency=PledgeFrequency.MONTHLY, pledged_on=timezone.localdate())
    first = service.donation_record(actor=w["staff"], campaign=w["campaign"], amount="30", pledge=pledge)
    second = service.donation_record(actor=w["staff"], campaign=w["campaign"], amount="12.34", donor="李四")
    year = timezone.localdate().year
    assert first.receipt_number == f"JZ{year}000001" and second.receipt_number == f"JZ{year}000002"
    assert first.team == team and first.donor == "张三"
    totals = campaign_totals(campaign=w["campaign"])
    assert totals.received_fen == 4234 and totals.pledged_fen == 3000 and totals.target_fen == 1000000
    assert [(t.name, t.pledged_fen, t.received_fen) for t in totals.teams] == [("书画队", 3000, 3000)]


def test_a_bad_amount_writes_nothing(w):
    with pytest.raises(InvalidInput):
        service.donation_record(actor=w["staff"], campaign=w["campaign"], amount="3.333", donor="王五")
    assert not Donation.objects.exists()


def test_the_receipt_is_a_pdf(w, client):
    donation = service.donation_record(actor=w["staff"], campaign=w["campaign"], amount="100", donor="王五")
    assert receipt_pdf(user=w["staff"], donation=donation).startswith(b"%PDF")
    client.force_login(w["staff"])
    page = client.get(f"/volunteers/donations/{donation.pk}/receipt.pdf")
    assert page.status_code == 200 and page.content.startswith(b"%PDF")
    api = client.get(f"/api/volunteers/campaigns/donations/{donation.pk}/receipt.pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")


def test_the_donation_form_shows_the_error_beside_the_amount(w, client):
    client.force_login(w["staff"])
    answer = client.post(f"/volunteers/campaigns/{w['campaign'].pk}/donate/", {"amount": "0", "donor": "王五"})
    assert answer.status_code == 400 and 'id="amount-error"' in answer.content.decode()
    api = client.post(f"/api/volunteers/campaigns/{w['campaign'].pk}/donations", {"amount": "-1", "donor": "王五"},
                      content_type="application/json")
    assert api.status_code == 400 and "amount" in api.json()["fields"]


def test_outside_scope_is_404_on_pages_and_api(w, client):
    donation = service.donation_record(actor=w["staff"], campaign=w["campaign"], amount="100", donor="王五")
    elsewhere = tree()
    client.force_login(user(Role.COMMUNITY_STAFF, nodes=[elsewhere["community"]]))
    assert client.get(f"/volunteers/campaigns/{w['campaign'].pk}/").status_code == 404
    assert client.get(f"/volunteers/donations/{donation.pk}/receipt.pdf").status_code == 404
    assert client.get(f"/api/volunteers/campaigns/{w['campaign'].pk}").status_code == 404
    client.force_login(w["staff"])
    assert client.get(f"/volunteers/campaigns/{w['campaign'].pk}/").status_code == 200
    assert client.get("/volunteers/campaigns/").status_code == 200
