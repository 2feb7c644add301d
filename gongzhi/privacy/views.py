"""The privacy page: one person's retention status and the export of their data on request."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.permissions import can

from . import selectors, services
from .api import XLSX


@never_cache
@login_required
def person(request, pk: int):
    """GET: the person's retention status and the reveal log; POST: the export (.xlsx, audited)."""
    try:
        someone = selectors.person_get(user=request.user, pk=pk)
        if not can(request.user, "privacy.export_person", someone):
            raise PermissionDenied
        if request.method == "POST":
            content = services.person_export(actor=request.user, person=someone,
                                             reason=request.POST.get("reason", "")[:500])
            response = HttpResponse(content, content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="person-{someone.pk}.xlsx"'
            return response
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    return render(request, "privacy/person.html", {
        "person": someone,
        "retention": selectors.retention_status(person=someone),
        "log": selectors.access_log(person=someone)[:50],
    })
