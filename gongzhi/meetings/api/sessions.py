"""sessions endpoints of the meetings API."""

from ninja import Router

router = Router(tags=["meetings"])
