"""The care API (/api/care/…): one router made of the routers of each concern."""

from ninja import Router

from . import branches, figures, plans, rosters, visits

router = Router(tags=["care"])
router.add_router("", plans.router)
router.add_router("", branches.router)
router.add_router("", rosters.router)
router.add_router("", visits.router)
router.add_router("", figures.router)
