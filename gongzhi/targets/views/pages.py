"""Pages of the assessment: periods, a period's units with their plans and scores, a unit's
drill-down, the plan form (copy from the last period or a template), indicators and the figure
catalogue, templates, the star rating rounds with the committee's review, and the published list.
Thin: they call the selectors and services; errors are shown beside the field."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.selectors import area_node_get
from gongzhi.core.errors import DomainError, InvalidInput, NotFound
from gongzhi.core.permissions import can
from gongzhi.core.permissions import scoped_page as scoped
from gongzhi.core.xlsx import CONTENT_TYPE

from ..models import Direction, FigureUnit, PeriodKind, PeriodState, RoundState
from ..selectors import periods as selectors
from ..selectors.figures_catalogue import catalogue
from ..selectors.scores import period_scores, ratio_cap, unit_score
from ..services import exports
from ..services import periods as period_services
from ..services import plans as plan_services
from ..services import stars as star_services
from ..workflow import PERIOD_WORKFLOW, ROUND_WORKFLOW


def _errors(exc: DomainError) -> dict:
    return exc.fields or {"form": [exc.message]}


def _int(value) -> int | None:
    raw = str(value or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


# ---------------------------------------------------------------------------------------------
# periods


@scoped
def periods(request):
    if not can(request.user, "targets.view"):
        raise NotFound()
    districts = [d for d in selectors.districts(user=request.user) if can(request.user, "targets.keep", d)]
    errors: dict = {}
    if request.method == "POST":
        try:
            district = area_node_get(user=request.user, pk=_int(request.POST.get("district")) or 0)
            made = period_services.create_period(actor=request.user, district=district,
                                                 kind=request.POST.get("kind", ""),
                                                 year=_int(request.POST.get("year")) or 0,
                                                 quarter=_int(request.POST.get("quarter")))
            return redirect("targets:period", made.pk)
        except NotFound:
            errors = {"district": [_("Choose a district.")]}
        except DomainError as exc:
            errors = _errors(exc)
    return render(request, "targets/periods.html", {
        "periods": list(selectors.periods(user=request.user)[:200]), "districts": districts, "errors": errors,
        "values": request.POST, "kinds": PeriodKind.choices,
    }, status=400 if errors else 200)


@scoped
def period(request, period_id: int):
    p = selectors.period_get(user=request.user, pk=period_id)
    errors: dict = {}
    if request.method == "POST":
        try:
            indicator = selectors.indicator_get(user=request.user, pk=_int(request.POST.get("indicator")) or 0)
            period_services.set_bottom_line(actor=request.user, period=p, indicator=indicator,
                                            target=request.POST.get("target"),
                                            remove=request.POST.get("remove") == "1")
            return redirect("targets:period", p.pk)
        except NotFound:
            errors = {"indicator": [_("Choose a bottom-line indicator.")]}
        except DomainError as exc:
            errors = _errors(exc)
        p = selectors.period_get(user=request.user, pk=period_id)
    scores = period_scores(user=request.user, period=p)
    scored = {s.unit.pk: s for s in scores}
    plans = selectors.plans(user=request.user, period=p)
    units = [{"node": u, "plan": plans.get(u.pk), "score": scored.get(u.pk),
              "may_plan": not p.locked and can(request.user, "targets.plan", u)}
             for u in selectors.units_of(period=p, user=request.user)]
    return render(request, "targets/period.html", {
        "period": p, "units": units, "bottom_lines": selectors.bottom_lines(period=p), "errors": errors,
        "bottom_choices": list(selectors.indicators(user=request.user, active_only=True).filter(bottom_line=True)),
        "may_keep": can(request.user, "targets.keep", p) and not p.locked,
        "actions": PERIOD_WORKFLOW.offered(request.user, p),
        "may_export": can(request.user, "targets.export"), "frozen": p.state == PeriodState.CLOSED,
    }, status=400 if errors else 200)


@require_POST
@scoped
def period_act(request, period_id: int, action: str):
    p = selectors.period_get(user=request.user, pk=period_id)
    try:
        if action == "open":
            period_services.open_period(actor=request.user, period=p)
        elif action == "close":
            period_services.close_period(actor=request.user, period=p)
        else:
            raise NotFound()
    except DomainError as exc:  # not allowed now (already closed, …): said on the page, nothing changed
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect("targets:period", p.pk)


@scoped
def unit(request, period_id: int, unit_id: int):
    p = selectors.period_get(user=request.user, pk=period_id)
    node = selectors.unit_get(user=request.user, period=p, pk=unit_id)
    score = None
    try:
        score = unit_score(user=request.user, period=p, unit_id=node.pk)
    except NotFound:
        score = None
    return render(request, "targets/unit.html", {
        "period": p, "unit": node, "score": score, "plan": selectors.plan_of(user=request.user, period=p, unit=node),
        "may_plan": not p.locked and can(request.user, "targets.plan", node), "rate": FigureUnit.RATE,
        "lower": Direction.LOWER, "cap": ratio_cap(),
    })


@scoped
def plan(request, period_id: int, unit_id: int):
    p = selectors.period_get(user=request.user, pk=period_id)
    node = selectors.unit_get(user=request.user, period=p, pk=unit_id)
    if not can(request.user, "targets.plan", node):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    current = selectors.plan_of(user=request.user, period=p, unit=node)
    indicators = list(selectors.indicators(user=request.user, active_only=True).filter(bottom_line=False))
    errors: dict = {}
    values = {}
    if current is not None:
        for line in current.lines.all():
            values[f"weight_{line.indicator_id}"] = line.weight.normalize()
            values[f"target_{line.indicator_id}"] = line.target.normalize()
    if request.method == "POST":
        values = request.POST
        try:
            copy = request.POST.get("copy")
            if copy == "last":
                plan_services.copy_plan(actor=request.user, period=p, unit=node)
                return redirect("targets:plan", p.pk, node.pk)
            if copy == "template":
                template = selectors.template_get(user=request.user, pk=_int(request.POST.get("template")) or 0)
                plan_services.copy_plan(actor=request.user, period=p, unit=node, template=template)
                return redirect("targets:plan", p.pk, node.pk)
            lines = [{"indicator": i.pk, "weight": request.POST.get(f"weight_{i.pk}") or "0",
                      "target": request.POST.get(f"target_{i.pk}") or "0"}
                     for i in indicators if (request.POST.get(f"weight_{i.pk}") or "").strip() not in ("", "0")]
            plan_services.set_plan(actor=request.user, period=p, unit=node, lines=lines,
                                   note=request.POST.get("note", ""))
            messages.success(request, _("The plan is saved."))
            return redirect("targets:unit", p.pk, node.pk)
        except NotFound:
            errors = {"template": [_("Choose a template.")]}
        except DomainError as exc:
            errors = _errors(exc)
    rows = [{"indicator": i, "weight": values.get(f"weight_{i.pk}", ""), "target": values.get(f"target_{i.pk}", ""),
             "weight_error": (errors.get(f"weight_{i.pk}") or [""])[0],
             "target_error": (errors.get(f"target_{i.pk}") or [""])[0]} for i in indicators]
    return render(request, "targets/plan.html", {
        "period": p, "unit": node, "rows": rows, "errors": errors, "locked": p.locked,
        "note": values.get("note", current.note if current else ""),
        "templates": list(selectors.templates(user=request.user, district=p.district)),
        "bottom_lines": selectors.bottom_lines(period=p),
        "previous": selectors.previous_period(p),
    }, status=400 if errors else 200)


@scoped
def export(request, period_id: int):
    p = selectors.period_get(user=request.user, pk=period_id)
    content = exports.export_scores(actor=request.user, period=p)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="targets-{p.district.code}-{p.start}-{p.end}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# indicators and templates


@scoped
def indicators(request):
    if not can(request.user, "targets.view"):
        raise NotFound()
    errors: dict = {}
    may_keep = can(request.user, "targets.keep")
    if request.method == "POST" and may_keep:
        provider, _sep, figure = (request.POST.get("figure") or "").partition("|")
        try:
            period_services.save_indicator(
                actor=request.user, code=request.POST.get("code", ""), name=request.POST.get("name", ""),
                provider=provider, figure=figure, direction=request.POST.get("direction", ""),
                unit=request.POST.get("unit", ""), bottom_line=request.POST.get("bottom_line") == "1",
                description=request.POST.get("description", ""))
            return redirect("targets:indicators")
        except DomainError as exc:
            errors = _errors(exc)
            if "provider" in errors:
                errors["figure"] = errors.pop("provider")
    return render(request, "targets/indicators.html", {
        "indicators": list(selectors.indicators(user=request.user)), "catalogue": catalogue(user=request.user),
        "may_keep": may_keep, "errors": errors, "values": request.POST, "directions": Direction.choices,
        "units": FigureUnit.choices,
    }, status=400 if errors else 200)


@scoped
def templates(request):
    if not can(request.user, "targets.view"):
        raise NotFound()
    districts = [d for d in selectors.districts(user=request.user) if can(request.user, "targets.keep", d)]
    indicators = list(selectors.indicators(user=request.user, active_only=True).filter(bottom_line=False))
    errors: dict = {}
    if request.method == "POST" and districts:
        try:
            district = next((d for d in districts if d.pk == _int(request.POST.get("district"))), None)
            if district is None:
                raise InvalidInput(_("Choose a district."), fields={"district": [_("Choose a district.")]})
            lines = [{"indicator": i.pk, "weight": request.POST.get(f"weight_{i.pk}") or "0",
                      "target": request.POST.get(f"target_{i.pk}") or "0"}
                     for i in indicators if (request.POST.get(f"weight_{i.pk}") or "").strip() not in ("", "0")]
            period_services.save_template(actor=request.user, district=district, name=request.POST.get("name", ""),
                                          lines=lines)
            return redirect("targets:templates")
        except DomainError as exc:
            errors = _errors(exc)
    rows = [{"indicator": i, "weight": request.POST.get(f"weight_{i.pk}", ""),
             "target": request.POST.get(f"target_{i.pk}", ""),
             "weight_error": (errors.get(f"weight_{i.pk}") or [""])[0],
             "target_error": (errors.get(f"target_{i.pk}") or [""])[0]} for i in indicators]
    return render(request, "targets/templates.html", {
        "templates": list(selectors.templates(user=request.user)), "districts": districts, "rows": rows,
        "errors": errors, "values": request.POST,
    }, status=400 if errors else 200)


# ---------------------------------------------------------------------------------------------
# stars


@scoped
def stars(request):
    if not can(request.user, "targets.view"):
        raise NotFound()
    districts = [d for d in selectors.districts(user=request.user) if can(request.user, "targets.publish", d)]
    errors: dict = {}
    if request.method == "POST" and districts:
        district = next((d for d in districts if d.pk == _int(request.POST.get("district"))), None)
        try:
            if district is None:
                raise InvalidInput(_("Choose a district."), fields={"district": [_("Choose a district.")]})
            if request.POST.get("form") == "thresholds":
                period_services.set_thresholds(actor=request.user, district=district,
                                               thresholds={s: request.POST.get(f"stars_{s}") for s in range(1, 6)})
                return redirect("targets:stars")
            made = star_services.propose(actor=request.user, district=district,
                                         year=_int(request.POST.get("year")) or 0)
            return redirect("targets:round", made.pk)
        except DomainError as exc:
            errors = _errors(exc)
    thresholds = {d.pk: {t.stars: t.min_score for t in selectors.thresholds(district=d)} for d in districts}
    return render(request, "targets/stars.html", {
        "rounds": list(selectors.rounds(user=request.user)), "districts": districts, "errors": errors,
        "values": request.POST, "thresholds": thresholds, "star_range": [5, 4, 3, 2, 1],
    }, status=400 if errors else 200)


@scoped
def star_round(request, round_id: int):
    r = selectors.round_get(user=request.user, pk=round_id)
    errors: dict = {}
    failed = None
    if request.method == "POST":
        try:
            rating = selectors.rating_get(user=request.user, pk=_int(request.POST.get("rating")) or 0)
            failed = rating.pk
            star_services.review(actor=request.user, rating=rating, final=_int(request.POST.get("final")),
                                 reason=request.POST.get("reason", ""))
            return redirect("targets:round", r.pk)
        except DomainError as exc:
            errors = _errors(exc)
    ratings = list(selectors.ratings(user=request.user, star_round=r))
    for rating in ratings:
        rating.may_review = r.state == RoundState.PROPOSED and can(request.user, "targets.review_stars", rating)
        rating.errors = errors if rating.pk == failed else {}
    return render(request, "targets/round.html", {
        "round": r, "ratings": ratings, "actions": ROUND_WORKFLOW.offered(request.user, r), "values": request.POST,
        "failed": failed, "star_choices": range(0, 6),
    }, status=400 if errors else 200)


@require_POST
@scoped
def round_publish(request, round_id: int):
    r = selectors.round_get(user=request.user, pk=round_id)
    try:
        star_services.publish(actor=request.user, star_round=r)
    except DomainError as exc:  # already published: said on the page
        if isinstance(exc, NotFound):
            raise
        messages.error(request, exc.message)
    return redirect("targets:round", r.pk)


@scoped
def published(request):
    if not can(request.user, "targets.view"):
        raise NotFound()
    return render(request, "targets/published.html", {"ratings": list(selectors.published(user=request.user)[:500])})


urlpatterns = [
    path("", periods, name="periods"),
    path("periods/<int:period_id>/", period, name="period"),
    path("periods/<int:period_id>/act/<slug:action>/", period_act, name="period-act"),
    path("periods/<int:period_id>/export/", export, name="export"),
    path("periods/<int:period_id>/units/<int:unit_id>/", unit, name="unit"),
    path("periods/<int:period_id>/units/<int:unit_id>/plan/", plan, name="plan"),
    path("indicators/", indicators, name="indicators"),
    path("templates/", templates, name="templates"),
    path("stars/", stars, name="stars"),
    path("stars/published/", published, name="stars-published"),
    path("stars/<int:round_id>/", star_round, name="round"),
    path("stars/<int:round_id>/publish/", round_publish, name="round-publish"),
]
