"""The public pages of a community's open books (居务公开), without login: the list of current items
by kind with search and paging, each item's page with its versions (a correction shown beside the
version it replaced) and the residents' questions with the public answers, a print view for the
notice board (A4 portrait, large type), an Atom feed and JSON.

Nothing personal is shown: askers are never named, no staff name (answers come from "the community
office"), and every text goes through the personal-data mask (ID numbers, mobile numbers, residents'
names) even though publication already refused them. An unknown community, a draft, a planned slot or
another community's item answers 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import personal_data, public_selectors, selectors
from ..feeds import community_feed
from ..models import ItemKind, Timing

PAGE_SIZE = 20
JSON_PAGE_SIZE = 50
SEARCH_LIMIT = 50


def community_or_404(code: str):
    community = selectors.public_community(code=code)
    if community is None:
        raise Http404(_("Community not found."))
    return community


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in ItemKind.values else ""


def _search(request) -> str:
    return (request.GET.get("q") or "").strip()[:SEARCH_LIMIT]


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def item_url(community, item) -> str:
    return reverse("disclosure:public-item", kwargs={"community_code": community.code, "item_id": item.pk})


@require_GET
def board(request, community_code: str):
    """The community's public page: current items of one kind (or all), newest first, 20 a page."""
    community = community_or_404(community_code)
    kind, q = _kind(request), _search(request)
    past = request.GET.get("past") == "1"
    items = public_selectors.public_list(community=community, kind=kind or None, search=q, include_superseded=past)
    page = Paginator(items, PAGE_SIZE).get_page(_page_number(request))
    kinds = [(value, label) for value, label in ItemKind.choices]
    # What each card shows, worked out once here (labels, link, local date) rather than per item in the
    # template: the page is the one everybody opens.
    kind_labels, timing_labels = dict(ItemKind.choices), dict(Timing.choices)
    base = reverse("disclosure:public-board", kwargs={"community_code": community.code})
    rows = [{"item": i, "url": f"{base}items/{i.pk}/", "kind_label": kind_labels.get(i.kind, i.kind),
             "timing_label": timing_labels.get(i.timing, i.timing),
             "published": timezone.localtime(i.published_at).date() if i.published_at else None}
            for i in page.object_list]
    return render(request, "disclosure/public/board.html", {
        "community": community, "page": page, "rows": rows, "kind": kind, "q": q, "past": past, "kinds": kinds,
        "kind_label": ItemKind(kind).label if kind else "",
    })


@require_GET
def item_detail(request, community_code: str, item_id: int):
    """One item: its text, every version (the superseded ones marked, with the reason of each
    correction), its attachments and the residents' questions with the public answers."""
    community = community_or_404(community_code)
    item = selectors.public_item(community=community, pk=item_id)
    if item is None:
        raise Http404(_("Notice not found."))
    names = personal_data.private_names(community)
    versions = selectors.item_versions(item)
    current = next((v for v in reversed(versions) if v.state == "published"), versions[-1] if versions else item)
    questions = [
        {"text": personal_data.mask(q.text, names=names), "asked_at": q.asked_at,
         "answer": personal_data.mask(q.answer, names=names), "answered_at": q.answered_at}
        for q in selectors.public_questions(item).only("text", "asked_at", "answer", "answered_at")
    ]
    return render(request, "disclosure/public/item.html", {
        "community": community, "item": item, "current": current, "versions": versions,
        "is_current": public_selectors.is_current(item),
        "body": personal_data.mask(item.body, names=names),
        "title": personal_data.mask(item.title, names=names),
        "attachments": list(item.attachments.all()),
        "questions": questions,
    })


@require_GET
def print_board(request, community_code: str):
    """The newest current items laid out for the notice board: A4 portrait, large type."""
    community = community_or_404(community_code)
    kind = _kind(request)
    names = personal_data.private_names(community)
    items = [
        {"item": i, "title": personal_data.mask(i.title, names=names), "body": personal_data.mask(i.body, names=names)}
        for i in public_selectors.print_selection(community=community, kind=kind or None)
    ]
    return render(request, "disclosure/public/print.html", {
        "community": community, "items": items, "kind_label": ItemKind(kind).label if kind else "",
    })


@require_GET
def item_print(request, community_code: str, item_id: int):
    """One item alone on an A4 sheet for the notice board."""
    community = community_or_404(community_code)
    item = selectors.public_item(community=community, pk=item_id)
    if item is None:
        raise Http404(_("Notice not found."))
    names = personal_data.private_names(community)
    items = [{"item": item, "title": personal_data.mask(item.title, names=names),
              "body": personal_data.mask(item.body, names=names)}]
    return render(request, "disclosure/public/print.html", {"community": community, "items": items,
                                                            "kind_label": item.get_kind_display()})


def _item_json(request, community, item, names) -> dict:
    return {
        "id": item.pk,
        "url": request.build_absolute_uri(item_url(community, item)),
        "kind": item.kind,
        "kind_label": str(item.get_kind_display()),
        "timing": item.timing,
        "title": personal_data.mask(item.title, names=names),
        "state": item.state,
        "version": item.version,
        "series": item.series_id or item.pk,
        "correction_reason": personal_data.mask(item.correction_reason, names=names),
        "published_at": item.published_at.isoformat() if item.published_at else None,
        "period_start": item.period_start.isoformat() if item.period_start else None,
        "period_end": item.period_end.isoformat() if item.period_end else None,
        "late": item.is_late,
    }


@require_GET
def items_json(request, community_code: str):
    """The same list as the public page, as JSON (50 a page; ?kind=, ?q=, ?page=, ?past=1)."""
    community = community_or_404(community_code)
    kind, q = _kind(request), _search(request)
    past = request.GET.get("past") == "1"
    items = public_selectors.public_list(community=community, kind=kind or None, search=q, include_superseded=past)
    page = Paginator(items, JSON_PAGE_SIZE).get_page(_page_number(request))
    names = personal_data.private_names(community)
    return JsonResponse({
        "community": {"code": community.code, "name": community.name},
        "page": page.number, "pages": page.paginator.num_pages, "count": page.paginator.count,
        "items": [_item_json(request, community, i, names) for i in page.object_list],
    }, json_dumps_params={"ensure_ascii": False})


@require_GET
def item_json(request, community_code: str, item_id: int):
    """One item with its text, versions and answered questions, as JSON."""
    community = community_or_404(community_code)
    item = selectors.public_item(community=community, pk=item_id)
    if item is None:
        raise Http404(_("Notice not found."))
    names = personal_data.private_names(community)
    data = _item_json(request, community, item, names)
    data["body"] = personal_data.mask(item.body, names=names)
    data["versions"] = [_item_json(request, community, v, names) for v in selectors.item_versions(item)]
    data["questions"] = [
        {"text": personal_data.mask(q.text, names=names), "asked_at": q.asked_at.isoformat(),
         "answer": personal_data.mask(q.answer, names=names),
         "answered_at": q.answered_at.isoformat() if q.answered_at else None}
        for q in selectors.public_questions(item)
    ]
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("public/<str:community_code>/", board, name="public-board"),
    path("public/<str:community_code>/print/", print_board, name="public-print"),
    path("public/<str:community_code>/feed/", require_GET(community_feed), name="public-feed"),
    path("public/<str:community_code>/items.json", items_json, name="public-items-json"),
    path("public/<str:community_code>/items/<int:item_id>/", item_detail, name="public-item"),
    path("public/<str:community_code>/items/<int:item_id>/print/", item_print, name="public-item-print"),
    path("public/<str:community_code>/items/<int:item_id>.json", item_json, name="public-item-json"),
]
