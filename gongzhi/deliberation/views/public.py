"""The public pages, without login: a community's published resolutions (paged, phone-friendly),
one resolution's own page, its progress photos and its printable notice. Only published
resolutions; nothing personal (see `public_selectors`)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path

from gongzhi.core import downloads
from gongzhi.core.errors import NotFound

from .. import public_selectors as selectors
from ..pdf import notice_pdf
from ..services.publication import notice, notice_filename
from ..services.resolutions import yuan

PER_PAGE = 10


def _owners(resolution) -> list[str]:
    seen: list[str] = []
    for owner in resolution.owners.all():
        label = selectors.public_owner(owner)
        if label not in seen:
            seen.append(label)
    return seen


def _dress(resolution) -> None:
    resolution.public_owners = _owners(resolution)
    resolution.budget_yuan = yuan(resolution.budget_fen)
    resolution.spent_yuan = yuan(resolution.spent_fen)
    resolution.over_budget = resolution.budget_fen > 0 and resolution.spent_fen > resolution.budget_fen
    resolution.public_text = selectors.public_text(resolution.text)


def community(request, code: str):
    try:
        place = selectors.community_by_code(code)
    except NotFound as exc:
        raise Http404 from exc
    page = Paginator(selectors.community_resolutions(place), PER_PAGE).get_page(request.GET.get("page"))
    for resolution in page:
        _dress(resolution)
    return render(request, "deliberation/public/community.html", {"community": place, "page": page})


def resolution(request, resolution_id: int):
    try:
        found = selectors.public_resolution(resolution_id)
    except NotFound as exc:
        raise Http404 from exc
    _dress(found)
    place = selectors.community_of(found.topic.area)
    for rectification in found.rectifications.all():
        rectification.public_problem = selectors.public_text(rectification.problem)
    for update in found.updates.all():
        update.public_text = selectors.public_text(update.text)
    return render(request, "deliberation/public/resolution.html", {
        "resolution": found, "community": place, "notice": notice(found),
        "spendings": [(s, yuan(s.amount_fen)) for s in found.spendings.all()],
        "sign_off_note": selectors.public_text(found.sign_off_note),
    })


def photo(request, photo_id: int):
    try:
        found = selectors.public_photo(photo_id)
    except NotFound as exc:
        raise Http404 from exc
    return downloads.serve(found.file, content_type=found.content_type, name=found.name)


def notice_download(request, resolution_id: int):
    try:
        found = selectors.public_resolution(resolution_id)
    except NotFound as exc:
        raise Http404 from exc
    response = HttpResponse(notice_pdf(resolution=found), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice_filename(found)}"'
    return response


urlpatterns = [
    path("public/<str:code>/", community, name="public-community"),
    path("public/resolutions/<int:resolution_id>/", resolution, name="public-resolution"),
    path("public/resolutions/<int:resolution_id>/notice.pdf", notice_download, name="public-notice"),
    path("public/photos/<int:photo_id>/", photo, name="public-photo"),
]
