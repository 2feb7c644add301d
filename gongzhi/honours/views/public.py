"""The public honour roll of a community, without login: the honoured by year, each with the
honour and the reason — names only. An unknown community answers 404."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import HonourKind
from ..selectors import public as selectors


@require_GET
def roll(request, community_code: str):
    community = selectors.public_community(code=community_code)
    if community is None:
        raise Http404(_("Community not found."))
    raw_year = request.GET.get("year", "")
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in HonourKind.values else ""
    honours = list(selectors.honour_roll(community=community, year=year, kind=kind)[:200])
    return render(request, "honours/public/roll.html", {
        "community": community, "honours": honours, "years": selectors.roll_years(community=community),
        "year": year, "kind": kind, "kinds": HonourKind.choices,
    })
