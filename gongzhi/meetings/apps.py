import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, Export, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def hourly() -> dt.timedelta:
    return dt.timedelta(hours=1)


def daily() -> dt.timedelta:
    return dt.timedelta(days=1)


class MeetingsConfig(AppConfig):
    name = "gongzhi.meetings"
    label = "meetings"
    verbose_name = _("Meetings")
    component = Component(
        api="gongzhi.meetings.api:router",
        urls="gongzhi.meetings.urls",
        navigation=(
            NavItem(_("Bodies and meetings"), "meetings:bodies", permission="meetings.view_bodies", order=40),
            # "my meetings" and "my decisions", for every member.
            NavItem(_("My meetings"), "meetings:mine", permission="meetings.view_mine", order=41),
            NavItem(_("Meeting figures"), "meetings:figures", permission="meetings.view_figures", order=61),
        ),
        settings={
            # How long before a meeting its notice goes out, and how long a sign-in code lives after the start.
            "MEETINGS_NOTICE_HOURS": 48,
            "MEETINGS_SIGNIN_MINUTES_AFTER_START": 120,
            # How many periods ahead the planner keeps planned.
            "MEETINGS_PLAN_PERIODS_AHEAD": 1,
            # Files attached to the minutes (photos, PDF, Word/Excel).
            "MEETINGS_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
            "MEETINGS_ATTACHMENTS_PER_UPLOAD": 5,
            # Progress photos on a decision (checked by their first bytes).
            "MEETINGS_PHOTO_MAX_BYTES": 10 * 1024 * 1024,
            "MEETINGS_PHOTOS_PER_UPDATE": 9,
        },
        audit_actions=(
            "meetings.body.create",
            "meetings.body.update",
            "meetings.body_member.add",
            "meetings.body_member.update",
            "meetings.body_member.remove",
            "meetings.body_member.reveal",
            "meetings.cadence.set",
            "meetings.cadence.remove",
            "meetings.theme_day_content.save",
            "meetings.meeting.create",
            "meetings.meeting.update",
            "meetings.meeting.notify",
            "meetings.meeting.move",
            "meetings.meeting.cancel",
            "meetings.meeting.open",
            "meetings.meeting.mark",
            "meetings.meeting.close",
            "meetings.meeting.record",
            "meetings.meeting.missed",
            "meetings.agenda_item.save",
            "meetings.agenda_item.remove",
            "meetings.attendance.invite",
            "meetings.attendance.sign_in",
            "meetings.attendance.reveal",
            "meetings.minutes.write",
            "meetings.minutes.approve",
            "meetings.minutes.attach",
            "meetings.decision.create",
            "meetings.decision.report",
            "meetings.decision.complete",
            "meetings.decision.reopen",
            "meetings.decision.withdraw",
            "meetings.decision.overdue",
            "meetings.figures.export",
        ),
        notification_kinds=(
            "meetings.notice",
            "meetings.moved",
            "meetings.cancelled",
            "meetings.minutes_to_approve",
            "meetings.decision_assigned",
            "meetings.decision_overdue",
            "meetings.period_missed",
        ),
        demo_order=70,
        periodic=(
            Periodic("meetings.plan-periods", "gongzhi.meetings.tasks.plan_periods", every=daily),
            Periodic("meetings.send-notices", "gongzhi.meetings.tasks.send_due_notices", every=hourly),
            Periodic("meetings.flag-overdue", "gongzhi.meetings.tasks.flag_overdue", every=daily),
        ),
        exports=(
            Export("meetings.minutes", "meetings:minutes-pdf", _("Minutes (PDF)")),
            Export("meetings.figures", "meetings:figures-export", _("Meeting figures")),
        ),
        figures=(FigureProvider("meetings.summary", _("Meetings and decisions"), "gongzhi.meetings.figures:summary"),),
        extensions={
            "cases.case.panels": "gongzhi.meetings.selectors:case_panel",
            # What the assessment scores grid workers by (rules as data over these events).
            "assessment.score_events": "gongzhi.meetings.scoring:score_events",
            "assessment.score_kinds": "gongzhi.meetings.scoring:score_kinds",
        },
        matrix="gongzhi.meetings.tests.matrix:objects",
    )
