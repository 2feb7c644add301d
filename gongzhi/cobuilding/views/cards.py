"""Co-building pages: cards (filled by its owner)."""

from __future__ import annotations

urlpatterns: list = []
