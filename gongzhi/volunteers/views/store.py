"""Volunteers pages: store (filled by its owner)."""

urlpatterns: list = []
