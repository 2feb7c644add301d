"""The ledger for staff (accounts, entries with rule, source and approver, manual points approved by
someone else, the rules) and "my points" for the volunteer; the consistency command after a
realistic mix of entries; outside the scope is 404."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.points import services as points
from gongzhi.points.models import Adjustment, AdjustmentState, Entry
from gongzhi.volunteers.selectors.accounts import volunteer_balance
from gongzhi.volunteers.services import store
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
    me_user = user("resident")
    me = factories.volunteer(t["grid_a"], name="李明华", user=me_user)
    rules = factories.earning_rules()
    account = volunteer_account(actor=factories.ACTOR, volunteer=me)
    points.earn(actor=factories.ACTOR, account=account, key="hour", quantity=3, source="checkout:1", reason="清扫楼道")
    points.earn(actor=factories.ACTOR, account=account, key="activity:elderly", source="activity:1", reason="助老")
    staff = user("community_staff", nodes=[t["community"]])
    second = user("street_staff", nodes=[t["street"]])
    return {"tree": t, "me_user": me_user, "me": me, "account": account, "staff": staff, "second": second,
            "rules": rules}


def test_staff_read_accounts_and_entries_with_their_rule(w):
    client = Client()
    client.force_login(w["staff"])
    listing = client.get("/volunteers/points/", {"q": "明华"}).content.decode()
    assert "李明华" in listing and "35" in listing
    entries = client.get(f"/volunteers/points/accounts/{w['account'].pk}/").content.decode()
    assert "服务每小时" in entries and "checkout:1" in entries
    assert "助老活动加分" in client.get("/volunteers/points/rules/").content.decode()
    outsider = Client()
    outsider.force_login(user("community_staff", nodes=[tree()["community"]]))
    assert outsider.get(f"/volunteers/points/accounts/{w['account'].pk}/").status_code == 404
    assert outsider.get(f"/api/volunteers/points/accounts/{w['account'].pk}/entries").status_code == 404


def test_a_manual_award_needs_someone_else_to_approve_it(w):
    client = Client()
    client.force_login(w["staff"])
    refused = client.post(f"/volunteers/points/accounts/{w['account'].pk}/adjust/", {"amount": "-100", "reason": "扣分"})
    assert refused.status_code == 422 and "Not enough points" in refused.content.decode()
    client.post(f"/volunteers/points/accounts/{w['account'].pk}/adjust/", {"amount": "20", "reason": "抗洪突击"})
    adjustment = Adjustment.objects.get()
    client.post(f"/volunteers/points/adjustments/{adjustment.pk}/approve/", {"note": ""})
    assert Adjustment.objects.get().state == AdjustmentState.PENDING  # the requester may not approve
    other = Client()
    other.force_login(w["second"])
    assert "抗洪突击" in other.get("/volunteers/points/adjustments/", {"area": w["tree"]["street"].pk}).content.decode()
    other.post(f"/volunteers/points/adjustments/{adjustment.pk}/approve/", {"note": "同意"})
    assert Adjustment.objects.get().state == AdjustmentState.APPROVED
    assert volunteer_balance(volunteer=w["me"]) == 55
    assert Entry.objects.get(source=f"adjustment:{adjustment.pk}").approved_by == w["second"]


def test_a_rejection_via_the_api_writes_nothing(w):
    api = Client()
    api.force_login(w["staff"])
    made = api.post(f"/api/volunteers/points/accounts/{w['account'].pk}/adjustments", {"amount": -5, "reason": "迟到"},
                    content_type="application/json")
    assert made.status_code == 201
    other = Client()
    other.force_login(w["second"])
    answer = other.post(f"/api/volunteers/points/adjustments/{made.json()['id']}/reject", {"note": "理由不足"},
                        content_type="application/json")
    assert answer.status_code == 200 and answer.json()["state"] == "rejected"
    assert volunteer_balance(volunteer=w["me"]) == 35


def test_my_points_on_the_phone(w):
    client = Client()
    client.force_login(w["me_user"])
    page = client.get("/volunteers/points/mine/").content.decode()
    assert "35" in page and "清扫楼道" in page
    mine = client.get("/api/volunteers/points/mine").json()
    assert mine["balance"] == 35 and len(mine["entries"]) == 2
    stranger = Client()
    stranger.force_login(user("resident"))
    assert stranger.get("/volunteers/points/mine/").status_code == 404


def test_points_check_runs_as_the_cli_command_after_a_mix_of_entries(w, capsys, monkeypatch):
    goods = factories.goods(w["tree"]["community"], name="鸡蛋", price=10, stock=5)
    first = store.order_place(actor=w["me_user"], goods=goods, quantity=1)
    store.order_place(actor=w["me_user"], goods=goods, quantity=2)
    store.order_cancel(actor=w["me_user"], order=first)
    adjustment = points.adjustment_request(actor=w["staff"], account=w["account"], amount=-3, reason="缺勤")
    points.adjustment_approve(actor=w["second"], adjustment=adjustment)
    call_command("points_check")
    assert "every balance matches its entries" in capsys.readouterr().out
    from gongzhi.cli import main

    monkeypatch.setattr("sys.argv", ["gongzhi", "points-check"])
    main()  # `gongzhi points-check` as typed (a mismatch would exit with status 1)
    assert "every balance matches its entries" in capsys.readouterr().out
