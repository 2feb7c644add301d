"""How the meetings app's audit events read in a history (`gongzhi.core.history` reads this)."""

from django.utils.translation import gettext_lazy as _

DESCRIBE = {
    "meetings.body.create": _("set up the body"),
    "meetings.body.update": _("changed the body"),
    "meetings.body_member.add": _("added a member to the body"),
    "meetings.body_member.update": _("changed a member of the body"),
    "meetings.body_member.remove": _("took a member off the body"),
    "meetings.body_member.reveal": _("looked at a member's phone number"),
    "meetings.cadence.set": _("set how often the body meets"),
    "meetings.cadence.remove": _("removed a fixed meeting of the body"),
    "meetings.theme_day_content.save": _("set a fixed content of the theme party day"),
    "meetings.meeting.create": _("planned the meeting"),
    "meetings.meeting.update": _("changed the meeting"),
    "meetings.meeting.notify": _("sent the meeting's notice"),
    "meetings.meeting.move": _("moved the meeting"),
    "meetings.meeting.cancel": _("cancelled the meeting"),
    "meetings.meeting.open": _("opened the sign-in"),
    "meetings.meeting.mark": _("marked attendance"),
    "meetings.meeting.close": _("closed the meeting"),
    "meetings.meeting.record": _("recorded the meeting as held"),
    "meetings.meeting.missed": _("flagged a period without a meeting held"),
    "meetings.agenda_item.save": _("saved an agenda item"),
    "meetings.agenda_item.remove": _("removed an agenda item"),
    "meetings.attendance.invite": _("invited a participant"),
    "meetings.attendance.sign_in": _("signed in"),
    "meetings.attendance.reveal": _("looked at a participant's phone number"),
    "meetings.minutes.write": _("wrote the minutes"),
    "meetings.minutes.approve": _("approved the minutes"),
    "meetings.minutes.attach": _("attached a file to the minutes"),
    "meetings.decision.create": _("recorded a decision"),
    "meetings.decision.report": _("reported progress on the decision"),
    "meetings.decision.complete": _("marked the decision done"),
    "meetings.decision.reopen": _("reopened the decision"),
    "meetings.decision.withdraw": _("withdrew the decision"),
    "meetings.decision.overdue": _("flagged the decision as overdue"),
    "meetings.figures.export": _("exported the meeting figures"),
}

ACTORS = {
    "task:meetings-plan": _("Automatic meeting planner"),
    "task:meetings-notices": _("Automatic meeting notices"),
    "task:meetings-overdue": _("Automatic overdue check"),
}
