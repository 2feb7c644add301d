"""Pages: every component's URLconf at the prefix it declares (`Component.urls`), then i18n, the
admin and the API."""

from django.contrib import admin
from django.urls import include, path

from gongzhi.api import api
from gongzhi.core import components

urlpatterns = [
    *(path(prefix, include(module)) for prefix, module in components.url_includes()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
# The site's own error pages (gongzhi.core.errorpages; its middleware covers DEBUG as well).
handler403 = "gongzhi.core.errorpages.forbidden"
handler404 = "gongzhi.core.errorpages.not_found"
handler500 = "gongzhi.core.errorpages.server_error"
# No media route, not even with DEBUG: everything in MEDIA_ROOT is personal or case data (case
# attachments and camera snapshots, visit photos, import reports and pending imports), served only
# by scoped views (cases:attachment, residents:visit-photo, residents:import-report,
# integrations:camera-snapshot). Static files come from whitenoise / runserver.
