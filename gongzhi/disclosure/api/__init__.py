"""The open books API (/api/disclosure/…): one router made of the routers of each concern."""

from ninja import Router

from . import board, committee, items, money

router = Router(tags=["disclosure"])
router.add_router("", items.router)
router.add_router("", board.router)
router.add_router("", committee.router)
router.add_router("", money.router)
