import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component


def hourly() -> dt.timedelta:
    return dt.timedelta(hours=1)


def daily() -> dt.timedelta:
    return dt.timedelta(days=1)


class DisclosureConfig(AppConfig):
    name = "gongzhi.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure")
    component = Component(
        urls="gongzhi.disclosure.urls",
        settings={
            # Files published with an item, a statement or a receipt (documents and images only).
            "DISCLOSURE_ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
            "DISCLOSURE_ATTACHMENTS_PER_UPLOAD": 9,
            # "Due soon" on the due board: due within this many working days.
            "DISCLOSURE_DUE_SOON_DAYS": 3,
            # A resident's question unanswered after this many working days is flagged.
            "DISCLOSURE_QUESTION_ANSWER_DAYS": 5,
        },
        audit_actions=(
            "disclosure.item.create",
            "disclosure.item.compose",
            "disclosure.item.edit",
            "disclosure.item.publish",
            "disclosure.item.correct",
            "disclosure.item.correct_version",
            "disclosure.schedule.create",
            "disclosure.schedule.plan",
        ),
        matrix="gongzhi.disclosure.tests.matrix:objects",
        demo_order=95,
    )
