"""Volunteers demo: donations (filled by its owner)."""


def load(ctx) -> None:
    return None
