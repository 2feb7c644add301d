"""Co-building API: projects (filled by its owner)."""

from ninja import Router

router = Router()
