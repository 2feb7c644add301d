"""Fixtures of the dashboard's tests: the case pipeline's test world (a district down to
households, the catalogue, a user of every role)."""

import pytest

from gongzhi.cases.tests.factories import world


@pytest.fixture
def w():
    return world()
