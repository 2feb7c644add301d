"""The assessment's services (keyword-only, take the actor, audited). Scoring: `month_compute`,
`month_close`, rules and pay formulas. Appeals and corrections live in their own modules."""

from .rules import formula_create, rule_create, rule_end
from .scoring import (
    ComputeResult,
    current_month_compute,
    kind_label,
    kinds,
    links,
    month_bounds,
    month_close,
    month_compute,
    parse_month,
    refresh_totals,
)

__all__ = [
    "ComputeResult", "current_month_compute", "formula_create", "kind_label", "kinds", "links", "month_bounds",
    "month_close", "month_compute", "parse_month", "refresh_totals", "rule_create", "rule_end",
]
