"""Volunteers pages: donations (filled by its owner)."""

urlpatterns: list = []
