"""The honours API (/api/honours/…): public selections (nominate, short list, vote, announce) and
award rounds (criteria, panel, nominations, score sheets, the result). Refusals in the one error
shape; outside the user's scope is 404."""

from ninja import Router

from . import awards, selections

router = Router(tags=["honours"])
router.add_router("/selections", selections.router)
router.add_router("/awards", awards.router)
router.add_router("/award-nominations", awards.nominations_router)
