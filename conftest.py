"""Shared test set-up: factories live in each app's tests/factories.py; this file holds fixtures
every app uses."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
