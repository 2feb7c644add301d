from .views import hearings, public, resolutions, topics

app_name = "deliberation"
urlpatterns = [*topics.urlpatterns, *resolutions.urlpatterns, *hearings.urlpatterns, *public.urlpatterns]
