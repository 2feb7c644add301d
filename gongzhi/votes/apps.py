import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem
from gongzhi.core.periodic import Periodic


def every_minute() -> dt.timedelta:
    return dt.timedelta(minutes=1)


class VotesConfig(AppConfig):
    """The vote engine: every programme that puts a question to a vote uses it, and learns of the
    close through the extension point `votes.closed` (a callable taking the closed vote)."""

    name = "gongzhi.votes"
    label = "votes"
    verbose_name = _("Votes")
    component = Component(
        api="gongzhi.votes.api:router",
        urls="gongzhi.votes.urls",
        navigation=(NavItem(pgettext_lazy("navigation", "Votes"), "votes:list", permission="votes.view_list", order=46),),
        matrix="gongzhi.votes.tests.matrix:objects",
        audit_actions=(
            "votes.vote.create",
            "votes.vote.open",
            "votes.vote.record",
            "votes.vote.close",
            "votes.vote.cancel",
            "votes.ballot.cast",
            "votes.ballot.change",
            "votes.ballot.record",
        ),
        notification_kinds=("votes.opened", "votes.closed"),
        periodic=(Periodic("votes.close-due", "gongzhi.votes.tasks.close_due_votes", every=every_minute),),
    )
