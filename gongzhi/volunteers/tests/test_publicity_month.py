"""The monthly points publicity: the totals equal the sum of the month's ledger entries; print view
and .xlsx; publishing keeps a snapshot replaced only when the ledger changed (audited); the public
page without sign-in shows names only of volunteers who allow it, 404 when not published."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone, translation

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent
from gongzhi.points import services as points
from gongzhi.points.models import Entry
from gongzhi.points.selectors import month_bounds
from gongzhi.volunteers.models import Publicity
from gongzhi.volunteers.selectors import publicity as selectors
from gongzhi.volunteers.services import publicity, store
from gongzhi.volunteers.services.accounts import volunteer_account

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def w():
    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    second = user("street_staff", nodes=[t["street"]])
    shown_user, hidden_user = user("resident"), user("resident")
    shown = factories.volunteer(t["grid_a"], name="张建国", user=shown_user)
    hidden = factories.volunteer(t["grid_b"], name="王秀兰", user=hidden_user, publish_name=False)
    factories.earning_rules()
    for v, hours in ((shown, 4), (hidden, 2)):
        account = volunteer_account(actor=factories.ACTOR, volunteer=v)
        points.earn(actor=factories.ACTOR, account=account, key="hour", quantity=hours, source=f"checkout:{v.pk}",
                    reason="服务")
    goods = factories.goods(t["community"], name="毛巾", price=5, stock=9)
    order = store.order_place(actor=hidden_user, goods=goods, quantity=1)
    store.order_place(actor=shown_user, goods=goods, quantity=2)
    store.order_cancel(actor=hidden_user, order=order)
    adjustment = points.adjustment_request(actor=staff, account=volunteer_account(actor=staff, volunteer=shown),
                                           amount=-2, reason="迟到")
    points.adjustment_approve(actor=second, adjustment=adjustment)
    return {"tree": t, "staff": staff, "shown": shown, "hidden": hidden, "month": timezone.localdate().replace(day=1)}


def test_the_totals_equal_the_sum_of_the_months_entries(w):
    p = selectors.publicity_for(user=w["staff"], area=w["tree"]["community"], month=w["month"])
    start, end = month_bounds(w["month"])
    entries = Entry.objects.filter(account__area__path__startswith=w["tree"]["community"].path,
                                   created_at__gte=start, created_at__lt=end)
    assert p.totals["earned"] == entries.filter(kind__in=["earn", "award"]).aggregate(s=Sum("amount"))["s"] == 60
    assert p.totals["deducted"] == -entries.filter(kind="deduct").aggregate(s=Sum("amount"))["s"] == 2
    assert p.totals["spent"] == -entries.filter(kind__in=["spend", "refund"]).aggregate(s=Sum("amount"))["s"] == 10
    assert p.totals["closing"] - p.totals["opening"] == entries.aggregate(s=Sum("amount"))["s"]
    by_name = {line["name"]: line for line in p.lines}
    assert by_name["张建国"]["closing"] == 40 - 2 - 10 and by_name["王秀兰"]["closing"] == 20
    assert sum(line["entries"] for line in p.lines) == entries.count()


def test_publishing_again_replaces_only_when_the_ledger_changed(w):
    community = w["tree"]["community"]
    first, written = publicity.publicity_publish(actor=w["staff"], area=community, month=w["month"])
    assert written and len(first.digest) == 64
    again, written = publicity.publicity_publish(actor=w["staff"], area=community, month=w["month"])
    assert not written and again.digest == first.digest
    points.entry_write(actor=factories.ACTOR, account=volunteer_account(actor=factories.ACTOR, volunteer=w["shown"]),
                       kind="award", amount=5, reason="补录", source="late:1")
    changed, written = publicity.publicity_publish(actor=w["staff"], area=community, month=w["month"])
    assert written and changed.digest != first.digest and Publicity.objects.count() == 1
    assert AuditEvent.objects.filter(action="volunteers.publicity.publish").count() == 2


def test_a_month_without_points_or_in_the_future_is_not_published(w):
    from gongzhi.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        publicity.publicity_publish(actor=w["staff"], area=w["tree"]["community"], month=dt.date(2020, 1, 1))
    with pytest.raises(InvalidInput):
        publicity.publicity_publish(actor=w["staff"], area=w["tree"]["community"],
                                    month=w["month"] + dt.timedelta(days=40))


def test_the_staff_page_print_view_and_xlsx(w):
    client = Client()
    client.force_login(w["staff"])
    query = {"area": w["tree"]["community"].pk, "month": f"{w['month']:%Y-%m}"}
    page = client.get("/volunteers/publicity/", query)
    assert page.status_code == 200 and "张建国" in page.content.decode() and "王秀兰" in page.content.decode()
    assert "data-print" in client.get("/volunteers/publicity/print/", query).content.decode()
    download = client.get("/volunteers/publicity.xlsx", query)
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "张建国" in values and 60 in values
    assert client.post("/volunteers/publicity/publish/", query).status_code == 302
    assert Publicity.objects.count() == 1
    assert client.get("/volunteers/publicity/", {**query, "month": "2999-01"}).status_code == 422


def test_the_public_page_masks_names_of_volunteers_who_did_not_allow_them(w):
    community = w["tree"]["community"]
    url = f"/volunteers/public/{community.code}/points/{w['month']:%Y-%m}/"
    anonymous = Client()
    assert anonymous.get(url).status_code == 404
    publicity.publicity_publish(actor=w["staff"], area=community, month=w["month"])
    page = anonymous.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "张建国" in text and "王*兰" in text and "王秀兰" not in text
    assert anonymous.get(f"/volunteers/public/{community.code}/points/2020-01/").status_code == 404
    assert anonymous.get(f"/volunteers/public/nothing/points/{w['month']:%Y-%m}/").status_code == 404


def test_the_api_and_the_scope(w):
    api = Client()
    api.force_login(w["staff"])
    answer = api.get("/api/volunteers/publicity", {"area_id": w["tree"]["community"].pk,
                                                   "month": f"{w['month']:%Y-%m}"})
    assert answer.status_code == 200 and answer.json()["totals"]["earned"] == 60
    published = api.post("/api/volunteers/publicity/publish", {"area_id": w["tree"]["community"].pk,
                                                               "month": f"{w['month']:%Y-%m}"},
                         content_type="application/json")
    assert published.status_code == 200 and published.json()["matches_published"] is True
    outsider = Client()
    outsider.force_login(user("community_staff", nodes=[tree()["community"]]))
    assert outsider.get("/api/volunteers/publicity", {"area_id": w["tree"]["community"].pk}).status_code == 404
    assert outsider.get("/volunteers/publicity/", {"area": w["tree"]["community"].pk}).status_code == 404


def test_mask_name():
    assert selectors.mask_name("王秀兰") == "王*兰"
    assert selectors.mask_name("欧阳明月") == "欧**月"
    assert selectors.mask_name("王兰") == "王*"
