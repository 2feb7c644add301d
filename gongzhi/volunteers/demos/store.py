"""Volunteers demo: store (filled by its owner)."""


def load(ctx) -> None:
    return None
