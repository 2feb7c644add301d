"""The sample component's page: it asks the gate like its API does (same user, same answer)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse

from gongzhi.core import components
from gongzhi.core.permissions import can


@login_required
def index(request):
    if not can(request.user, "sample_component.view"):
        raise PermissionDenied
    return HttpResponse(components.setting("SAMPLE_COMPONENT_GREETING"), content_type="text/plain; charset=utf-8")
