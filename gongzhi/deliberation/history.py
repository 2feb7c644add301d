"""How the deliberation app's audit events read in a history (`gongzhi.core.history` reads this).
Topics and paths; the resolutions and hearings modules add their own below."""

from django.utils.translation import gettext_lazy as _

from . import history_hearings, history_resolutions

DESCRIBE = {
    # --- topics and paths ---
    "deliberation.path.create": _("declared the path"),
    "deliberation.topic.create": _("raised the topic"),
    "deliberation.topic.propose": _("proposed the topic"),
    "deliberation.topic.sign": _("co-signed the proposal"),
    "deliberation.topic.open": _("put the topic on its path"),
    "deliberation.topic.advance": _("completed a step of the topic"),
    "deliberation.topic.send_back": _("sent the topic back to the step before"),
    "deliberation.topic.drop": _("dropped the topic"),
    "deliberation.topic.complete": _("marked the topic as carried out"),
    "deliberation.topic.lapse": _("let the proposal lapse (too few co-signatures in time)"),
    "deliberation.topic.attach": _("added documents to the topic"),
    "deliberation.step.overdue": _("flagged a step of the topic as overdue"),
    "deliberation.path.update": _("changed the path"),
    "deliberation.path.steps": _("changed the steps of the path"),
    "deliberation.proposal_rule.save": _("set how many co-signatures open a proposal"),
    # --- resolutions, supervision, hearings: added by their modules ---
}

ACTORS = {
    "deliberation.threshold": _("Co-signature threshold reached"),
    "votes.closed": _("The vote's close"),
    "task:deliberation-lapse": _("Automatic proposal deadline"),
    "task:deliberation-overdue": _("Automatic overdue check"),
}


# The resolution side and the hearings keep their sentences next to their services.
DESCRIBE.update(history_resolutions.DESCRIBE)
DESCRIBE.update(history_hearings.DESCRIBE)
ACTORS.update(history_resolutions.ACTORS)
FIELDS = {**history_resolutions.FIELDS, **history_hearings.FIELDS}
HIDDEN = set(history_hearings.HIDDEN)
