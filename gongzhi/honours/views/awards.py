"""Pages of the award rounds: set up a round, a round's page (criteria, panel, nominations, the
result; the staff's actions) and a panel member's score sheet (one nomination, every criterion)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core.errors import DomainError, Forbidden, NotFound
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can

from ..models import AwardCriterion, AwardKind, PanelMember, RoundState
from ..selectors import awards as selectors
from ..services import awards as services
from .common import run


def _round(request, round_id: int):
    try:
        return selectors.round_get(user=request.user, pk=round_id)
    except NotFound as exc:
        raise Http404 from exc


class RoundForm(forms.Form):
    area = forms.TypedChoiceField(label=gettext_lazy("Street or district"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Award"), choices=AwardKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    winners = forms.IntegerField(label=gettext_lazy("Number of awards"), min_value=1, max_value=50, initial=3)
    title = forms.CharField(label=gettext_lazy("Title (empty: from the award and year)"), max_length=200,
                            required=False)
    description = forms.CharField(label=gettext_lazy("What the award is for"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    nominations_close_at = forms.DateTimeField(label=gettext_lazy("Nominations close"),
                                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    criteria = forms.CharField(
        label=gettext_lazy("Criteria, one a line: name and maximum points"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "创新性 30\n实效性 40\n可推广性 30"}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]

    def clean_criteria(self) -> list[tuple[str, int]]:
        rows = []
        for line in (self.cleaned_data.get("criteria") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            name, _sep, points = line.rpartition(" ")
            if not name.strip() or not points.isdigit():
                raise forms.ValidationError(_("Write each criterion as its name, a space and its maximum points."))
            rows.append((name.strip(), int(points)))
        return rows


@login_required
def round_new(request):
    if not can(request.user, "honours.keep"):
        raise PermissionDenied(_("Only the staff of the area run its selections and awards."))
    areas = list(AreaNode.objects.visible_to(request.user).filter(kind__in=[AreaKind.STREET, AreaKind.DISTRICT])
                 .order_by("path")[:200])
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = RoundForm(request.POST or None, areas=areas, initial={
        "year": now.year, "winners": 3, "nominations_close_at": (now + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = next((a for a in areas if a.pk == data["area"]), None)
        try:
            row = services.round_create(
                actor=request.user, area=area, kind=data["kind"], year=data["year"], winners=data["winners"],
                nominations_close_at=data["nominations_close_at"], title=data["title"],
                description=data["description"], criteria=data["criteria"])
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The award round is set up."))
            return redirect("honours:round", round_id=row.pk)
    return render(request, "honours/round_new.html", {"form": form})


@login_required
def round_detail(request, round_id: int):
    award_round = _round(request, round_id)
    page = selectors.round_page(user=request.user, award_round=award_round)
    communities = units = []
    if award_round.state == RoundState.NOMINATING:
        communities = list(AreaNode.objects.visible_to(request.user).filter(
            kind=AreaKind.COMMUNITY, path__startswith=award_round.area.path).order_by("path")[:100])
        units = list(Unit.objects.visible_to(request.user).filter(area__path__startswith=award_round.area.path)
                     .order_by("name")[:100])
        own_unit = getattr(request.user, "unit", None)
        if own_unit is not None and own_unit not in units and own_unit.area.path.startswith(award_round.area.path):
            units.append(own_unit)
    return render(request, "honours/round.html", {
        "r": award_round, "page": page, "communities": communities, "units": units,
        "may_nominate": can(request.user, "honours.award_nominate"),
    })


@login_required
@require_POST
def round_action(request, round_id: int, action: str):
    award_round = _round(request, round_id)
    post = request.POST

    def number(name: str) -> int | None:
        value = post.get(name, "")
        return int(value) if value.isdigit() and len(value) < 10 else None

    def act():
        if action == "criterion":
            services.criterion_add(actor=request.user, award_round=award_round, name=post.get("name", ""),
                                   max_points=number("max_points") or 0)
        elif action == "panel":
            username = (post.get("username") or "").strip()[:150]
            user = get_user_model().objects.filter(username=username, is_active=True).first() if username else None
            services.panel_add(actor=request.user, award_round=award_round, user=user)
        elif action == "nominate":
            community = unit = None
            if number("community"):
                community = AreaNode.objects.filter(pk=number("community")).first()
            elif number("unit"):
                unit = Unit.objects.select_related("area").filter(pk=number("unit")).first()
            services.award_nominate(actor=request.user, award_round=award_round, entry=post.get("entry", ""),
                                    description=post.get("description", ""), community=community, unit=unit)
            messages.success(request, _("The nomination is in."))
        elif action == "start-scoring":
            services.round_start_scoring(actor=request.user, award_round=award_round)
        elif action == "decide":
            services.round_decide(actor=request.user, award_round=award_round)
            messages.success(request, _("Decided: the winners are on the honour roll."))
        elif action == "cancel":
            services.round_cancel(actor=request.user, award_round=award_round, reason=post.get("reason", ""))
        else:
            raise Http404

    return run(request, act, redirect("honours:round", round_id=award_round.pk))


@login_required
def score(request, nomination_id: int):
    """A panel member's score sheet for one nomination: each criterion from 0 to its maximum, once."""
    try:
        nomination = selectors.award_nomination_get(user=request.user, pk=nomination_id)
    except NotFound as exc:
        raise Http404 from exc
    award_round = nomination.round
    if not PanelMember.objects.filter(round=award_round, user=request.user).exists():
        raise PermissionDenied(_("Only the round's panel members score."))
    criteria = list(AwardCriterion.objects.filter(round=award_round).order_by("order", "pk"))
    errors: dict[str, str] = {}
    values: dict[int, str] = {}
    if request.method == "POST":
        points: dict[int, int] = {}
        for c in criteria:
            raw = (request.POST.get(f"c{c.pk}") or "").strip()
            values[c.pk] = raw
            points[c.pk] = int(raw) if raw.isdigit() and len(raw) < 4 else -1
        try:
            services.score_submit(actor=request.user, nomination=nomination, points=points,
                                  comment=request.POST.get("comment", ""))
        except DomainError as exc:
            for field, messages_ in (exc.fields or {}).items():
                errors[field] = " ".join(messages_)
            if not exc.fields:
                errors[""] = exc.message
        else:
            messages.success(request, _("Your scores are in."))
            return redirect("honours:round", round_id=award_round.pk)
    rows = [{"c": c, "value": values.get(c.pk, ""), "error": errors.get(f"points.{c.pk}", "")} for c in criteria]
    return render(request, "honours/score.html", {"n": nomination, "r": award_round, "rows": rows,
                                                  "error": errors.get("") or errors.get("points", "")})
