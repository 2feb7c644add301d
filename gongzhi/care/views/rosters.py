"""Care pages: rosters."""

urlpatterns: list = []
