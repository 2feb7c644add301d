"""Volunteers pages: activities (filled by its owner)."""

urlpatterns: list = []
