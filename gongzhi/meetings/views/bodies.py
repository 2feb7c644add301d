"""bodies pages of the meetings app."""

urlpatterns: list = []
