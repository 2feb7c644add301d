"""Demo bodies, meetings, minutes and decisions (filled in by the meetings work)."""


def load(ctx) -> None:
    return None
