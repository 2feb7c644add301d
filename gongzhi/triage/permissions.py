"""Who may do what with triage (read by `gongzhi.core.permissions`)."""

from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import STAFF_ROLES, Role
from gongzhi.core.permissions import Rule

RULES = {
    # Staff who register or dispatch cases may ask for a category suggestion.
    "triage.suggest": Rule(roles=STAFF_ROLES, message=_("Only staff can ask for category suggestions.")),
    # The model versions are deployment-wide: district administrators see, train and activate them.
    "triage.view_models": Rule(roles=frozenset({Role.DISTRICT_ADMIN}),
                               message=_("Only district administrators can see triage models.")),
    "triage.train": Rule(roles=frozenset({Role.DISTRICT_ADMIN}),
                         message=_("Only district administrators can train triage models.")),
    "triage.activate": Rule(roles=frozenset({Role.DISTRICT_ADMIN}),
                            message=_("Only district administrators can activate triage models.")),
}
