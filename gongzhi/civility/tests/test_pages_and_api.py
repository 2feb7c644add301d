"""The phone pages and the API: a check from the form, the second check of a standard refused beside
it, the staff of another community and a grid worker of another grid answered 404, the API's checks
and its uniform errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from gongzhi.civility.models import BonusRun, Check
from gongzhi.points import selectors as ledger
from gongzhi.points.models import Programme

from . import factories


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def standards(world):
    return factories.only_standards(world["community"], ("门前三包", 3, 5), ("楼道无堆物", 2, 4))


def test_a_grid_worker_checks_households_one_after_another_on_the_phone(world, standards):
    sanbao, louda = standards
    client = _client(world["grid_worker"])
    building = client.get(reverse("civility:building", kwargs={"building_id": world["building_a"].pk}))
    assert building.status_code == 200 and "101室" in building.content.decode()
    url = reverse("civility:check", kwargs={"household_id": world["household_a"].pk})
    photo = SimpleUploadedFile("door.png", factories.PNG, content_type="image/png")
    response = client.post(url, {f"standard_{sanbao.pk}": "met", f"standard_{louda.pk}": "not_met",
                                 "note": "楼道有两箱旧书", "photos": [photo], "next": "1"})
    # the next household of the building opens
    assert response.status_code == 302
    assert response["Location"] == reverse("civility:check", kwargs={"household_id": world["household_a2"].pk})
    assert Check.objects.filter(household=world["household_a"]).count() == 2
    # +3 for the door, −4 for the stairwell: the balance stops at zero
    assert ledger.balance(programme=Programme.CIVILITY, holder=world["household_a"]) == 0
    # the check's page shows the photo, served through the scope
    check = Check.objects.filter(household=world["household_a"]).order_by("id").first()
    detail = client.get(reverse("civility:check-detail", kwargs={"check_id": check.pk}))
    assert detail.status_code == 200
    photo_row = check.photos.get()
    assert client.get(reverse("civility:photo", kwargs={"photo_id": photo_row.pk})).status_code == 200


def test_the_second_check_of_the_day_is_refused_beside_the_standard(world, standards):
    sanbao, _louda = standards
    client = _client(world["community_staff"])
    url = reverse("civility:check", kwargs={"household_id": world["household_a"].pk})
    client.post(url, {f"standard_{sanbao.pk}": "met"})
    # the form now shows the standard as done today; a forged second post is refused beside it
    page = client.get(url).content.decode()
    assert "今天已检查" in page or "Already checked today." in page
    response = _client(world["inspector"]).post(url, {f"standard_{sanbao.pk}": "met"})
    assert response.status_code == 422
    assert "already checked" in response.content.decode() or "今天已" in response.content.decode()
    assert Check.objects.count() == 1


def test_staff_outside_the_community_get_404(world, standards):
    client = _client(world["outside_staff"])
    for name, kwargs in (("civility:household", {"household_id": world["household_a"].pk}),
                         ("civility:building", {"building_id": world["building_a"].pk}),
                         ("civility:check", {"household_id": world["household_a"].pk})):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404
    factories.formula(world["community"])
    run = BonusRun.objects.create(community=world["community"], year=2025,
                                  formula=factories.formula(world["community"]))
    assert client.get(reverse("civility:bonus-detail", kwargs={"run_id": run.pk})).status_code == 404
    assert client.get(reverse("civility:bonus-export", kwargs={"run_id": run.pk})).status_code == 404


def test_a_grid_worker_cannot_open_the_check_of_another_grid(world, standards):
    client = _client(world["grid_worker"])
    url = reverse("civility:check", kwargs={"household_id": world["household_b"].pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {f"standard_{standards[0].pk}": "met"}).status_code == 404
    assert not Check.objects.exists()


def test_the_api_records_checks_once_a_day(world, standards):
    sanbao, louda = standards
    client = _client(world["grid_worker"])
    url = f"/api/civility/households/{world['household_a'].pk}/checks"
    body = {"results": [{"standard_id": sanbao.pk, "met": True}], "note": ""}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and first.json()[0]["applied"] == 3
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 400
    assert f"standard_{sanbao.pk}" in again.json()["fields"]
    listed = client.get(url).json()
    assert [c["code"] for c in listed] == [sanbao.code]
    standards_now = client.get(f"/api/civility/households/{world['household_a'].pk}/standards").json()
    assert {s["name"] for s in standards_now} == {"门前三包", "楼道无堆物"}
    outside = client.post(f"/api/civility/households/{world['household_b'].pk}/checks", body,
                          content_type="application/json")
    assert outside.status_code == 404


def test_the_api_computes_and_approves_the_bonus(world, standards):
    factories.formula(world["community"])
    staff = _client(world["community_staff"])
    computed = staff.post("/api/civility/bonus", {"community_id": world["community"].pk, "year": 2025},
                          content_type="application/json")
    assert computed.status_code == 201
    run_id = computed.json()["id"]
    assert staff.post(f"/api/civility/bonus/{run_id}/approve").json()["state"] == "approved"
    frozen = staff.post("/api/civility/bonus", {"community_id": world["community"].pk, "year": 2025},
                        content_type="application/json")
    assert frozen.status_code == 409
    figures = staff.get("/api/civility/figures").json()
    assert {f["key"] for f in figures} >= {"civility.households_checked", "civility.bonus_total"}


def test_the_staff_pages_open(world, standards):
    client = _client(world["community_staff"])
    for name in ("civility:home", "civility:bonus", "civility:stars"):
        assert client.get(reverse(name)).status_code == 200
    household = client.get(reverse("civility:household", kwargs={"household_id": world["household_a"].pk}))
    assert household.status_code == 200
    consent = client.post(reverse("civility:consent", kwargs={"household_id": world["household_a"].pk}),
                          {"display_name": "王家"})
    assert consent.status_code == 302
    refused = client.post(reverse("civility:consent", kwargs={"household_id": world["household_a"].pk}),
                          {"display_name": "王家301"})
    assert refused.status_code == 422


def test_standards_are_kept_as_data_by_the_area_and_everywhere_by_the_district(world):
    staff = _client(world["community_staff"])
    body = {"code": "chuanghu-qingjie", "name": "窗户阳台整洁", "points_met": 1, "points_broken": 1,
            "area_id": world["community"].pk}
    made = staff.post("/api/civility/standards", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["area_id"] == world["community"].pk
    everywhere = staff.post("/api/civility/standards", {**body, "area_id": None}, content_type="application/json")
    assert everywhere.status_code == 403
    past = staff.post("/api/civility/standards", {**body, "valid_from": "2020-01-01"}, content_type="application/json")
    assert past.status_code == 400 and "valid_from" in past.json()["fields"]
    outside = _client(world["outside_staff"]).post("/api/civility/standards", body, content_type="application/json")
    assert outside.status_code == 404
