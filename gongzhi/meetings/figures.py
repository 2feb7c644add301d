"""Figures of the meetings app (meetings held vs due, attendance, matters, decisions)."""

from __future__ import annotations


def summary(*, user, node=None, start=None, end=None) -> list[dict]:
    return []
