"""The notification inbox over the API: my notifications only, unread first, paginated; marking
read touches only mine; someone else's is a 404."""

import pytest

from gongzhi.accounts.tests.factories import PASSWORD, user
from gongzhi.areas.tests.factories import tree
from gongzhi.core import notifications

pytestmark = pytest.mark.django_db


def login(client, who):
    client.logout()
    assert client.login(username=who.username, password=PASSWORD)
    return client


@pytest.fixture
def people():
    resident = user("resident")
    staff = user("grid_worker", nodes=[tree()["grid_a"]])
    first = notifications.notify(recipients=[resident], title="一：已受理", url="/cases/1/")[0]
    second = notifications.notify(recipients=[resident, staff], title="二：已派单")[0]
    third = notifications.notify(recipients=[resident], title="三：已办结")[0]
    notifications.notify(recipients=[staff], title="新诉求：路灯")
    notifications.mark_read(user=resident, ids=[third.pk])  # the newest one is read already
    return resident, staff, first, second, third


def test_my_notifications_unread_first_then_newest_paginated(client, people):
    resident, _staff, first, second, third = people
    login(client, resident)
    body = client.get("/api/core/notifications", {"page_size": 2}).json()
    assert body["count"] == 3 and body["page_size"] == 2
    assert [n["title"] for n in body["items"]] == ["二：已派单", "一：已受理"]
    assert all(n["unread"] for n in body["items"]) and body["items"][1]["url"] == "/cases/1/"
    rest = client.get("/api/core/notifications", {"page_size": 2, "page": 2}).json()["items"]
    assert [(n["title"], n["unread"]) for n in rest] == [("三：已办结", False)]
    assert client.get("/api/core/notifications", {"unread_only": True}).json()["count"] == 2
    assert client.get("/api/core/notifications/unread").json() == {"unread": 2}


def test_staff_see_only_their_own(client, people):
    _resident, staff, *_ = people
    login(client, staff)
    titles = [n["title"] for n in client.get("/api/core/notifications").json()["items"]]
    assert sorted(titles) == sorted(["二：已派单", "新诉求：路灯"])


def test_marking_read_touches_only_mine(client, people):
    resident, staff, first, second, _third = people
    staff_row = notifications.inbox(user=staff).first()
    login(client, resident)
    response = client.post("/api/core/notifications/read", {"ids": [first.pk, staff_row.pk]},
                           content_type="application/json")
    assert response.json() == {"marked": 1, "unread": 1}
    assert notifications.unread_count(user=staff) == 2  # the staff member's row stays unread
    one = client.post(f"/api/core/notifications/{second.pk}/read")
    assert one.status_code == 200 and one.json()["unread"] is False and one.json()["read_at"]
    missing = client.post(f"/api/core/notifications/{staff_row.pk}/read")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    # all at once
    login(client, staff)
    assert client.post("/api/core/notifications/read", {}, content_type="application/json").json() == {
        "marked": 2, "unread": 0}


def test_the_inbox_needs_a_signed_in_user(client):
    assert client.get("/api/core/notifications").status_code == 401
