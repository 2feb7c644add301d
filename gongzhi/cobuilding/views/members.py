"""Co-building pages: members (filled by its owner)."""

from __future__ import annotations

urlpatterns: list = []
