"""Co-building demo: the units and in-service members of the demo community reporting in, with
needs, resources, projects and problems from the seeds and the contact cards of one grid, loaded
concern by concern (each loader reads what the earlier ones left in `ctx`)."""

from __future__ import annotations

from .demos import cards, members, needs, projects


def load(ctx) -> None:
    members.load(ctx)
    needs.load(ctx)
    projects.load(ctx)
    cards.load(ctx)
