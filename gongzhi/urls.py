from django.contrib import admin
from django.urls import include, path

from gongzhi.api import api

urlpatterns = [
    path("", include("gongzhi.core.urls")),
    path("accounts/", include("gongzhi.accounts.urls")),
    path("areas/", include("gongzhi.areas.urls")),
    path("party/", include("gongzhi.party.urls")),
    path("residents/", include("gongzhi.residents.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("", include("gongzhi.integrations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
# No media route, not even with DEBUG: everything in MEDIA_ROOT is personal or case data (case
# attachments and camera snapshots, visit photos, import reports and pending imports), served only
# by scoped views (cases:attachment, residents:visit-photo, residents:import-report,
# integrations:camera-snapshot). Static files come from whitenoise / runserver.
