from .views import bonus, checks, public

app_name = "civility"
urlpatterns = [*checks.urlpatterns, *bonus.urlpatterns, *public.urlpatterns]
