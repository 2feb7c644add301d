"""The care API: figures (owner: see the module docstring once written)."""

from ninja import Router

router = Router()
