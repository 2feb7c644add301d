from .views import committee, money, public, staff

app_name = "disclosure"

# Staff and committee pages; the public pages (no login) under "public/<community_code>/...".
urlpatterns = [*staff.urlpatterns, *committee.urlpatterns, *money.urlpatterns, *public.urlpatterns]
