import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    """Rate-limit windows live in the cache, keyed by the key's id: start each test empty (ids are
    reused between tests on SQLite)."""
    cache.clear()
    yield
    cache.clear()
