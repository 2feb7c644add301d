"""The public building page (no login, like the open books): each household's points of the year,
its standing and its final stars; the household's name only where it agreed, else 某户 and the
masked room. An unknown code, or a node that is not a building, answers 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gongzhi.areas.selectors import address_of

from ..selectors import public as selectors


@require_GET
def building(request, building_code: str):
    node = selectors.public_building(code=building_code)
    if node is None:
        raise Http404(_("Building not found."))
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and this_year - 5 <= int(raw) <= this_year else this_year
    response = render(request, "civility/public/building.html", {
        "building": node, "address": address_of(node), "year": year,
        "rows": selectors.public_rows(building=node, year=year),
        "years": list(range(this_year, this_year - 3, -1)),
    })
    response["Cache-Control"] = "public, max-age=300"
    return response


urlpatterns = [
    path("public/<str:building_code>/", building, name="public-building"),
]
