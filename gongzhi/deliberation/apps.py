import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem


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
            # --- resolutions, supervision ---
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
            # --- resolutions, supervision, hearings: added by their modules ---
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
            # hearings
            "deliberation.hearing_called",
        ),
        demo_order=90,
        periodic=(),
        extensions={
            "votes.closed": "gongzhi.deliberation.services.steps:on_vote_closed",
        },
        matrix="gongzhi.deliberation.tests.matrix:objects",
    )
