import pytest
from django.core.management import call_command

from gongzhi.accounts.tests.factories import PASSWORD, user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_openapi_docs_are_served_without_outside_assets(client):
    t = tree()
    user("grid_worker", nodes=[t["grid_a"]], username="wg")
    client.login(username="wg", password=PASSWORD)
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/areas/nodes" in schema.json()["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn." not in docs.content.decode()


def test_lists_are_paginated_with_one_shape(client):
    t = tree()
    user("community_staff", nodes=[t["community"]], username="sq")
    client.login(username="sq", password=PASSWORD)
    page = client.get("/api/areas/nodes", {"page": 2, "page_size": 3}).json()
    assert set(page) == {"items", "count", "page", "page_size"}
    assert page["count"] == 9 and page["page"] == 2 and len(page["items"]) == 3


def test_bad_query_input_names_the_field_in_the_error_body(client):
    t = tree()
    user("community_staff", nodes=[t["community"]], username="sq")
    client.login(username="sq", password=PASSWORD)
    response = client.get("/api/areas/nodes", {"page_size": "lots"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and "page_size" in body["fields"]


def test_requests_carry_an_id_and_command_writes_name_the_command(client):
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="req-1234567890")
    assert response["X-Request-ID"] == "req-1234567890"
    # a service called from a command records the command as the actor
    call_command("token", "create", "--user", user("resident", username="jm").username, "--name", "cli")
    event = AuditEvent.objects.filter(action="accounts.token.create").get()
    assert event.actor_label == "command:token"
    assert event.source == "command:token" and event.request_id


def test_pages_are_chinese_even_for_an_english_browser_until_the_user_switches(client):
    # given a browser that asks for English
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then the page is still Simplified Chinese
    assert 'lang="zh-hans"' in page.content.decode()
    # when the user chooses English with the switch, then English it is
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
