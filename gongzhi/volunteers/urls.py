from .views import activities, donations, home, mobilisation, people, store

app_name = "volunteers"
urlpatterns = [
    *home.urlpatterns,
    *people.urlpatterns,
    *activities.urlpatterns,
    *store.urlpatterns,
    *mobilisation.urlpatterns,
    *donations.urlpatterns,
]
