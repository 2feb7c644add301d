"""Settings of the case pipeline, each with a default (override in Django settings)."""

from decimal import Decimal

from django.conf import settings

DEFAULTS = {
    # After this many returns (退单) the case goes to the street, which decides who handles it.
    "CASES_MAX_RETURNS": 2,
    # Days a resolved case waits for the requester's rating before it closes on its own.
    "CASES_AUTO_CLOSE_DAYS": 7,
    # Weight of each rating in the satisfaction rate.
    "CASES_SATISFACTION_WEIGHTS": {"satisfied": Decimal("1"), "basic": Decimal("0.8"), "unsatisfied": Decimal("0")},
    # Weights of the composite score (response, resolution, satisfaction), 10/45/45 by default.
    "CASES_COMPOSITE_WEIGHTS": {"response": Decimal("0.10"), "resolution": Decimal("0.45"), "satisfaction": Decimal("0.45")},
    # Attachments: accepted content types and the largest size in bytes.
    "CASES_ATTACHMENT_TYPES": ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf", "audio/mpeg", "video/mp4"),
    "CASES_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
    "CASES_ATTACHMENTS_PER_EVENT": 9,
    # Longest extension a handler may ask for, in working days.
    "CASES_MAX_EXTENSION_DAYS": 15,
    # Minutes between two runs of the SLA sweep (enqueued by `gongzhi worker`).
    "CASES_SWEEP_MINUTES": 5,
    # Rows handled per query in the SLA sweep.
    "CASES_SWEEP_BATCH": 5000,
    # Triage at intake: a request whose most likely matter (by the active triage model) has at least
    # this probability is accepted and dispatched by the system; below it, or when the requester chose
    # another matter, it waits in the community's triage inbox. None (or above 1) turns this off.
    "CASES_TRIAGE_AUTO_ROUTE_CONFIDENCE": 0.85,
    # Possible duplicates offered for merging: open cases in the same community filed within this many
    # days whose text is at least this similar (Jaccard of character bigrams, 0–1).
    "CASES_DUPLICATE_DAYS": 30,
    "CASES_DUPLICATE_MIN_SIMILARITY": 0.3,
    "CASES_DUPLICATE_CANDIDATES": 300,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
