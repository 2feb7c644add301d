"""The volunteers API (/api/volunteers/…): one router made of the routers of each concern."""

from ninja import Router

from . import activities, donations, mobilisation, people, store

router = Router(tags=["volunteers"])
router.add_router("", people.router)
router.add_router("", activities.router)
router.add_router("", store.router)
router.add_router("", mobilisation.router)
router.add_router("", donations.router)
