"""The dashboard API (/api/dashboard/…): one router made of the routers of each concern."""

from ninja import Router

from . import overview, reports

router = Router(tags=["dashboard"])
router.add_router("", overview.router)
router.add_router("", reports.router)
