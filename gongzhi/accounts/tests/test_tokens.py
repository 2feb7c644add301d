import pytest

from gongzhi.accounts import services
from gongzhi.accounts.models import ApiToken
from gongzhi.accounts.tests.factories import user
from gongzhi.areas.tests.factories import tree
from gongzhi.core.actors import SystemActor

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_api_calls_and_stops_working_once_revoked(client):
    # given a grid worker with a personal token
    t = tree()
    worker = user("grid_worker", nodes=[t["grid_a"]])
    token, raw = services.api_token_create(actor=worker, user=worker, name="phone app")
    # then only its hash is stored
    assert raw not in ApiToken.objects.values_list("key_hash", flat=True)
    # when the token is used, the API answers within the worker's scope
    response = client.get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert {n["code"] for n in response.json()["items"]} == {
        t["grid_a"].code, t["building_a"].code, t["unit_a"].code, t["household_a"].code
    }
    # when it is revoked, the API refuses it with the uniform error body
    services.api_token_revoke(actor=SystemActor(), token=token)
    refused = client.get("/api/areas/nodes", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401
    assert set(refused.json()) == {"code", "message", "fields"}


def test_a_wrong_token_is_refused(client):
    response = client.get("/api/areas/nodes", HTTP_AUTHORIZATION="Bearer gz_not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_token_client_can_write_without_a_csrf_token(client):
    # given a community worker's token (no session, no CSRF cookie)
    from django.test import Client

    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    _, raw = services.api_token_create(actor=staff, user=staff, name="hall app")
    api_client = Client(enforce_csrf_checks=True)
    # when it POSTs to the API
    response = api_client.post(
        "/api/residents/people/search", data={"q": "张"}, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    # then the token decides, not the CSRF check
    assert response.status_code == 200, response.content
    # and a bad token is a 401, not a CSRF error
    refused = api_client.post(
        "/api/residents/people/search", data={"q": "张"}, content_type="application/json",
        HTTP_AUTHORIZATION="Bearer gz_wrong",
    )
    assert refused.status_code == 401


def test_a_session_write_without_the_csrf_token_is_refused():
    from django.test import Client

    t = tree()
    staff = user("community_staff", nodes=[t["community"]])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff)
    response = browser.post("/api/residents/people/search", data={"q": "张"}, content_type="application/json")
    assert response.status_code == 403


def test_token_create_as_a_user_records_who_the_command_acted_for():
    import io

    from django.core.management import call_command

    from gongzhi.core.models import AuditEvent

    # given a district administrator and a resident
    admin = user("district_admin", nodes=[tree()["district"]], username="quadmin")
    worker = user("resident", username="jumin")
    # when `gongzhi token create` runs on the administrator's behalf
    out = io.StringIO()
    call_command("token", "--as-user", "quadmin", "create", "--user", "jumin", "--name", "app", stdout=out)
    # then the raw token is printed once and the event names the command and the administrator
    assert out.getvalue().startswith("gz_")
    event = AuditEvent.objects.get(action="accounts.token.create")
    assert event.actor == admin
    assert event.actor_label == "command:token (quadmin)"
    assert ApiToken.objects.get().user == worker
