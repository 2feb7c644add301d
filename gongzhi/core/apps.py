from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component, Periodic
from gongzhi.core.navigation import NavItem


def _catch_up_period():
    from gongzhi.core.notifications import catch_up_period

    return catch_up_period()


def _daily():
    import datetime

    return datetime.timedelta(days=1)


class CoreConfig(AppConfig):
    name = "gongzhi.core"
    label = "core"
    verbose_name = _("Core")
    component = Component(
        api="gongzhi.core.api:router",
        urls="gongzhi.core.urls",
        url_prefix="",
        permissions="gongzhi.core.permissions",
        navigation=(NavItem(_("Messages"), "messages", permission="core.read_notifications", order=90),),
        audit_actions=("core.calendar_day.create", "core.calendar_day.update", "core.calendar_day.delete",
                       "core.calendar_year.create", "core.calendar_year.update", "core.calendar_year.delete",
                       "core.calendar.sync", "core.backup", "core.restore"),
        matrix="gongzhi.core.tests.matrix:objects",
        # Sends what a lost or stuck delivery task left undelivered (issue 12, faults).
        periodic=(
            Periodic("core.notifications-catch-up", "gongzhi.core.notifications.deliver_stragglers",
                     every=_catch_up_period),
            # Forgets idempotency keys older than IDEMPOTENCY_KEEP_HOURS (48 by default).
            Periodic("core.idempotency-prune", "gongzhi.core.idempotency.prune", every=_daily),
        ),
    )
