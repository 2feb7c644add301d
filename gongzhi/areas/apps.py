from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem


class AreasConfig(AppConfig):
    name = "gongzhi.areas"
    label = "areas"
    verbose_name = _("Areas")
    component = Component(
        api="gongzhi.areas.api:router",
        urls="gongzhi.areas.urls",
        navigation=(NavItem(_("Areas"), "areas:tree", permission="areas.view_tree", order=20),),
        demo_order=10,
        audit_actions=(
            "areas.node.create",
            "areas.node.bulk_create",
            "areas.node.update",
            "areas.node.move",
            "areas.node.delete",
            "areas.estate.save",
            "areas.estate.delete",
            "areas.unit.save",
            "areas.unit.delete",
            "areas.department.save",
            "areas.department.delete",
            "areas.estate.reveal",
            "areas.unit.reveal",
            "areas.department.reveal",
        ),
        matrix="gongzhi.areas.tests.matrix:objects",
    )
