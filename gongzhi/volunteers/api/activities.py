"""The volunteers API: activities (filled by its owner)."""

from ninja import Router

router = Router()
