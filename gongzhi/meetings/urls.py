from .views import bodies, decisions, figures, sessions

app_name = "meetings"
urlpatterns = [*bodies.urlpatterns, *sessions.urlpatterns, *decisions.urlpatterns, *figures.urlpatterns]
