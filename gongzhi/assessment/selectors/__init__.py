"""Reads of the assessment, scoped to the user (scores, figures) — and one unscoped read for the
system sync of accountability records (`accountability.confirmed_deductions`)."""
