"""The meetings API (/api/meetings/…): one router made of the routers of each concern."""

from ninja import Router

from . import bodies, decisions, figures, sessions

router = Router(tags=["meetings"])
router.add_router("", bodies.router)
router.add_router("", sessions.router)
router.add_router("", decisions.router)
router.add_router("", figures.router)
