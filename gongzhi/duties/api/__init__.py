"""The duties API (/api/duties/…): one router made of the routers of each concern."""

from ninja import Router

from . import records, sheets

router = Router(tags=["duties"])
router.add_router("", sheets.router)
router.add_router("", records.router)
