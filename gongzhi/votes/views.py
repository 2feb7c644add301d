"""Pages of the vote engine: a vote's page (a resident votes on a phone, changes the vote until the
close, sees the result and the seal; the staff running a vote in a meeting enter ballots, counts
and proxies, mark who left, open and close), setting up a vote, and the staff list of the area's
votes. As thin as the API: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import DomainError, Forbidden, NotFound
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import require
from gongzhi.meetings.models import Meeting, QuorumRule
from gongzhi.meetings.services import sessions

from . import selectors, services
from .models import Choice, Electorate, PassRule, VoteMethod, VoteState


def _vote(request, vote_id: int):
    try:
        return selectors.vote_get(user=request.user, pk=vote_id)
    except NotFound as exc:
        raise Http404 from exc


def _back(vote_id: int):
    return redirect("votes:detail", vote_id=vote_id)


# --- the vote's page -------------------------------------------------------------------------------


@login_required
def vote_detail(request, vote_id: int):
    vote = _vote(request, vote_id)
    page = selectors.vote_page(user=request.user, vote=vote)
    context = {"page": page, "vote": vote, "choices": Choice.choices}
    if page.runs and vote.meeting_id:
        context["console"] = selectors.console(user=request.user, vote=vote)
        context["absent"] = selectors.absent_members(vote=vote)
    if vote.method == VoteMethod.ROLL_CALL and vote.state == VoteState.CLOSED:
        context["roll_call"] = selectors.roll_call(user=request.user, vote=vote)
    return render(request, "votes/vote.html", context)


def _run(request, vote_id: int, act) -> object:
    """POST an action of the vote's page: the service's refusal becomes a message on the page."""
    vote = _vote(request, vote_id)
    try:
        act(vote)
    except (NotFound, Http404):
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, "; ".join(m for ms in (exc.fields or {}).values() for m in ms) or exc.message)
    return _back(vote.pk)


@login_required
@require_POST
def vote_cast(request, vote_id: int):
    choice = request.POST.get("choice", "")
    raw_option = request.POST.get("option", "")
    option = int(raw_option) if raw_option.isdigit() and len(raw_option) < 10 else None

    def act(vote):
        if request.POST.get("change"):
            services.ballot_change(actor=request.user, vote=vote, choice=choice, option=option)
            messages.success(request, _("Your vote was changed."))
        else:
            services.ballot_cast(actor=request.user, vote=vote, choice=choice, option=option)
            messages.success(request, _("Your vote was counted."))

    return _run(request, vote_id, act)


@login_required
@require_POST
def vote_action(request, vote_id: int, action: str):
    post = request.POST

    def number(name: str) -> int:
        try:
            return int(post.get(name, ""))
        except ValueError:
            return -1

    def act(vote):
        if action == "open":
            services.vote_open(actor=request.user, vote=vote)
        elif action == "close":
            services.vote_close(actor=request.user, vote=vote)
        elif action == "cancel":
            services.vote_cancel(actor=request.user, vote=vote, reason=post.get("reason", ""))
        elif action == "record":
            attendance = selectors.attendance_of(vote=vote, pk=number("attendance"))
            proxy = selectors.proxy_of(vote=vote, pk=number("proxy") if post.get("proxy") else None)
            services.ballot_record(actor=request.user, vote=vote, attendance=attendance, choice=post.get("choice", ""),
                                   proxy=proxy)
        elif action == "counts":
            services.counts_enter(actor=request.user, vote=vote, yes=number("yes"), no=number("no"),
                                  abstain=number("abstain"))
        elif action == "proxy":
            holder = selectors.attendance_of(vote=vote, pk=number("holder"))
            grantor = selectors.attendance_of(vote=vote, pk=number("grantor")) if post.get("grantor") else None
            services.proxy_record(actor=request.user, vote=vote, holder=holder,
                                  grantor_name=post.get("grantor_name", ""), grantor_attendance=grantor)
        elif action in ("left", "back"):
            attendance = selectors.attendance_of(vote=vote, pk=number("attendance"))
            sessions.attendance_mark_left(actor=request.user, attendance=attendance, back=action == "back")
        else:
            raise Http404

    return _run(request, vote_id, act)


# --- setting up ------------------------------------------------------------------------------------


class VoteForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, required=False)
    question = forms.CharField(label=gettext_lazy("Question put to the vote"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    method = forms.ChoiceField(label=gettext_lazy("How the vote is taken"), choices=VoteMethod.choices)
    electorate = forms.ChoiceField(label=pgettext_lazy("vote", "Electorate"), choices=Electorate.choices)
    quorum_rule = forms.ChoiceField(label=gettext_lazy("Quorum"), choices=QuorumRule.choices)
    pass_rule = forms.ChoiceField(label=gettext_lazy("Majority"), choices=PassRule.choices)
    area = forms.TypedChoiceField(label=gettext_lazy("Area whose residents vote (online)"), coerce=int,
                                  required=False, empty_value=None)
    opens_at = forms.DateTimeField(label=gettext_lazy("Opens"), required=False,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=gettext_lazy("Closes"), required=False,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    allow_change = forms.BooleanField(label=gettext_lazy("Voters may change their vote until the close"),
                                      required=False, initial=True)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—")] + [(a.pk, a.name) for a in areas]


@login_required
def vote_new(request):
    """Set up a vote: online for an area with a window, or in a meeting (`?meeting=<id>`);
    `?reference=topic:<id>` says what it decides."""
    reference = (request.GET.get("reference") or request.POST.get("reference") or "")[:100]
    meeting = None
    meeting_id = request.GET.get("meeting") or request.POST.get("meeting")
    if meeting_id:
        meeting = Meeting.objects.visible_to(request.user).filter(pk=meeting_id if meeting_id.isdigit() else 0).first()
        if meeting is None:
            raise Http404
    areas = list(AreaNode.objects.visible_to(request.user).order_by("path")[:200])
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {
        "method": VoteMethod.ROLL_CALL if meeting else VoteMethod.ONLINE,
        "electorate": Electorate.MEETING_MEMBERS if meeting else Electorate.HOUSEHOLDS,
        "quorum_rule": QuorumRule.MORE_THAN_HALF, "pass_rule": PassRule.MORE_THAN_HALF_PRESENT,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"), "allow_change": True,
    }
    form = VoteForm(request.POST or None, initial=initial, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = next((a for a in areas if a.pk == data["area"]), None)
        try:
            vote = services.vote_create(
                actor=request.user, title=data["title"], question=data["question"], method=data["method"],
                area=None if meeting else area, meeting=meeting, electorate=data["electorate"],
                quorum_rule=data["quorum_rule"], pass_rule=data["pass_rule"], opens_at=data["opens_at"],
                closes_at=data["closes_at"], reference=reference, allow_change=data["allow_change"],
            )
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The vote is set up. Open it when voting starts."))
            return _back(vote.pk)
    return render(request, "votes/vote_new.html", {
        "form": form, "meeting": meeting, "reference": reference,
        "reference_url": selectors.reference_url(reference),
    })


# --- the staff list --------------------------------------------------------------------------------


@login_required
def vote_list(request):
    try:
        require(request.user, "votes.view_list")
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    state, method, q = request.GET.get("state", ""), request.GET.get("method", ""), request.GET.get("q", "")
    votes = selectors.votes_list(user=request.user, state=state, method=method, q=q)
    page = Paginator(votes, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "votes/vote_list.html", {
        "page": page, "state": state, "method": method, "q": q,
        "states": VoteState.choices, "methods": VoteMethod.choices,
    })
