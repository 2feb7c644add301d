"""Co-building demo: projects (filled by its owner)."""

from __future__ import annotations


def load(ctx) -> None:
    return None
