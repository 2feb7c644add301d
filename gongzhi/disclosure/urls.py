app_name = "disclosure"

# Staff and committee pages are added here as their modules land:
#   from .views import staff, committee, money
#   urlpatterns += [*staff.urlpatterns, ...]
#
# PUBLIC PAGES (no login): the public-pages helper adds `views/public.py` with its own
# `urlpatterns` (names prefixed "public-", paths under "public/<community_code>/...") and joins them
# here with the one line below (a one-line change to this file, agreed):
#   from .views import public
#   urlpatterns += public.urlpatterns
urlpatterns: list = []
from .views import public  # noqa: E402

urlpatterns += public.urlpatterns
