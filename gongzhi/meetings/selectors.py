"""Reads of the meetings app, always scoped to the acting user."""

from __future__ import annotations


def case_panel(*, user, case) -> dict | None:
    """What the case page shows of meetings on a case (extension point "cases.case.panels"); filled
    in by the decisions work."""
    return None
