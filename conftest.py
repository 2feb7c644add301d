"""Shared test set-up: factories live in each app's tests/factories.py; this file holds fixtures
every app uses. Browser tests (`@pytest.mark.browser`, the `browser` fixture, login and screenshot
helpers) come from gongzhi/core/tests/browser.py."""

import pytest

pytest_plugins = ["gongzhi.core.tests.browser"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
