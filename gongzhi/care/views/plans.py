"""Care pages: plans."""

urlpatterns: list = []
