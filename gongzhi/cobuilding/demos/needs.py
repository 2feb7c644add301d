"""Co-building demo: needs (filled by its owner)."""

from __future__ import annotations


def load(ctx) -> None:
    return None
