from .views import branches, figures, home, plans, rosters, visits

app_name = "care"
urlpatterns = [
    *home.urlpatterns,
    *plans.urlpatterns,
    *branches.urlpatterns,
    *rosters.urlpatterns,
    *visits.urlpatterns,
    *figures.urlpatterns,
]
