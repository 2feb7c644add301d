"""The privacy API: a person's data exported on their request (scoped: outside looks absent)."""

from django.http import HttpRequest, HttpResponse
from ninja import Router

from gongzhi.core.errors import errors

from . import selectors, services

router = Router(tags=["privacy"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/people/{person_id}/export", response={200: None, **errors(400, 401, 403, 404, 422)},
            summary="Export what the registry holds about one person, and the log of reveals of it, as .xlsx (logged)")
def export_person(request: HttpRequest, person_id: int, reason: str = ""):
    person = selectors.person_get(user=request.auth, pk=person_id)
    content = services.person_export(actor=request.auth, person=person, reason=reason)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.xlsx"'
    return response
