"""The assessment API (/api/assessment/…): one router made of the routers of each concern. The
appeals' and reports' routers (api/appeals.py, api/reports.py) are included when present."""

from ninja import Router

from gongzhi.core.components import optional_module

from . import rules, scores

router = Router(tags=["assessment"])
router.add_router("", scores.router)
router.add_router("", rules.router)
for _name in ("appeals", "corrections", "reports"):
    _module = optional_module(f"{__name__}.{_name}")
    if _module is not None:
        router.add_router("", _module.router)
