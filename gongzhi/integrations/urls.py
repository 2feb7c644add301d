"""Open311 GeoReport v2 at /open311/v2/ and the scoped camera snapshots (this module is included
at the site root)."""

from django.urls import path, re_path

from . import views

app_name = "integrations"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^open311/v2/discovery" + FMT, views.discovery, name="open311-discovery"),
    re_path(r"^open311/discovery" + FMT, views.discovery, name="open311-discovery-root"),
    re_path(r"^open311/v2/services" + FMT, views.services_list, name="open311-services"),
    re_path(r"^open311/v2/services/(?P<service_code>[A-Za-z0-9_\-]+)" + FMT, views.service_definition,
            name="open311-service"),
    re_path(r"^open311/v2/requests" + FMT, views.requests_view, name="open311-requests"),
    re_path(r"^open311/v2/requests/(?P<service_request_id>[A-Za-z0-9_\-]+)" + FMT, views.request_detail,
            name="open311-request"),
    re_path(r"^open311/v2/tokens/(?P<token>[A-Za-z0-9_\-]+)" + FMT, views.token_detail, name="open311-token"),
    re_path(r"^open311/(?P<rest>.*)$", views.not_found, name="open311-not-found"),
    path("integrations/camera-events/<int:pk>/snapshot/", views.camera_snapshot, name="camera-snapshot"),
]
