"""How the public hearings' audit events read in a history. The lead registers them in
`gongzhi/deliberation/history.py` (FIELDS and HIDDEN are app-wide there: only keys of the
hearings' events that are no model field):

    from .history_hearings import DESCRIBE as HEARINGS, FIELDS as HEARING_FIELDS, HIDDEN as HEARING_HIDDEN
    DESCRIBE = {..., **HEARINGS}
    FIELDS = {..., **HEARING_FIELDS}
    HIDDEN = {..., *HEARING_HIDDEN}
"""

from django.utils.translation import gettext_lazy as _

DESCRIBE = {
    "deliberation.hearing.call": _("called a public hearing on the topic"),
    "deliberation.hearing.register": _("registered for the hearing"),
    "deliberation.hearing.cancel_registration": _("cancelled a registration for the hearing"),
    "deliberation.hearing.reveal_phone": _("looked at a registered person's phone number"),
    "deliberation.hearing.reorder": _("reordered the hearing's speakers' list"),
    "deliberation.hearing.record_view": _("recorded a view put at the hearing"),
    "deliberation.hearing.attach_record": _("attached the hearing's record of views to the topic"),
}

FIELDS = {
    "order": (_("speakers' list"), lambda ids: "、".join(f"#{pk}" for pk in ids or [])),
    "document": (_("document"), None),
}

HIDDEN = {"fields"}
