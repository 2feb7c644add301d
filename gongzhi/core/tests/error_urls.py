"""The project's URLconf plus one page that fails, for the error page tests."""

from django.urls import path

from gongzhi.urls import handler403, handler404, handler500, urlpatterns as project_patterns  # noqa: F401


def boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("boom/", boom), *project_patterns]
