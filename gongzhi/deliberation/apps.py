import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, FigureProvider
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def daily() -> dt.timedelta:
    return dt.timedelta(days=1)


class DeliberationConfig(AppConfig):
    name = "gongzhi.deliberation"
    label = "deliberation"
    verbose_name = _("Deliberation")
    component = Component(
        api="gongzhi.deliberation.api:router",
        urls="gongzhi.deliberation.urls",
        navigation=(
            # --- topics and paths (staff list; residents' "propose, co-sign, follow") ---
            NavItem(_("Deliberation topics"), "deliberation:topics", permission="deliberation.view_topics", order=45),
            NavItem(_("Residents' say"), "deliberation:mine", permission="deliberation.propose", order=46),
            # --- resolutions, supervision ---
            NavItem(_("Resolutions"), "deliberation:resolutions", permission="deliberation.view_topics", order=46),
            NavItem(_("Rectifications"), "deliberation:rectifications", permission="deliberation.supervise", order=47),
            # --- hearings ---
            NavItem(_("Public hearings"), "deliberation:hearings", permission="deliberation.register", order=43),
        ),
        settings={
            # Documents of a topic and photos of a resolution's progress (checked by their first bytes).
            "DELIBERATION_DOCUMENT_MAX_BYTES": 10 * 1024 * 1024,
            "DELIBERATION_PHOTO_MAX_BYTES": 10 * 1024 * 1024,
        },
        audit_actions=(
            "deliberation.path.create",
            "deliberation.topic.create",
            "deliberation.topic.propose",
            "deliberation.topic.sign",
            "deliberation.topic.open",
            "deliberation.topic.advance",
            "deliberation.topic.send_back",
            "deliberation.topic.drop",
            "deliberation.topic.complete",
            "deliberation.topic.lapse",
            "deliberation.topic.attach",
            "deliberation.step.overdue",
            "deliberation.path.update",
            "deliberation.path.steps",
            "deliberation.proposal_rule.save",
            # --- resolutions, supervision, hearings: added by their modules ---
            # resolutions, supervision:
            "deliberation.resolution.owner_add",
            "deliberation.resolution.owner_remove",
            "deliberation.resolution.plan",
            "deliberation.resolution.report",
            "deliberation.resolution.complete",
            "deliberation.resolution.reopen",
            "deliberation.resolution.sign_off",
            "deliberation.milestone.create",
            "deliberation.milestone.done",
            "deliberation.milestone.remove",
            "deliberation.milestone.overdue",
            "deliberation.spending.create",
            "deliberation.rectification.create",
            "deliberation.rectification.respond",
            "deliberation.rectification.accept",
            "deliberation.rectification.reject",
            "deliberation.rectification.late",
            # hearings
            "deliberation.hearing.call",
            "deliberation.hearing.register",
            "deliberation.hearing.cancel_registration",
            "deliberation.hearing.reveal_phone",
            "deliberation.hearing.reorder",
            "deliberation.hearing.record_view",
            "deliberation.hearing.attach_record",
        ),
        notification_kinds=(
            "deliberation.topic_moved",
            # topics:
            "deliberation.proposal_lapsed",
            "deliberation.step_overdue",
            # resolutions, supervision:
            "deliberation.resolution_owner",
            "deliberation.resolution_done",
            "deliberation.resolution_signed_off",
            "deliberation.resolution_reopened",
            "deliberation.milestone_overdue",
            "deliberation.rectification_raised",
            "deliberation.rectification_answered",
            "deliberation.rectification_late",
            # hearings
            "deliberation.hearing_called",
        ),
        demo_order=90,
        periodic=(
            Periodic("deliberation.lapse-proposals", "gongzhi.deliberation.tasks.lapse_proposals", every=daily),
            Periodic("deliberation.flag-overdue-steps", "gongzhi.deliberation.tasks.flag_overdue_steps", every=daily),
            Periodic("deliberation.flag-overdue-milestones", "gongzhi.deliberation.tasks.flag_overdue_milestones",
                     every=daily),
            Periodic("deliberation.flag-late-rectifications", "gongzhi.deliberation.tasks.flag_late_rectifications",
                     every=daily),
        ),
        extensions={
            "votes.closed": "gongzhi.deliberation.services.steps:on_vote_closed",
            # --- topics: one click from a case and from a hot issue of the 三率 page ---
            "cases.case.panels": "gongzhi.deliberation.selectors:case_panel",
            "cases.hot_issue.actions": "gongzhi.deliberation.selectors:hot_issue_actions",
        },
        matrix="gongzhi.deliberation.tests.matrix:objects",
        figures=(FigureProvider("deliberation.summary", _("Deliberation"), "gongzhi.deliberation.figures:dashboard_figures"),),
    )
