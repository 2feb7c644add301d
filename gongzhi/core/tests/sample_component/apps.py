from django.apps import AppConfig

from gongzhi.core.components import Component
from gongzhi.core.navigation import NavItem


class SampleComponentConfig(AppConfig):
    name = "gongzhi.core.tests.sample_component"
    label = "sample_component"
    verbose_name = "Sample component"
    component = Component(
        api="gongzhi.core.tests.sample_component.api:router",  # mounted at /api/sample_component
        urls="gongzhi.core.tests.sample_component.urls",  # mounted at /sample_component/
        navigation=(NavItem("Sample", "sample_component:index", permission="sample_component.view", order=99),),
        # permissions: "<app>.permissions" by default (its RULES)
        settings={"SAMPLE_COMPONENT_GREETING": "你好"},
        demo_order=999,  # after every real app
    )
