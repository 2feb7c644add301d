"""Fixtures shared by the case pipeline's tests."""

import pytest

from gongzhi.cases.tests.factories import world


@pytest.fixture
def w():
    """The test world of `factories.world()`: a district down to households, the catalogue, a user of
    every role. A test module that needs more (a second community, party organisations …)
    overrides `w` with its own fixture built on `world()`."""
    return world()
