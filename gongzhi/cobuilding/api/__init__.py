"""The co-building API (/api/cobuilding/…): one router made of the routers of each concern."""

from ninja import Router

from . import cards, members, needs, projects

router = Router(tags=["cobuilding"])
router.add_router("", members.router)
router.add_router("", needs.router)
router.add_router("", projects.router)
router.add_router("", cards.router)
