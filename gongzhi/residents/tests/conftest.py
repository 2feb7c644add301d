"""Fixtures shared by the residents tests."""

import pytest

from .factories import world


@pytest.fixture
def w():
    """Two grids of one community, a grid worker for each, community staff, one person per household."""
    return world()
