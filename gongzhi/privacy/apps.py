import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core import components
from gongzhi.core.components import Component, Periodic

# Retention periods (PIPL), in days, with their defaults; override any of them in Django settings.
SETTINGS = {
    # Closed cases: who asked (caller's name and phone, the requester's account) after this many days.
    "PRIVACY_CASE_REQUESTER_DAYS": 3 * 365,
    # Visit notes (what was found, others met) after this many days from the visit.
    "PRIVACY_VISIT_NOTES_DAYS": 3 * 365,
    # People who moved out or died: ID number, phone and name after this many days from leaving.
    "PRIVACY_PERSON_DAYS": 5 * 365,
    # Records anonymised per transaction (one audit event per batch).
    "PRIVACY_BATCH_SIZE": 500,
    # How often the worker runs the retention job.
    "PRIVACY_RUN_EVERY_HOURS": 24,
}

AUDIT_ACTIONS = (
    "privacy.retention.run",
    "privacy.retention.people",
    "privacy.retention.visits",
    "privacy.retention.volunteers",
    "privacy.retention.cases",
    "privacy.person.export",
)


def run_period() -> dt.timedelta:
    return dt.timedelta(hours=components.setting("PRIVACY_RUN_EVERY_HOURS"))


class PrivacyConfig(AppConfig):
    name = "gongzhi.privacy"
    label = "privacy"
    verbose_name = _("Privacy")
    component = Component(
        api="gongzhi.privacy.api:router",
        urls="gongzhi.privacy.urls",
        audit_actions=AUDIT_ACTIONS,
        settings=SETTINGS,
        periodic=(Periodic("privacy.retention", "gongzhi.privacy.tasks.retention", every=run_period),),
        matrix="gongzhi.privacy.tests.matrix:objects",
    )
