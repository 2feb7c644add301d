"""How the residents registry's audit events read in a history (`gongzhi.core.history`): each
action as the end of a sentence whose subject is who did it, and the keys of its events that are
not fields of the person or household."""

from django.utils.translation import gettext_lazy as _

DESCRIBE = {
    "residents.person.create": _("registered the person"),
    "residents.person.bulk_create": _("registered people in bulk"),
    "residents.person.update": _("changed the person's details"),
    "residents.person.move_in": _("recorded a move in"),
    "residents.person.move_out": _("recorded a move out"),
    "residents.person.transfer": _("moved the person to another household"),
    "residents.person.death": _("recorded a death"),
    "residents.person.party_link": _("linked the person to a party membership"),
    "residents.person.reveal": _("looked at the full ID number or phone"),
    "residents.person.export": _("exported the list of people"),
    "residents.tag.add": _("added the person to a special group"),
    "residents.tag.end": _("ended the person's special group"),
    "residents.household.save": _("saved the household's card"),
    "residents.visit.create": _("recorded a door visit"),
    "residents.visit.photo_add": _("added a photo to a door visit"),
    "residents.visit.link_case": _("turned a door visit into a request"),
    "residents.import": _("imported people from a spreadsheet"),
    "residents.import.reject": _("tried to import a spreadsheet with problems (nothing written)"),
    "residents.import.queue": _("queued a spreadsheet for import"),
}

FIELDS = {
    "people": (_("people"), None),
    "households": (_("households"), None),
    "photos": (_("photos"), None),
    "people_met": (_("number of people met"), len),
    "follow_up_needed": (_("needs follow-up"), None),
}

HIDDEN = {"household", "rows", "job", "reason_code"}
