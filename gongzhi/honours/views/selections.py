"""Pages of the public selections: the honours home (selections and rounds the user sees), setting
up a selection, a selection's page (nominate on a phone, the short list, the vote, the result) and
its staff actions."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind, AreaNode
from gongzhi.core.errors import DomainError, Forbidden, NotFound
from gongzhi.core.forms import add_domain_errors, local_datetime
from gongzhi.core.permissions import can
from gongzhi.votes.models import ancestor_paths, home_paths

from ..models import SelectionKind
from ..selectors import awards as award_selectors
from ..selectors import selections as selectors
from ..services import selections as services
from .common import run


def _selection(request, selection_id: int):
    try:
        return selectors.selection_get(user=request.user, pk=selection_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def home(request):
    """Selections where the user lives or works, the award rounds they see or sit on, the roll."""
    selections = list(selectors.selections_visible(user=request.user)[:30])
    rounds = list(award_selectors.rounds_visible(user=request.user)[:30])
    homes = home_paths(request.user)
    if homes:
        communities = AreaNode.objects.filter(kind=AreaKind.COMMUNITY,
                                              path__in={p for h in homes for p in ancestor_paths(h)})
    else:
        communities = AreaNode.objects.visible_to(request.user).filter(kind=AreaKind.COMMUNITY)
    codes = list(communities.exclude(code="").order_by("path")[:20])
    return render(request, "honours/home.html", {
        "selections": selections, "rounds": rounds, "communities": codes,
        "keeps": can(request.user, "honours.view_list"),
    })


class SelectionForm(forms.Form):
    area = forms.TypedChoiceField(label=gettext_lazy("Community or street"), coerce=int)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of selection"), choices=SelectionKind.choices)
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=gettext_lazy("Month (empty: a yearly selection)"), min_value=1, max_value=12,
                               required=False)
    title = forms.CharField(label=gettext_lazy("Title (empty: from the kind and period)"), max_length=200,
                            required=False)
    description = forms.CharField(label=gettext_lazy("What the selection looks for"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    nominations_open_at = forms.DateTimeField(label=gettext_lazy("Nominations open"),
                                              widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    nominations_close_at = forms.DateTimeField(label=gettext_lazy("Nominations close"),
                                               widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


@login_required
def selection_new(request):
    if not can(request.user, "honours.keep"):
        raise PermissionDenied(_("Only the staff of the area run its selections and awards."))
    areas = list(AreaNode.objects.visible_to(request.user).filter(kind__in=[AreaKind.COMMUNITY, AreaKind.STREET])
                 .order_by("path")[:200])
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"year": now.year, "month": now.month, "kind": SelectionKind.GOOD_PERSON,
               "nominations_open_at": now.strftime("%Y-%m-%dT%H:%M"),
               "nominations_close_at": (now + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")}
    form = SelectionForm(request.POST or None, initial=initial, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = next((a for a in areas if a.pk == data["area"]), None)
        try:
            row = services.selection_create(
                actor=request.user, area=area, kind=data["kind"], year=data["year"], month=data["month"],
                nominations_open_at=data["nominations_open_at"], nominations_close_at=data["nominations_close_at"],
                title=data["title"], description=data["description"])
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The selection is open for nominations."))
            return redirect("honours:selection", selection_id=row.pk)
    return render(request, "honours/selection_new.html", {"form": form})


class NominationForm(forms.Form):
    person = forms.TypedChoiceField(label=gettext_lazy("Nominee"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(label=gettext_lazy("Why they deserve it"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p["id"], f"{p['name']} · {p['place']}" if p["place"] else p["name"])
                                         for p in found]


@login_required
def selection_detail(request, selection_id: int):
    selection = _selection(request, selection_id)
    q = (request.GET.get("q") or request.POST.get("q") or "").strip()[:20]
    found = selectors.nominee_search(user=request.user, selection=selection, q=q) if q else []
    form = NominationForm(request.POST or None, found=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_add(actor=request.user, selection=selection, person=form.cleaned_data["person"],
                                    reason=form.cleaned_data["reason"])
        except NotFound as exc:
            raise Http404 from exc
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Thank you: your nomination is in."))
            return redirect("honours:selection", selection_id=selection.pk)
    page = selectors.selection_page(user=request.user, selection=selection)
    now = timezone.localtime().replace(second=0, microsecond=0)
    return render(request, "honours/selection.html", {
        "s": selection, "page": page, "form": form, "q": q, "found": found,
        "vote_opens": now.strftime("%Y-%m-%dT%H:%M"),
        "vote_closes": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
    })


@login_required
@require_POST
def selection_action(request, selection_id: int, action: str):
    selection = _selection(request, selection_id)
    post = request.POST

    def act():
        if action == "shortlist":
            ids = [int(v) for v in post.getlist("nomination") if v.isdigit() and len(v) < 10]
            services.selection_shortlist(actor=request.user, selection=selection, nominations=ids,
                                         note=post.get("note", ""))
            messages.success(request, _("The short list is made."))
        elif action == "vote":
            opens = local_datetime(post.get("opens_at", ""), "opens_at")
            closes = local_datetime(post.get("closes_at", ""), "closes_at")
            services.selection_start_vote(actor=request.user, selection=selection, opens_at=opens, closes_at=closes,
                                          allow_change=bool(post.get("allow_change")))
            messages.success(request, _("The vote is open: the residents are told."))
        elif action == "close-vote":
            services.selection_close_vote(actor=request.user, selection=selection)
            messages.success(request, _("The vote is closed and counted."))
        elif action == "announce":
            services.selection_announce(actor=request.user, selection=selection,
                                        announcement=post.get("announcement", ""))
            messages.success(request, _("Announced: the honour roll is updated."))
        elif action == "cancel":
            services.selection_cancel(actor=request.user, selection=selection, reason=post.get("reason", ""))
        else:
            raise Http404

    return run(request, act, redirect("honours:selection", selection_id=selection.pk))

