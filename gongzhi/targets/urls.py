from .views import pages

app_name = "targets"
urlpatterns = [*pages.urlpatterns]
