"""Co-building pages: needs (filled by its owner)."""

from __future__ import annotations

urlpatterns: list = []
