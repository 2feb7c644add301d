"""Co-building pages: the household contact cards (民情联系卡) — choose a grid or building of one's
scope, see how many households it has and which cards are out of date, print them as one PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import DomainError, Forbidden, NotFound
from gongzhi.core.permissions import can, page_requires

from ..selectors import cards as selectors
from ..services import cards as services
from . import cards_figures


def _areas(request) -> list[AreaNode]:
    """The area nodes named by `?area=` (one or more), each in the user's scope, else 404."""
    found = []
    for raw in request.GET.getlist("area"):
        raw = raw.strip()
        if not raw:
            continue
        if not raw.isdigit() or len(raw) > 18:
            raise Http404
        try:
            found.append(area_node_get(user=request.user, pk=int(raw)))
        except NotFound as exc:
            raise Http404 from exc
    return found


def form_url_for(request):
    """The absolute URL of the request form with a household chosen (what the QR code opens)."""
    base = request.build_absolute_uri(reverse("cases:new"))
    return lambda household_id: f"{base}?location={household_id}"


@page_requires("cobuilding.view_list")
def cards(request, *, error: str = ""):
    areas = _areas(request)
    area = areas[0] if areas else None
    overview = selectors.cards_overview(area=area) if area is not None and area.kind in selectors.BATCH_KINDS else None
    community = selectors.community_of(area) if area is not None else None
    context = {
        "community": community,
        "community_phone": selectors.community_phone_masked(community),
        "can_set_phone": community is not None and can(request.user, "cobuilding.keep_registrations", community),
        "phone_errors": {},
        "choices": selectors.card_areas(user=request.user).order_by("path")[:500],
        "area": area,
        "overview": overview,
        "can_print": area is not None and can(request.user, "cobuilding.print_cards", area),
        "error": error,
    }
    return render(request, "cobuilding/cards/index.html", context, status=400 if error else 200)


@page_requires("cobuilding.print_cards")
def cards_pdf(request):
    areas = _areas(request)
    only_outdated = request.GET.get("only") == "outdated"
    try:
        content, count = services.cards_print(actor=request.user, areas=areas, form_url=form_url_for(request),
                                              only_outdated=only_outdated)
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        return cards(request, error=exc.message)
    response = HttpResponse(content, content_type="application/pdf")
    name = areas[0].code if areas else "cards"
    response["Content-Disposition"] = f'inline; filename="contact-cards-{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@page_requires("cobuilding.keep_registrations")
def community_phone(request):
    """Set the community's service phone printed on its cards (from the cards page)."""
    raw = request.POST.get("community", "").strip()
    if not raw.isdigit() or len(raw) > 18:
        raise Http404
    try:
        community = area_node_get(user=request.user, pk=int(raw))
    except NotFound as exc:
        raise Http404 from exc
    back = request.POST.get("area", "").strip()
    try:
        services.community_phone_set(actor=request.user, community=community, phone=request.POST.get("phone", ""))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('cobuilding:cards')}?area={back if back.isdigit() else community.pk}")
    messages.success(request, _("The community's service phone is saved; its cards show as out of date until reprinted."))
    return redirect(f"{reverse('cobuilding:cards')}?area={back if back.isdigit() else community.pk}")


urlpatterns = [
    path("cards/", cards, name="cards"),
    path("cards/community-phone/", community_phone, name="community-phone"),
    path("cards/pdf/", cards_pdf, name="cards-pdf"),
    *cards_figures.urlpatterns,
]
