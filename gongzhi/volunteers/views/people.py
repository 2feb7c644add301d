"""Volunteers pages: people (filled by its owner)."""

urlpatterns: list = []
