"""Volunteers pages: mobilisation (filled by its owner)."""

urlpatterns: list = []
