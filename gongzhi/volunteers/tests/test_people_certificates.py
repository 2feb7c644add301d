"""The record and its certificate: hours from activities served and trainings, a certificate
issued by the volunteer themself or the area's staff, a PDF with its code, and the public check
page without sign-in (404 for an unknown code)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from gongzhi.core.models import AuditEvent
from gongzhi.residents.tests import factories as residents
from gongzhi.volunteers.models import Certificate, RecordKind, SignupState
from gongzhi.volunteers.services import certificates as services
from gongzhi.volunteers.services import people
from gongzhi.volunteers.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    nodes = residents.tree()
    nodes["staff"] = residents.user(Role.COMMUNITY_STAFF, nodes=[nodes["community"]])
    nodes["account"] = residents.user(Role.RESIDENT)
    nodes["other_account"] = residents.user(Role.RESIDENT)
    nodes["volunteer"] = factories.volunteer(nodes["household_a"], user=nodes["account"], name="孙志愿",
                                             id_number=residents.id_number())
    past = timezone.now() - dt.timedelta(days=10)
    activity = factories.activity(nodes["community"], title="楼道清理", starts_at=past, hours=3)
    factories.signup(activity, nodes["volunteer"], state=SignupState.DONE, checked_in_at=past,
                     checked_out_at=past + dt.timedelta(hours=2), minutes=120)
    return nodes


def test_staff_keep_the_record_and_issue(w):
    people.record_add(actor=w["staff"], volunteer=w["volunteer"], kind=RecordKind.TRAINING, title="急救培训",
                      on=timezone.localdate(), minutes=90)
    with pytest.raises(InvalidInput):
        people.record_add(actor=w["staff"], volunteer=w["volunteer"], kind=RecordKind.AWARD, title="优秀志愿者",
                          on=timezone.localdate() + dt.timedelta(days=1))
    certificate = services.certificate_issue(actor=w["staff"], volunteer=w["volunteer"])
    assert certificate.minutes == 210 and certificate.activities == 1 and certificate.issuer == "瓜州路社区"
    assert len(certificate.code) == 10 and certificate.snapshot["activities"][0]["title"] == "楼道清理"
    assert "*" in certificate.snapshot["id_number_masked"]
    assert AuditEvent.objects.filter(action="volunteers.certificate.issue").count() == 1


def test_the_volunteer_asks_for_their_own_only(w):
    mine = services.certificate_issue(actor=w["account"], volunteer=w["volunteer"])
    assert mine.requested_by == w["account"]
    with pytest.raises((NotFound, Forbidden)):
        services.certificate_issue(actor=w["other_account"], volunteer=w["volunteer"])


def test_nothing_to_certify(w):
    empty = factories.volunteer(w["household_b"])
    with pytest.raises(Conflict):
        services.certificate_issue(actor=w["staff"], volunteer=empty)
    with pytest.raises(InvalidInput):
        services.certificate_issue(actor=w["staff"], volunteer=w["volunteer"], start=timezone.localdate(),
                                   end=timezone.localdate() - dt.timedelta(days=1))


def test_codes_are_unique_and_random(w):
    codes = {services.certificate_issue(actor=w["staff"], volunteer=w["volunteer"]).code for _ in range(5)}
    assert len(codes) == 5


def test_pdf_and_public_check(w):
    client = Client()
    client.force_login(w["account"])
    page = client.get(reverse("volunteers:my-certificates"))
    assert page.status_code == 200
    issued = client.post(reverse("volunteers:certificate-issue", args=[w["volunteer"].pk]), {})
    assert issued.status_code == 302
    certificate = Certificate.objects.get()
    pdf = client.get(reverse("volunteers:certificate-pdf", args=[certificate.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    api_pdf = client.get(f"/api/volunteers/certificates/{certificate.pk}/pdf")
    assert api_pdf.status_code == 200 and api_pdf.content.startswith(b"%PDF")
    stranger = Client()
    stranger.force_login(w["other_account"])
    assert stranger.get(reverse("volunteers:certificate-pdf", args=[certificate.pk])).status_code == 404
    assert stranger.get(f"/api/volunteers/certificates/{certificate.pk}").status_code == 404
    anonymous = Client()
    check = anonymous.get(reverse("volunteers:certificate-check", args=[certificate.code]))
    body = check.content.decode()
    assert check.status_code == 200 and "孙志愿" in body and "2.0" in body and "瓜州路社区" in body
    assert w["volunteer"].id_number not in body
    assert anonymous.get("/volunteers/public/certificates/NOSUCHCODE/").status_code == 404


def test_my_record_page_on_a_phone(w):
    client = Client()
    client.force_login(w["account"])
    page = client.get(reverse("volunteers:my-record"))
    assert page.status_code == 200 and "楼道清理" in page.content.decode()
    api = client.get(f"/api/volunteers/people/{w['volunteer'].pk}/record").json()
    assert api["minutes"] == 120 and api["activities"][0]["title"] == "楼道清理"
