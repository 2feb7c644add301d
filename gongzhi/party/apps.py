from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem


class PartyConfig(AppConfig):
    name = "gongzhi.party"
    label = "party"
    verbose_name = _("Party")
    component = Component(
        api="gongzhi.party.api:router",
        urls="gongzhi.party.urls",
        navigation=(NavItem(_("Party organisations"), "party:tree", permission="party.view_tree", order=30),),
        demo_order=30,
        audit_actions=(
            "party.organization.create",
            "party.organization.bulk_create",
            "party.organization.update",
            "party.organization.move",
            "party.organization.delete",
            "party.member.add",
            "party.member.bulk_add",
            "party.member.update",
            "party.member.transfer",
            "party.member.transfer_out",
            "party.member.delete",
            "party.member.reveal",
            "party.alliance.create",
            "party.alliance.update",
            "party.alliance.delete",
            "party.alliance.member_added",
            "party.alliance.member_removed",
            "party.alliance_member.add",
            "party.alliance_member.update",
            "party.alliance_member.remove",
        ),
        matrix="gongzhi.party.tests.matrix:objects",
    )
