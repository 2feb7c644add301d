"""Volunteers demo: activities (filled by its owner)."""


def load(ctx) -> None:
    return None
