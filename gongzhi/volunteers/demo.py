"""Volunteers demo: the teams of seed 001 and a year of their work, loaded concern by concern (each
loader reads what the earlier ones left in `ctx`)."""

from __future__ import annotations

from .demos import activities, donations, mobilisation, people, store


def load(ctx) -> None:
    people.load(ctx)
    activities.load(ctx)
    store.load(ctx)
    mobilisation.load(ctx)
    donations.load(ctx)
