"""Volunteers demo: people (filled by its owner)."""


def load(ctx) -> None:
    return None
