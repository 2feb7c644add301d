from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.components import Component, FigureProvider
from gongzhi.core.navigation import NavItem


class HonoursConfig(AppConfig):
    """Honours (评先树优): public selections (每月好人, 最美家庭, 文明家庭, 好少年) nominated by residents,
    short-listed by the community and voted on through the vote engine; awards (党建载体创新奖,
    星级评定鼓励奖) scored by a panel; the public honour roll of each community."""

    name = "gongzhi.honours"
    label = "honours"
    verbose_name = _("honours")
    component = Component(
        api="gongzhi.honours.api:router",
        urls="gongzhi.honours.urls",
        navigation=(
            NavItem(pgettext_lazy("navigation", "Honours"), "honours:home", permission="honours.view", order=61),
        ),
        extensions={
            # The close of a selection's vote counts the selection.
            "votes.closed": "gongzhi.honours.services.selections:on_vote_closed",
        },
        matrix="gongzhi.honours.tests.matrix:objects",
        demo_order=100,  # after the votes, residents and areas it draws on
        settings={
            # How many nominations one resident may make in one selection.
            "HONOURS_NOMINATIONS_PER_RESIDENT": 3,
        },
        audit_actions=(
            "honours.selection.create",
            "honours.selection.shortlist",
            "honours.selection.start_vote",
            "honours.selection.count",
            "honours.selection.announce",
            "honours.selection.cancel",
            "honours.nomination.add",
            "honours.round.create",
            "honours.round.start_scoring",
            "honours.round.decide",
            "honours.round.cancel",
            "honours.criterion.add",
            "honours.panel.add",
            "honours.award.nominate",
            "honours.score.submit",
        ),
        figures=(FigureProvider("honours.summary", _("Honours"), "gongzhi.honours.selectors.figures:dashboard_figures"),),
        notification_kinds=("honours.nominated", "honours.announced", "honours.panel"),
    )
