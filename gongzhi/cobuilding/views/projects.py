"""Co-building pages: projects (filled by its owner)."""

from __future__ import annotations

urlpatterns: list = []
