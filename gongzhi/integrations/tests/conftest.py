import pytest
from django.core.cache import cache

from gongzhi.cases.tests.factories import world


@pytest.fixture
def w():
    """The cases app's small world (district, streets, communities, grids, staff of each role)."""
    return world()


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    """Rate-limit windows may live in the cache (INTEGRATIONS_RATE_LIMIT_STORE=cache), keyed by the
    key's id: start each test empty (ids are reused between tests on SQLite)."""
    cache.clear()
    yield
    cache.clear()
