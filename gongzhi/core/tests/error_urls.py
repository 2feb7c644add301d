"""The project's URLconf plus one page that fails, for the error page tests."""

from django.urls import path

from gongzhi.urls import handler403, handler404, handler500  # noqa: F401
from gongzhi.urls import urlpatterns as project_patterns


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom), *project_patterns]
