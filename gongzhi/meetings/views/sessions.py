"""sessions pages of the meetings app."""

urlpatterns: list = []
