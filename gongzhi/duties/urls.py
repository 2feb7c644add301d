from .views import records, sheets

app_name = "duties"
urlpatterns = [
    *sheets.urlpatterns,
    *records.urlpatterns,
]
