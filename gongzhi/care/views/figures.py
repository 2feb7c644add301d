"""Care pages: figures."""

urlpatterns: list = []
