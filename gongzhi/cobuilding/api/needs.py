"""Co-building API: needs (filled by its owner)."""

from ninja import Router

router = Router()
