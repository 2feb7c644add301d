from .views import bookings, figures, guide, home, orders, points

app_name = "circle"
urlpatterns = [
    *home.urlpatterns,
    *points.urlpatterns,
    *bookings.urlpatterns,
    *orders.urlpatterns,
    *guide.urlpatterns,
    *figures.urlpatterns,
]
