from django.conf import settings
from django.conf.urls.static import static
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
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
