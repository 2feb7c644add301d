from .views import pages

app_name = "inspections"
urlpatterns = [*pages.urlpatterns]
