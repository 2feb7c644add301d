"""Every use of an API key is an audit event, and a key's rate is one limit for all server processes.

Given a key, when an Open311 client reads, files, goes over its rate, or comes back with the key
after it was revoked, then each request leaves exactly one `integrations.apikey.use` event (who,
which endpoint, method, answer, request id, IP), written with one INSERT; and the requests per
minute are counted where every process sees them (the database unless the cache is shared)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from gongzhi.core.models import AuditEvent
from gongzhi.integrations import services
from gongzhi.integrations.models import ApiKeyRateWindow

from .factories import ACTOR, api_key

pytestmark = pytest.mark.django_db

USE = "integrations.apikey.use"


def uses():
    return list(AuditEvent.objects.filter(action=USE).order_by("id"))


def file(client, raw, w, headers=None, **fields):
    return client.post("/open311/v2/requests.json", {
        "service_code": "shared-bikes", "address_id": w.building_a.code, "description": "单车", **fields},
        HTTP_X_API_KEY=raw, **(headers or {}))


@pytest.mark.parametrize(("path", "endpoint", "status"), [
    ("/open311/v2/services.json", "services", 200),
    ("/open311/v2/services/shared-bikes.xml", "service_definition", 200),
    ("/open311/v2/requests.json", "requests", 200),
    ("/open311/v2/requests/GZ202611220000042.json", "request", 404),
    ("/open311/v2/tokens/nope.json", "token", 404),
])
def test_every_read_with_a_key_is_one_audit_event(client, w, path, endpoint, status):
    key, raw = api_key(area=w.community)
    response = client.get(path, {"api_key": raw}, HTTP_X_REQUEST_ID="req-read-0001", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == status
    [event] = uses()
    assert event.actor_label == "apikey:311-app" and event.actor is None
    assert event.after == {"endpoint": endpoint, "method": "GET", "path": path, "status": status}
    assert (event.request_id, event.ip, event.source) == ("req-read-0001", "203.0.113.7", "api")
    assert list(AuditEvent.objects.for_object(key).filter(action=USE)) == [event]
    assert event.area_path == w.community.path  # seen by whoever may see the key's area
    assert raw not in str(event.after) and raw not in event.object_repr


def test_a_filing_is_one_use_besides_the_filing_itself(client, w):
    key, raw = api_key()
    response = file(client, raw, w, headers={"HTTP_X_REQUEST_ID": "req-filing-01"})
    assert response.status_code == 201, response.content
    [event] = uses()
    assert event.after == {"endpoint": "post_request", "method": "POST", "path": "/open311/v2/requests.json",
                           "status": 201}
    assert event.request_id == "req-filing-01" == AuditEvent.objects.get(action="integrations.open311.submit").request_id


def test_a_refused_filing_is_still_audited_as_a_use(client, w):
    key, raw = api_key(channels=["online"])
    assert file(client, raw, w, channel="hotline").status_code == 403  # not the key's channel
    assert file(client, raw, w, address_id="000").status_code == 400  # rolled back, nothing filed
    assert [(e.after["status"], e.actor_label) for e in uses()] == [(403, "apikey:311-app"), (400, "apikey:311-app")]
    assert not AuditEvent.objects.filter(action="integrations.open311.submit").exists()


def test_a_request_over_the_rate_is_audited_with_its_429(client, w):
    _key, raw = api_key(rate_limit=1)
    assert client.get("/open311/v2/requests.json", {"api_key": raw}).status_code == 200
    assert file(client, raw, w).status_code == 429
    assert [(e.after["endpoint"], e.after["status"]) for e in uses()] == [("requests", 200), ("post_request", 429)]


def test_a_revoked_key_is_audited_by_its_prefix_only(client, w):
    key, raw = api_key(area=w.community)
    services.apikey_revoke(actor=ACTOR, key=key)
    assert client.get("/open311/v2/requests.json", {"api_key": raw}, REMOTE_ADDR="198.51.100.4").status_code == 403
    assert file(client, raw, w).status_code == 403
    read, filing = uses()
    assert read.actor_label == filing.actor_label == f"apikey:{key.prefix}"
    assert read.after == {"endpoint": "requests", "method": "GET", "path": "/open311/v2/requests.json",
                          "status": 403, "prefix": key.prefix, "refused": "revoked"}
    assert filing.after["method"] == "POST" and filing.after["status"] == 403
    assert read.ip == "198.51.100.4" and read.area_path == w.community.path
    assert (read.content_type, read.object_id, read.object_repr) == (None, "", "")  # the prefix only
    for event in (read, filing):
        assert all(raw not in str(getattr(event, f.attname)) for f in AuditEvent._meta.concrete_fields)
        assert key.name not in str(event.after) + event.actor_label


def test_no_key_or_a_key_never_issued_writes_no_use(client, w):
    assert client.get("/open311/v2/requests.json").status_code == 200
    fake = "gzk_abcdefgh_" + "x" * 43
    assert client.get("/open311/v2/requests.json", {"api_key": fake}).status_code == 403
    assert file(client, fake, w).status_code == 403
    assert uses() == []


def test_the_use_costs_one_insert_and_no_other_query(client, w, monkeypatch):
    _key, raw = api_key()
    read = "/open311/v2/services.json"
    client.get(read, {"api_key": raw})  # warm: last_used_at, the content type cache
    with CaptureQueriesContext(connection) as audited:
        assert client.get(read, {"api_key": raw}).status_code == 200
    monkeypatch.setattr(services, "apikey_use_record", lambda **kwargs: None)
    with CaptureQueriesContext(connection) as unaudited:
        assert client.get(read, {"api_key": raw}).status_code == 200
    assert len(audited) - len(unaudited) == 1
    [insert] = [q["sql"] for q in audited if "core_auditevent" in q["sql"]]
    assert insert.startswith("INSERT")
    assert len(uses()) == 2


# ---------------------------------------------------------------------------------------------
# One limit for every process


def test_the_limit_holds_when_each_request_lands_on_another_process(client, w):
    """Each process has its own local-memory cache: clearing it between requests is what a request
    landing on another gunicorn worker looks like. The count lives in the database, so it holds."""
    key, raw = api_key(rate_limit=3)
    statuses = []
    for _ in range(5):
        cache.clear()
        statuses.append(client.get("/open311/v2/requests.json", {"api_key": raw}).status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert list(ApiKeyRateWindow.objects.filter(key=key).values_list("used", flat=True)) == [5]


def test_where_the_counts_live(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert services.rate_store() == "database"
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": "redis://127.0.0.1:1"}}):
        assert services.rate_store() == "cache"  # shared, atomic increments (never connected to here)
    settings.INTEGRATIONS_RATE_LIMIT_STORE = "database"
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                               "LOCATION": "redis://127.0.0.1:1"}}):
        assert services.rate_store() == "database"
    settings.INTEGRATIONS_RATE_LIMIT_STORE = "sometimes"
    with pytest.raises(ValueError, match="INTEGRATIONS_RATE_LIMIT_STORE"):
        services.rate_store()


def test_the_cache_store_counts_in_the_cache(settings):
    settings.INTEGRATIONS_RATE_LIMIT_STORE = "cache"
    key, _raw = api_key(rate_limit=2)
    now = timezone.now()
    assert [services.rate_count(key, now) for _ in range(3)] == [1, 2, 3]
    assert not ApiKeyRateWindow.objects.exists()


def test_the_database_counter_counts_per_minute_and_forgets_old_minutes():
    key, _raw = api_key()
    other, _raw = api_key("other")
    start = timezone.now().replace(second=5, microsecond=0)
    assert [services.rate_count(key, start) for _ in range(3)] == [1, 2, 3]
    assert services.rate_count(other, start) == 1
    assert services.rate_count(key, start + dt.timedelta(minutes=1)) == 1  # a new window
    assert services.rate_count(key, start + dt.timedelta(minutes=3)) == 1
    minute = int((start + dt.timedelta(minutes=3)).timestamp() // 60)
    # The key's windows before the previous minute are gone; other keys' are untouched.
    assert sorted(ApiKeyRateWindow.objects.filter(key=key).values_list("minute", flat=True)) == [minute]
    assert ApiKeyRateWindow.objects.filter(key=other).count() == 1
