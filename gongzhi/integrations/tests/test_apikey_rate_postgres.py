"""One rate limit for a key across server processes, on PostgreSQL.

Given a key allowed N requests a minute, when requests arrive at the same moment on separate database
connections, then the counter never loses or repeats an increment; and when the key's N requests
went to one server process (gunicorn, local-memory cache) then the next request on another process
is refused with 429 — and every one of those requests is one audit event."""

import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, connections
from django.utils import timezone

from gongzhi.core.models import AuditEvent
from gongzhi.core.tests import servers as test_servers
from gongzhi.integrations import services
from gongzhi.integrations.models import ApiKeyRateWindow

from .factories import api_key

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: several connections and processes"),
]


def test_concurrent_requests_on_separate_connections_are_each_counted_once(settings):
    settings.INTEGRATIONS_RATE_LIMIT_STORE = "auto"  # the test cache is local memory: the database
    key, _raw = api_key(rate_limit=20)
    now = timezone.now()
    barrier = threading.Barrier(3)
    counts: list[int] = []
    lock = threading.Lock()

    def hammer():
        try:
            barrier.wait(timeout=10)
            for _ in range(10):
                used = services.rate_count(key, now)
                with lock:
                    counts.append(used)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(counts) == list(range(1, 31))  # 30 requests, 30 distinct counts: none lost
    assert sum(1 for used in counts if used <= key.rate_limit) == 20  # so exactly 20 were let through
    assert ApiKeyRateWindow.objects.get(key=key).used == 30


# ---------------------------------------------------------------------------------------------
# Two gunicorn processes


def _get(port: int, path: str, raw: str | None = None) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        f"http://127.0.0.1:{port}{path}", headers={"X-Api-Key": raw} if raw else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def servers():
    # REDIS_URL dropped: a local-memory cache in each process, so only the database is shared
    with test_servers.running(2, ready_path="/open311/v2/discovery.json", local_cache=True) as ports:
        yield ports


def _not_at_the_end_of_a_minute() -> None:
    """The window is a fixed minute: start the requests well inside one, so that all of them fall
    in the same window (a handful of loopback requests take far less than the margin)."""
    seconds = time.time() % 60
    if seconds > 45:
        time.sleep(60 - seconds + 0.5)


def test_a_key_that_used_its_rate_on_one_server_is_refused_on_the_other(servers):
    first, second = servers
    _key, raw = api_key(rate_limit=3)
    _not_at_the_end_of_a_minute()
    on_first = [_get(first, "/open311/v2/services.json", raw) for _ in range(3)]
    on_second = [_get(second, "/open311/v2/requests.json", raw) for _ in range(2)]
    assert on_first == [200, 200, 200]
    assert on_second == [429, 429]  # the second process never saw the key, yet the limit holds
    events = AuditEvent.objects.filter(action=services.USE_ACTION).order_by("id")
    assert [(e.actor_label, e.after["endpoint"], e.after["status"]) for e in events] == [
        ("apikey:311-app", "services", 200)] * 3 + [("apikey:311-app", "requests", 429)] * 2
    assert len({e.request_id for e in events}) == 5
