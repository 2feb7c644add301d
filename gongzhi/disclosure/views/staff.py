"""The staff pages of the open books: the due board, the items (compose, schedule, publish,
correct), an item with its versions, reviews and questions, the figures and their .xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import downloads, xlsx
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, InvalidInput
from gongzhi.core.permissions import can, page_requires, require
from gongzhi.core.permissions import scoped_page as scoped

from .. import board as board_module
from .. import selectors
from ..models import Item, ItemAttachment, ItemKind, ItemState, ScheduleCadence, Timing, Verdict
from ..services import committee, items, questions
from .common import communities_for, date_or_none, datetime_or_none, node_from

PER_PAGE = 30


def _period(request) -> tuple:
    year = (request.GET.get("year") or "").strip()
    today = timezone.localdate()
    y = int(year) if year.isdigit() and 2000 <= int(year) <= today.year + 1 else today.year
    import datetime as dt

    return y, dt.date(y, 1, 1), dt.date(y, 12, 31)


@page_requires("disclosure.view")
@scoped
def due_board(request):
    """What is due: per street and community, due soon, missing, published late and on time."""
    node = node_from(request)
    require(request.user, "disclosure.view", node)
    year, start, end = _period(request)
    b = board_module.board(user=request.user, node=node, start=start, end=end)
    return render(request, "disclosure/board.html", {
        "board": b, "node": node, "year": year, "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        "can_compose": can(request.user, "disclosure.compose"),
        "can_figures": can(request.user, "disclosure.view_figures", node),
    })


@page_requires("disclosure.view")
@scoped
def due_list(request):
    """The items behind a board figure (soon / missing / late) of a node."""
    node = node_from(request)
    require(request.user, "disclosure.view", node)
    which = request.GET.get("which") if request.GET.get("which") in ("soon", "missing", "late") else "missing"
    rows = board_module.due_items(user=request.user, node=node, which=which)
    labels = {"soon": _("Due soon"), "missing": _("Missing"), "late": _("Published late")}
    return render(request, "disclosure/due_list.html", {"node": node, "which": which, "label": labels[which],
                                                         "rows": rows})


@page_requires("disclosure.view")
@scoped
def item_list(request):
    state = request.GET.get("state") if request.GET.get("state") in ItemState.values else ""
    kind = request.GET.get("kind") if request.GET.get("kind") in ItemKind.values else ""
    search = (request.GET.get("q") or "")[:100]
    qs = selectors.items_visible(user=request.user, state=state, kind=kind, search=search)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/items.html", {
        "page": page, "state": state, "kind": kind, "q": search, "states": ItemState.choices,
        "kinds": ItemKind.choices, "can_compose": can(request.user, "disclosure.compose"),
    })


def _compose_context(request, values: dict, errors: dict) -> dict:
    return {"values": values, "errors": errors, "communities": communities_for(request.user),
            "kinds": ItemKind.choices, "timings": Timing.choices, "cadences": ScheduleCadence.choices}


@page_requires("disclosure.compose")
@scoped
def item_new(request):
    """Compose a draft (any kind and timing type), or schedule regular business."""
    values, errors = {"timing": Timing.POLICY, "kind": ItemKind.AFFAIRS}, {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            community = int(values.get("community_id") or 0)
            if values.get("mode") == "schedule":
                schedule = items.schedule_create(actor=request.user, community=community, kind=values.get("kind", ""),
                                                 title=values.get("title", ""), cadence=values.get("cadence", ""),
                                                 starts_on=date_or_none(values.get("starts_on", ""), "starts_on"),
                                                 owner=request.user)
                messages.success(request, _("Scheduled: %(title)s") % {"title": schedule.title})
                return redirect("disclosure:items")
            item = items.item_create(
                actor=request.user, community=community, kind=values.get("kind", ""),
                timing_type=values.get("timing", ""), title=values.get("title", ""), body=values.get("body", ""),
                trigger_at=datetime_or_none(values.get("trigger_at", ""), "trigger_at"),
                period_start=date_or_none(values.get("period_start", ""), "period_start"),
                period_end=date_or_none(values.get("period_end", ""), "period_end"),
                attachments=request.FILES.getlist("attachments"))
            return redirect("disclosure:item", item_id=item.pk)
        except DomainError as exc:
            errors = exc.fields or {"general": [exc.message]}
            if "community" in errors:
                errors["community_id"] = errors["community"]
    return render(request, "disclosure/item_new.html", _compose_context(request, values, errors))


def _item_context(request, item, errors: dict | None = None, values: dict | None = None) -> dict:
    user = request.user
    context = {
        "item": item,
        "versions": selectors.item_versions(item) if item.is_public else [item],
        "attachments": list(item.attachments.all()),
        "actions": selectors.item_actions(user=user, item=item),
        "reviews": list(item.reviews.select_related("reviewer").all()) if can(user, "disclosure.view", item) else [],
        "questions": list(selectors.item_questions(user=user, item=item)),
        "may_answer": can(user, "disclosure.answer", item),
        "verdicts": Verdict.choices,
        "owners": list(get_user_model().objects.filter(area_bindings__node=item.community, is_active=True)
                       .exclude(pk=user.pk).order_by("username")[:50]) if can(user, "disclosure.supervise", item) else [],
        "errors": errors or {},
        "values": values or {"title": item.title, "body": item.body},
        "superseded_by": getattr(item, "superseded_by", None) if item.state == ItemState.SUPERSEDED else None,
    }
    if core_selectors.can_see_history(user):
        context["events"] = core_selectors.history_for(user=user, obj=item)[:50]
    return context


@scoped
def item_detail(request, item_id: int):
    item = selectors.item_get(user=request.user, pk=item_id)
    return render(request, "disclosure/item.html", _item_context(request, item))


def _act(request, item_id: int, act, *, success: str):
    """Run a POSTed action on an item; on refusal show the item page again with the errors."""
    item = selectors.item_get(user=request.user, pk=item_id)
    try:
        result = act(item)
    except InvalidInput as exc:
        return render(request, "disclosure/item.html",
                      _item_context(request, item, errors=exc.fields or {"general": [exc.message]},
                                    values=request.POST.dict()), status=400)
    except DomainError as exc:
        if exc.code in ("forbidden", "not_found"):
            raise
        return render(request, "disclosure/item.html",
                      _item_context(request, item, errors={"general": [exc.message]}), status=409)
    messages.success(request, success)
    target = result.pk if hasattr(result, "kind") and hasattr(result, "timing") else item.pk
    return redirect("disclosure:item", item_id=target)


def _names(raw: str) -> list[str]:
    return [n.strip() for n in (raw or "").replace("，", ",").replace("、", ",").split(",") if n.strip()]


@require_POST
@scoped
def item_edit(request, item_id: int):
    return _act(request, item_id, lambda item: items.item_edit(
        actor=request.user, item=item, title=request.POST.get("title", ""), body=request.POST.get("body", ""),
        attachments=request.FILES.getlist("attachments")), success=_("Saved."))


@require_POST
@scoped
def item_publish(request, item_id: int):
    return _act(request, item_id, lambda item: items.item_publish(
        actor=request.user, item=item, allowed_names=_names(request.POST.get("allowed_names", ""))),
        success=_("Published."))


@require_POST
@scoped
def item_correct(request, item_id: int):
    return _act(request, item_id, lambda item: items.item_correct(
        actor=request.user, item=item, title=request.POST.get("title", ""), body=request.POST.get("body", ""),
        reason=request.POST.get("reason", ""), attachments=request.FILES.getlist("attachments"),
        allowed_names=_names(request.POST.get("allowed_names", ""))), success=_("Corrected: the new version is published."))


@require_POST
@scoped
def item_review(request, item_id: int):
    def review(item):
        owner_id = request.POST.get("owner_id") or ""
        owner = get_user_model().objects.filter(pk=int(owner_id)).first() if owner_id.isdigit() else None
        committee.review_item(actor=request.user, item=item, verdict=request.POST.get("verdict", ""),
                              comment=request.POST.get("comment", ""), owner=owner,
                              deadline=date_or_none(request.POST.get("deadline", ""), "deadline"))
        return item

    return _act(request, item_id, review, success=_("Review recorded."))


@require_POST
@scoped
def item_ask(request, item_id: int):
    def ask(item):
        questions.question_ask(actor=request.user, item=item, text=request.POST.get("text", ""))
        return item

    return _act(request, item_id, ask, success=_("Your question was sent; the answer is published here."))


@require_POST
@scoped
def question_answer(request, question_id: int):
    question = selectors.question_get(user=request.user, pk=question_id)

    def answer(item):
        questions.question_answer(actor=request.user, question=question, answer=request.POST.get("answer", ""))
        return item

    return _act(request, question.item_id, answer, success=_("Answer published."))


@scoped
def item_attachment(request, attachment_id: int):
    """A file of an item, for those who see the item (404 otherwise)."""
    attachment = ItemAttachment.objects.filter(
        pk=attachment_id, item__in=Item.objects.visible_to(request.user)).first()
    if attachment is None:
        raise Http404
    return downloads.serve(attachment.file, content_type=attachment.content_type, name=attachment.name)


@page_requires("disclosure.view_figures")
@scoped
def figures(request):
    node = node_from(request)
    require(request.user, "disclosure.view_figures", node)
    year, start, end = _period(request)
    b = board_module.board(user=request.user, node=node, start=start, end=end)
    return render(request, "disclosure/figures.html", {
        "board": b, "node": node, "year": year,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1))})


@page_requires("disclosure.view_figures")
@scoped
def figures_export(request):
    node = node_from(request)
    require(request.user, "disclosure.view_figures", node)
    year, start, end = _period(request)
    b = board_module.board(user=request.user, node=node, start=start, end=end)
    columns = [xlsx.Column(_("Street"), 16), xlsx.Column(_("Community"), 18),
               xlsx.Column(_("Published on time"), 10, xlsx.INTEGER), xlsx.Column(_("Published late"), 10, xlsx.INTEGER),
               xlsx.Column(_("Missing"), 10, xlsx.INTEGER), xlsx.Column(_("Due soon"), 10, xlsx.INTEGER),
               xlsx.Column(_("Share published on time"), 10, xlsx.PERCENT)]
    rows = []
    for street in b.streets:
        for c in street.communities:
            rows.append([street.name, c.name, c.on_time, c.late, c.missing, c.due_soon, c.on_time_rate])
        rows.append([street.name, _("Total"), street.on_time, street.late, street.missing, street.due_soon,
                     street.on_time_rate])
    content = xlsx.write_table(name=_("Open books"), title=_("Open books: publication on time"), scope=node.name,
                               period=xlsx.period_label(start, end), columns=columns, rows=rows)
    from gongzhi.core import audit

    audit.record(actor=request.user, action="disclosure.figures.export", obj=node, after={"year": year})
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="disclosure-{year}.xlsx"'
    return response


urlpatterns = [
    path("", due_board, name="board"),
    path("due/", due_list, name="due"),
    path("items/", item_list, name="items"),
    path("items/new/", item_new, name="item-new"),
    path("items/<int:item_id>/", item_detail, name="item"),
    path("items/<int:item_id>/edit/", item_edit, name="item-edit"),
    path("items/<int:item_id>/publish/", item_publish, name="item-publish"),
    path("items/<int:item_id>/correct/", item_correct, name="item-correct"),
    path("items/<int:item_id>/review/", item_review, name="item-review"),
    path("items/<int:item_id>/ask/", item_ask, name="item-ask"),
    path("questions/<int:question_id>/answer/", question_answer, name="question-answer"),
    path("attachments/<int:attachment_id>/", item_attachment, name="attachment"),
    path("figures/", figures, name="figures"),
    path("figures.xlsx", figures_export, name="figures-export"),
]
