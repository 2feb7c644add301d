"""How the resolution side's audit events read in a history (merged into `deliberation.history` by
the lead: `DESCRIBE.update(history_resolutions.DESCRIBE)`, `ACTORS.update(...)`, `FIELDS.update(...)`)."""

from django.utils.translation import gettext_lazy as _

from .services.resolutions import yuan

DESCRIBE = {
    "deliberation.resolution.owner_add": _("named an owner of the resolution"),
    "deliberation.resolution.owner_remove": _("took an owner off the resolution"),
    "deliberation.resolution.plan": _("set the resolution's budget and deadline"),
    "deliberation.resolution.report": _("reported progress on the resolution"),
    "deliberation.resolution.complete": _("marked the resolution as carried out"),
    "deliberation.resolution.reopen": _("reopened the resolution"),
    "deliberation.resolution.sign_off": _("signed the resolution off"),
    "deliberation.milestone.create": _("added a milestone"),
    "deliberation.milestone.done": _("marked a milestone reached"),
    "deliberation.milestone.remove": _("removed a milestone"),
    "deliberation.milestone.overdue": _("flagged a milestone as overdue"),
    "deliberation.spending.create": _("recorded money spent"),
    "deliberation.rectification.create": _("asked for a rectification"),
    "deliberation.rectification.respond": _("reported the rectification done"),
    "deliberation.rectification.accept": _("accepted the rectification"),
    "deliberation.rectification.reject": _("sent the rectification back"),
    "deliberation.rectification.late": _("flagged the rectification as late"),
}

ACTORS = {
    "task:deliberation-overdue": _("Automatic overdue check"),
}

FIELDS = {
    "owner": (_("owner"), None),
    "amount_fen": (_("amount (yuan)"), yuan),
    "spent_fen": (_("spent (yuan)"), yuan),
    "budget_fen": (_("budget (yuan)"), yuan),
}
