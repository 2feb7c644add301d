"""The service circle API (/api/circle/…): one router made of the routers of each concern."""

from ninja import Router

from . import bookings, figures, guide, orders, points

router = Router(tags=["circle"])
router.add_router("", points.router)
router.add_router("", bookings.router)
router.add_router("", orders.router)
router.add_router("", guide.router)
router.add_router("", figures.router)
