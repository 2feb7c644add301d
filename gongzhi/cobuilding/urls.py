from .views import cards, home, members, needs, projects

app_name = "cobuilding"
urlpatterns = [
    *home.urlpatterns,
    *members.urlpatterns,
    *needs.urlpatterns,
    *projects.urlpatterns,
    *cards.urlpatterns,
]
