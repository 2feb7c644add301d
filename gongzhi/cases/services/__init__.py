"""Every write of the case pipeline, by concern:

- `catalogue`: the catalogue of matters and its versioned rules;
- `intake`: filing a request (any channel, a household visit), triage's suggestion through the
  extension point "cases.intake.suggest", routing without a dispatcher;
- `transitions`: one function per action of the workflow (`workflow.CASE_WORKFLOW`), each through
  `gongzhi.core.workflow.apply_transition`;
- `whistle`: whistle calls (吹哨报到); `disputes`: parties, mediation, the dispute's stages;
- `attachments`: what a file is and saving it; `notify`: who is told; `events`: what every action
  shares (the locked case, the checks, the case's event).

`from gongzhi.cases import services; services.case_claim(...)` keeps working: the public names are
re-exported here."""

from .attachments import check_attachments, sniff
from .catalogue import (
    CATEGORY_FIELDS,
    RULE_FIELDS,
    category_save,
    current_revision,
    require_catalogue_admin,
    rules_of,
    validate_category,
    validate_questions,
)
from .disputes import dispute_add_party, dispute_escalate, dispute_record_session
from .intake import (
    RESIDENT_CHANNELS,
    STAFF_CHANNELS,
    TRIAGE_ACTOR,
    case_from_visit,
    case_submit,
    suggestions_available,
)
from .lists import BULK_ACTIONS, cases_bulk, cases_export
from .reveal import case_reveal_contact, case_reveal_text
from .transitions import (
    case_accept,
    case_add_note,
    case_auto_close,
    case_claim,
    case_decide_extension,
    case_dispatch,
    case_escalate,
    case_merge,
    case_rate,
    case_recategorise,
    case_record_contact,
    case_reject,
    case_reopen,
    case_request_extension,
    case_resolve,
    case_return,
    case_verify,
    record_callback,
)
from .whistle import case_whistle, whistle_acknowledge, whistle_report

__all__ = [
    "BULK_ACTIONS", "cases_bulk", "cases_export",
    "CATEGORY_FIELDS", "RESIDENT_CHANNELS", "RULE_FIELDS", "STAFF_CHANNELS", "TRIAGE_ACTOR",
    "case_accept", "case_add_note", "case_auto_close", "case_claim", "case_decide_extension", "case_dispatch",
    "case_escalate", "case_from_visit", "case_merge", "case_rate", "record_callback", "case_recategorise", "case_record_contact",
    "case_reject", "case_reopen", "case_request_extension", "case_reveal_text", "case_reveal_contact", "case_resolve", "case_return", "case_submit",
    "case_verify", "case_whistle", "category_save", "check_attachments", "current_revision", "dispute_add_party",
    "dispute_escalate", "dispute_record_session", "require_catalogue_admin", "rules_of",
    "sniff", "suggestions_available", "validate_category", "validate_questions",
    "whistle_acknowledge", "whistle_report",
]
