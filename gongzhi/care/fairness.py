"""Fair rotation: share a period's visits among the carers so that each carer's number of turns is
within one of every other's, never on a carer's unavailable weekdays or leave, never more than a
carer's maximum in one week, and only to carers on the visited plan's rota.

Pure Python, no database: `services.rosters` builds the `Slot`s and `Carer`s and stores the result.
A roster that cannot be fair raises `Unfair` with sentences that name the constraint that binds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Carer:
    id: int
    name: str
    max_per_week: int = 2
    unavailable_weekdays: frozenset[int] = frozenset()  # Monday 0 … Sunday 6
    leave: tuple[tuple[dt.date, dt.date], ...] = ()  # inclusive periods

    def free_on(self, day: dt.date) -> bool:
        if day.weekday() in self.unavailable_weekdays:
            return False
        return not any(start <= day <= end for start, end in self.leave)


@dataclass(frozen=True)
class Slot:
    """One visit a plan needs on one day; `rota`: the carers on the plan's rota (ids)."""

    plan_id: int
    plan_name: str
    day: dt.date
    rota: tuple[int, ...]


@dataclass
class Shared:
    """The result: `assignment[i]` is the carer id of `slots[i]`; loads per carer id."""

    slots: list[Slot]
    assignment: list[int]
    loads: dict[int, int] = field(default_factory=dict)

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0


class Unfair(Exception):
    """The roster cannot be fair: `reasons` are sentences for the page, each naming what binds."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def visit_days(*, start: dt.date, end: dt.date, every_days: int, offset: int = 0,
               skip: Callable[[dt.date], bool] | None = None) -> list[dt.date]:
    """The days a plan is visited in [start, end]: every `every_days` days from start + offset
    (offset < every_days spreads the plans of a branch over the week). A day `skip` refuses (a
    public holiday, when the plan says so) moves to the next day that is not skipped, as long as
    that is before the next visit is due."""
    raise NotImplementedError


def share(slots: list[Slot], carers: list[Carer]) -> Shared:
    """Assign every slot to one carer of its rota so that loads differ by at most one among
    `carers` (all of them count, also one with no slot they could take), or raise Unfair."""
    raise NotImplementedError
