"""Volunteers demo: mobilisation (filled by its owner)."""


def load(ctx) -> None:
    return None
