"""Shared test set-up: factories live in each app's tests/factories.py; this file holds fixtures
every app uses. Browser tests (`@pytest.mark.browser`, the `browser` fixture, login and screenshot
helpers) come from gongzhi/core/tests/browser.py."""

import pytest

pytest_plugins = ["gongzhi.core.tests.browser"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The working-day calendar is cached per process; a test that flushes or edits the calendar
    must not leak its view into the next test."""
    from gongzhi.core import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()


@pytest.fixture(autouse=True)
def _fresh_triage_model():
    """The active triage model is held per process; tests activate and roll back their own."""
    from gongzhi.triage import predictor

    predictor.reset()
    yield
    predictor.reset()
