"""With REDIS_URL set, the cache is Redis through Django's own backend and the pinned client."""

import socket

import pytest
from django.core.cache.backends.redis import RedisCache


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="Redis does not answer on 127.0.0.1:6379")
def test_the_redis_cache_counts_across_clients():
    # given two cache clients on the same Redis, as two app servers would have
    first = RedisCache("redis://127.0.0.1:6379/15", {})
    second = RedisCache("redis://127.0.0.1:6379/15", {})
    first.delete("gongzhi-test-counter")
    # when both count
    first.set("gongzhi-test-counter", 0, 30)
    first.incr("gongzhi-test-counter")
    second.incr("gongzhi-test-counter")
    # then each sees the other's increments
    assert first.get("gongzhi-test-counter") == 2
    first.delete("gongzhi-test-counter")
