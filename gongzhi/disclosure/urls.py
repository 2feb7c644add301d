from .views import committee, money, staff

app_name = "disclosure"

urlpatterns = [*staff.urlpatterns, *committee.urlpatterns, *money.urlpatterns]

# PUBLIC PAGES (no login): the public-pages helper adds `views/public.py` with its own
# `urlpatterns` (names prefixed "public-", paths under "public/<community_code>/...") and joins them
# here with the two lines below (a one-line change to this file, agreed):
#   from .views import public
#   urlpatterns += public.urlpatterns
