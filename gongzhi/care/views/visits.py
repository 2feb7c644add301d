"""Care pages: visits."""

urlpatterns: list = []
