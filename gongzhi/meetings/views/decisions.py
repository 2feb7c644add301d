"""decisions pages of the meetings app."""

urlpatterns: list = []
