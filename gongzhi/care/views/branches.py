"""Care pages: branches."""

urlpatterns: list = []
