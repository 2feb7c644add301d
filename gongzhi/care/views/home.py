"""Care pages: home."""

urlpatterns: list = []
