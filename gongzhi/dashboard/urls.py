from .views import overview, reports, tables, wall

app_name = "dashboard"
urlpatterns = [
    *overview.urlpatterns,
    *tables.urlpatterns,
    *wall.urlpatterns,
    *reports.urlpatterns,
]
