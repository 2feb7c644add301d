"""The deliberation API (/api/deliberation/…): one router made of the routers of each concern."""

from ninja import Router

from . import hearings, resolutions, topics

router = Router(tags=["deliberation"])
router.add_router("", topics.router)
router.add_router("", resolutions.router)
router.add_router("", hearings.router)
