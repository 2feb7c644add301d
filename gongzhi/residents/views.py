"""Pages: the grid roster, the household card (户情档案), the person page, the door-visit form,
import and export. Thin: forms parse, services write, selectors read (scoped and masked)."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core import components, pii
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, Forbidden, NotFound
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can

from . import forms, selectors, services, xlsx
from .models import ImportJob, Person, PersonStatus, PersonTag, Relation, TagKind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_NOT_VISITED_DAYS = 30


def staff_view(func):
    """Signed-in users whose role may see residents; domain errors become 404 / 403."""

    @functools.wraps(func)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can(request.user, "residents.view"):
            raise PermissionDenied
        try:
            return func(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404 from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc

    return wrapper


# Boxes whose typed value is not shown again when the SERVICE refused it: the form itself checks
# their format (a typo stays in the box to be corrected); what the service refuses is a valid number
# that belongs to someone else's record, which the page must not echo.
_NOT_ECHOED = ("id_number", "phone")


def _apply_errors(form, exc: DomainError) -> None:
    add_domain_errors(form, exc, not_echoed=_NOT_ECHOED)


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _area_param(request) -> AreaNode | None:
    pk = _int(request.GET.get("area"))
    if not pk:
        return None
    return selectors.area_get(user=request.user, pk=pk)  # NotFound → 404 (staff_view)


def _history(request, obj, *also) -> dict:
    """The change history of `obj` (and of the records shown with it, e.g. the household card)."""
    if core_selectors.can_see_history(request.user):
        events = core_selectors.history_for(user=request.user, obj=obj)
        for other in also:
            if other is not None:
                events = events | core_selectors.history_for(user=request.user, obj=other)
        return {"events": events[:50]}
    return {}


def _require(request, action: str, obj=None) -> None:
    if not can(request.user, action, obj):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Roster and search


@staff_view
def roster(request):
    """A grid's households, with filters: group tag, not visited in N days, search."""
    grids = list(selectors.grids_visible(user=request.user))
    area = _area_param(request) or (grids[0] if len(grids) == 1 else None)
    tag = request.GET.get("tag", "")
    days_text = request.GET.get("days", "")
    not_visited = request.GET.get("not_visited") == "1"
    days = _int(days_text, DEFAULT_NOT_VISITED_DAYS) if not_visited else None
    q = request.GET.get("q", "").strip()
    qs = selectors.households_visible(user=request.user, area=area, tag=tag, not_visited_days=days, q=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    nodes = list(page.object_list)
    places = selectors.addresses(nodes)
    heads = {
        p.household_id: p
        for p in Person.objects.visible_to(request.user).filter(
            household__in=nodes, relation=Relation.HEAD, status=PersonStatus.LIVING
        ).only("pk", "name", "household_id")
    }
    tags: dict[int, set[str]] = {}
    for household_id, kind in PersonTag.objects.visible_to(request.user).filter(
        selectors.current_tag_q(), person__household__in=nodes, person__status=PersonStatus.LIVING
    ).values_list("person__household_id", "kind"):
        tags.setdefault(household_id, set()).add(kind)
    labels = dict(TagKind.choices)
    rows = [
        {
            "node": n, "address": places.get(n.pk, n.name), "head": heads.get(n.pk),
            "tags": [labels[k] for k in sorted(tags.get(n.pk, ()))], "members": n.members, "last_visit": n.last_visit,
        }
        for n in nodes
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "residents/roster.html",
        {
            "grids": grids, "area": area, "tag": tag, "tags": TagKind.choices, "days": days_text or DEFAULT_NOT_VISITED_DAYS,
            "not_visited": not_visited, "q": q, "page": page, "rows": rows, "query": query.urlencode(),
            "can_edit": can(request.user, "residents.record_visit"), "can_import": can(request.user, "residents.import"),
            "can_export": can(request.user, "residents.export"),
        },
    )


@staff_view
def people(request):
    _require(request, "residents.search_people")
    q = request.GET.get("q", "").strip()
    tag = request.GET.get("tag", "")
    status = request.GET.get("status", PersonStatus.LIVING)
    qs = selectors.people_visible(
        user=request.user, q=q, tag=tag, status="" if status == "all" else status, area=_area_param(request)
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    items = list(page.object_list)
    places = selectors.addresses({p.household_id: p.household for p in items}.values())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "residents/people.html",
        {
            "q": q, "tag": tag, "status": status, "tags": TagKind.choices, "statuses": PersonStatus.choices,
            "page": page, "rows": [{"person": p, "address": places.get(p.household_id, "")} for p in items],
            "query": query.urlencode(), "can_export": can(request.user, "residents.export"),
            "can_reveal": can(request.user, "residents.reveal"),
        },
    )


# ---------------------------------------------------------------------------------------------
# Household card


@staff_view
def household_detail(request, pk: int):
    node = selectors.household_get(user=request.user, pk=pk)
    card = selectors.household_card(user=request.user, household=node)
    can_edit = can(request.user, "residents.edit_household_card", node)
    card_form = forms.HouseholdCardForm(
        request.POST or None,
        initial={"tenure": card.tenure, "floor_area": card.floor_area, "notes": card.notes} if card else None,
    )
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if card_form.is_valid():
            try:
                services.household_card_save(actor=request.user, household=node, **card_form.cleaned_data)
            except DomainError as exc:
                _apply_errors(card_form, exc)
            else:
                messages.success(request, _("The household card was saved."))
                return redirect("residents:household", pk=node.pk)
    members = list(selectors.household_members(user=request.user, household=node, include_former=True))
    tags = selectors.current_tags_by_person([p.pk for p in members])
    context = {
        "node": node, "card": card, "card_form": card_form, "address": selectors.address_of(node),
        "members": [{"person": p, "tags": tags.get(p.pk, [])} for p in members if p.is_living],
        "former": [p for p in members if not p.is_living],
        "visits": _with_actions(request.user, selectors.visits_visible(user=request.user, household=node)[:50]),
        "categories": _case_categories() if can(request.user, "residents.record_visit", node) else [],
        "cases": _household_cases(request.user, node),
        # Panels of the apps above (care …), each {"title", "template", "context"}.
        "panels": [p for provide in components.extensions("residents.household.panels")
                   if (p := provide(user=request.user, household=node))],
        "can_edit": can_edit, "can_reveal": can(request.user, "residents.reveal"),
        "grid": selectors.ancestor_of_kind(node, AreaKind.GRID),
        **_history(request, node, card),
    }
    return render(request, "residents/household.html", context)


# ---------------------------------------------------------------------------------------------
# Person


def _person_context(request, person: Person, **extra) -> dict:
    return {
        "person": person,
        "address": selectors.address_of(person.household),
        "tags": selectors.person_tags(person=person, user=request.user),
        "moves": selectors.person_moves(person=person, user=request.user),
        "visits": selectors.person_visits(user=request.user, person=person)[:20],
        "can_edit": can(request.user, "residents.edit", person),
        "can_reveal": can(request.user, "residents.reveal", person),
        "can_export": can(request.user, "privacy.export_person", person),  # the privacy page's link
        "tag_form": forms.TagForm(),
        "move_out_form": forms.MoveOutForm(),
        "transfer_form": forms.TransferForm(),
        "death_form": forms.DeathForm(),
        "account_form": forms.AccountLinkForm(initial={"username": person.user.username if person.user_id else ""}),
        "today": timezone.localdate(),
        **_history(request, person),
        **extra,
    }


@staff_view
def person_detail(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    return render(request, "residents/person.html", _person_context(request, person))


@never_cache
@require_POST
@staff_view
def person_reveal(request, pk: int):
    """Show the full ID number and phone once (not cached); the reveal is an audit event."""
    person = selectors.person_get(user=request.user, pk=pk)
    form = forms.RevealForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    revealed = services.person_reveal(actor=request.user, person=person, reason=reason)
    if request.htmx:
        response = render(request, "residents/_revealed.html", {"person": person, "revealed": revealed})
    else:
        response = render(request, "residents/person.html", _person_context(request, person, revealed=revealed))
    response["Cache-Control"] = "no-store"
    return response


@staff_view
def person_create(request, household_pk: int):
    node = selectors.household_get(user=request.user, pk=household_pk)
    _require(request, "residents.register", node)
    form = forms.PersonForm(request.POST or None, initial={"residence_type": "registered", "relation": "other"})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, household=node, **form.cleaned_data)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": person.name})
            return redirect("residents:household", pk=node.pk)
    return render(
        request, "residents/person_form.html",
        {"form": form, "node": node, "address": selectors.address_of(node), "title": _("Register a person")},
    )


@staff_view
def person_edit(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    _require(request, "residents.edit", person)
    initial = {
        k: getattr(person, k) for k in (
            "name", "gender", "birth_date", "residence_type", "relation", "occupation", "employer",
            "is_party_member", "moved_in_on", "notes",
        )
    }
    form = forms.PersonEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        for key in ("id_number", "phone"):  # empty: keep the stored value
            if not values.get(key):
                values.pop(key)
        if person.id_number_hash and "id_number" not in values:
            values.pop("gender", None)
            values.pop("birth_date", None)
        try:
            services.person_update(actor=request.user, person=person, **values)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("residents:person", pk=person.pk)
    return render(
        request, "residents/person_form.html",
        {"form": form, "node": person.household, "person": person, "address": selectors.address_of(person.household),
         "title": _("Change %(name)s") % {"name": person.name}},
    )


@require_POST
@staff_view
def person_action(request, pk: int, action: str):
    person = selectors.person_get(user=request.user, pk=pk)
    form_class = {
        "tag": forms.TagForm, "move-out": forms.MoveOutForm, "transfer": forms.TransferForm, "death": forms.DeathForm,
        "account": forms.AccountLinkForm,
    }.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "tag":
                services.person_tag_add(actor=request.user, person=person, **data)
            elif action == "move-out":
                services.person_move_out(actor=request.user, person=person, **data)
            elif action == "death":
                services.person_record_death(actor=request.user, person=person, **data)
            elif action == "account":
                services.person_link_account(actor=request.user, person=person, username=data["username"])
            else:
                target = selectors.area_nodes_visible(
                    request.user, AreaNode.objects.filter(kind=AreaKind.HOUSEHOLD, code=data["household_code"].strip())
                ).first()
                if target is None:
                    form.add_error("household_code", _("No household with this code in your area."))
                    raise _Invalid
                services.person_transfer(
                    actor=request.user, person=person, household=target, date=data["date"], note=data["note"]
                )
        except DomainError as exc:
            _apply_errors(form, exc)
        except _Invalid:
            pass
        else:
            messages.success(request, _("Recorded."))
            return redirect("residents:person", pk=person.pk)
    key = {"tag": "tag_form", "move-out": "move_out_form", "transfer": "transfer_form", "death": "death_form",
           "account": "account_form"}[action]
    return render(request, "residents/person.html", _person_context(request, person, **{key: form}), status=400)


class _Invalid(Exception):
    pass


@login_required
def verify_self(request):
    """A resident links their account to their registration by name and ID number (居民身份核验),
    or sees where they are registered."""
    if not can(request.user, "residents.verify_self"):
        raise PermissionDenied
    form = forms.SelfVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_verify_self(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your account is now linked to your registration."))
            return redirect("residents:verify-self")
    homes = selectors.my_registrations(user=request.user)
    return render(request, "residents/verify_self.html", {"form": form, "homes": homes},
                  status=400 if request.method == "POST" else 200)


@require_POST
@staff_view
def tag_end(request, pk: int):
    tag = selectors.tag_get(user=request.user, pk=pk)
    form = forms.TagEndForm(request.POST)
    end_on = form.cleaned_data["end_on"] if form.is_valid() else None
    try:
        services.person_tag_end(actor=request.user, tag=tag, end_on=end_on)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The tag was ended."))
    return redirect("residents:person", pk=tag.person_id)


# ---------------------------------------------------------------------------------------------
# Door visits


@staff_view
def visit_create(request, household_pk: int):
    node = selectors.household_get(user=request.user, pk=household_pk)
    _require(request, "residents.record_visit", node)
    members = list(selectors.household_members(user=request.user, household=node))
    form = forms.VisitForm(request.POST or None, request.FILES or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["people_met"]}
        try:
            services.visit_create(
                actor=request.user, household=node, visited_at=data["visited_at"],
                people_met=[p for p in members if p.pk in chosen], others_met=data["others_met"],
                findings=data["findings"], follow_up_needed=data["follow_up_needed"],
                photos=request.FILES.getlist("photos"),
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The visit was recorded."))
            return redirect("residents:household", pk=node.pk)
    return render(request, "residents/visit_form.html", {"form": form, "node": node, "address": selectors.address_of(node)})


@require_POST
@staff_view
def visit_raise(request, pk: int):
    """Turn a visit's findings into a request (case) in the case pipeline, through the extension
    point the case pipeline fills ("residents.visit.raise_case"); 404 when it is not installed."""
    providers = components.extensions("residents.visit.raise_case")
    if not providers:
        raise Http404
    visit = selectors.visit_get(user=request.user, pk=pk)
    try:
        case = providers[0](actor=request.user, visit=visit, category_id=_int(request.POST.get("category"), 0),
                            title=request.POST.get("title", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request %(ref)s was raised from the visit.") % {"ref": case.reference})
    return redirect("residents:household", pk=visit.household_id)


def _with_actions(user, visits) -> list:
    """The visits, each with the follow-ups other programmes offer on it (extension point
    "residents.visit.actions": a provider answers `[{"label", "url"}]` for a user and a visit)."""
    providers = components.extensions("residents.visit.actions")
    rows = list(visits)
    for visit in rows:
        visit.actions = [action for provide in providers for action in provide(user=user, visit=visit)]
    return rows


def _household_cases(user, node) -> list:
    """The requests located at this household, from the case pipeline if installed (its own scoping
    applies): extension point "residents.household.cases"."""
    cases = []
    for provider in components.extensions("residents.household.cases"):
        cases.extend(provider(user, node))
    return cases


def _case_categories() -> list:
    """The matters a request can be raised under from a visit, from the case pipeline if installed:
    extension point "residents.visit.case_categories"."""
    categories = []
    for provider in components.extensions("residents.visit.case_categories"):
        categories.extend(provider())
    return categories


@staff_view
def visit_photo(request, pk: int):
    """Visit photos are served through the area scope, never from a public media URL."""
    photo = selectors.visit_photo_get(user=request.user, pk=pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------------------------------------
# Import and export


@staff_view
def import_page(request):
    _require(request, "residents.import")
    form = forms.ImportForm(request.POST or None, request.FILES or None, initial={"create_households": True})
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.residents_import_or_queue(
                actor=request.user, file=upload, file_name=upload.name,
                create_households=form.cleaned_data["create_households"],
            )
        except DomainError as exc:
            _apply_errors(form, exc)
        else:
            if isinstance(result, ImportJob):
                messages.info(request, _("The file is large: it is being imported in the background. "
                                         "The result appears below when it is done."))
                return redirect("residents:import")
            if result.ok:
                messages.success(
                    request,
                    _("Imported %(rows)d rows: %(created)d people added, %(updated)d updated.")
                    % {"rows": result.rows, "created": result.created, "updated": result.updated},
                )
                return redirect("residents:import")
    return render(
        request, "residents/import.html",
        {"form": form, "result": result, "errors": (result.errors[:200] if result else []),
         "jobs": selectors.import_jobs_for(user=request.user)[:20], "headers": xlsx.COLUMNS},
        status=400 if result is not None and not result.ok else 200,
    )


@login_required
def import_template(request):
    _require(request, "residents.import")
    response = HttpResponse(xlsx.template_bytes(selectors.template_places(user=request.user)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="residents-template.xlsx"'
    return response


@staff_view
def import_report(request, pk: int):
    job = selectors.import_job_get(user=request.user, pk=pk)
    if not job.report:
        raise Http404
    response = FileResponse(job.report.open("rb"), content_type=XLSX, as_attachment=True,
                            filename=f"import-errors-{job.pk}.xlsx")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_view
def export(request):
    _require(request, "residents.export")
    q = request.POST.get("q", "").strip()
    tag = request.POST.get("tag", "")
    area = None
    if _int(request.POST.get("area")):
        area = selectors.area_nodes_visible(request.user).filter(pk=_int(request.POST.get("area"))).first()
    reveal = request.POST.get("reveal") == "1"
    qs = selectors.people_visible(user=request.user, q=q, tag=tag, area=area)
    content = services.residents_export(
        actor=request.user, queryset=qs, reveal=reveal, area=area,
        filters={"q": pii.redact(q), "tag": tag, "area": area.pk if area else None},
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="residents-{timezone.localdate():%Y%m%d}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response
