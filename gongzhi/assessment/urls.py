"""The assessment pages under /assessment/: one's own score and appeals, the street's appeals and
corrections, the area's months with the drill-down to a worker's month, and the report export."""

from .views import appeals, corrections, me, months

app_name = "assessment"
urlpatterns = [
    *me.urlpatterns,
    *appeals.urlpatterns,
    *corrections.urlpatterns,
    *months.urlpatterns,
]
