"""Topic pages: the staff list of an area's topics (filters, counts, paging), raising a topic (from
cases — one click from a case or a hot issue —, a group, a meeting, a unit), a topic's page with
its timeline and the controls of the current step, the residents' "居民议事" (my topics) and their
proposal form, co-signing, documents. Thin: forms parse, services write, selectors read (scoped;
outside scope is 404); a service's refusal comes back beside its field."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode, Unit
from gongzhi.cases.models import Case
from gongzhi.core import downloads
from gongzhi.core import selectors as core_selectors
from gongzhi.core.errors import DomainError, Forbidden, InvalidInput, NotFound
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires
from gongzhi.core.permissions import scoped_page as domain_view
from gongzhi.meetings.models import Meeting
from gongzhi.votes.models import Vote

from .. import selectors
from ..models import ConsultationGroup, ScopeKind, StepOutput, TopicSource, TopicState
from ..services import documents as document_services
from ..services import steps as step_services
from ..services import topics as topic_services

PER_PAGE = 30




# --- forms ---------------------------------------------------------------------------------------


class ProposalForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Where"), help_text=gettext_lazy(
        "Your building, estate, grid or community: its residents co-sign and decide."))
    group = forms.ChoiceField(label=gettext_lazy("Consultation group"), choices=ConsultationGroup.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("What should be done, and why"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, scopes: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = {s["value"]: s for s in scopes}
        self.fields["scope"].choices = [(s["value"], s["label"]) for s in scopes]


class RaiseForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    group = forms.ChoiceField(label=gettext_lazy("Consultation group"), choices=ConsultationGroup.choices)
    source = forms.ChoiceField(label=gettext_lazy("Raised by"),
                               choices=[c for c in TopicSource.choices if c[0] != TopicSource.PROPOSAL])
    scope_kind = forms.ChoiceField(label=gettext_lazy("Scope"),
                                   choices=[c for c in ScopeKind.choices if c[0] != ScopeKind.ESTATE])
    area = forms.ModelChoiceField(label=gettext_lazy("Area"), queryset=AreaNode.objects.none())
    meeting = forms.ModelChoiceField(label=gettext_lazy("Meeting that raised it"), queryset=Meeting.objects.none(),
                                     required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit that proposed it"), queryset=Unit.objects.none(),
                                  required=False)
    cases = forms.ModelMultipleChoiceField(label=gettext_lazy("Cases it comes from"), queryset=Case.objects.none(),
                                           required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, case_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AreaNode.objects.filter(pk__in=[a.pk for a in selectors.raise_areas(user=user)])
        self.fields["area"].label_from_instance = lambda node: f"{node.get_kind_display()} · {node.name}"
        self.fields["meeting"].queryset = Meeting.objects.visible_to(user).order_by("-starts_at")
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("name")
        self.fields["cases"].queryset = Case.objects.visible_to(user).filter(pk__in=[c.pk for c in case_choices])
        self.fields["cases"].label_from_instance = lambda case: case.reference


class CompleteForm(forms.Form):
    outcome = forms.CharField(label=gettext_lazy("Outcome"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    meeting = forms.ModelChoiceField(label=gettext_lazy("Meeting held, with minutes"), queryset=Meeting.objects.none(),
                                     required=False)
    vote = forms.ModelChoiceField(label=gettext_lazy("Vote on the topic"), queryset=Vote.objects.none(),
                                  required=False)
    households_consulted = forms.IntegerField(label=gettext_lazy("Households consulted"), min_value=0, required=False)
    households_in_favour = forms.IntegerField(label=gettext_lazy("In favour"), min_value=0, required=False)
    households_against = forms.IntegerField(label=gettext_lazy("Against"), min_value=0, required=False)

    # Which fields each kind of step shows.
    SHOWN = {
        StepOutput.PROPOSAL: ("outcome",),
        StepOutput.MEETING: ("meeting", "outcome"),
        StepOutput.VOTE: ("vote", "outcome"),
        StepOutput.CONSULTATION: ("households_consulted", "households_in_favour", "households_against", "outcome"),
        StepOutput.SUPERVISION: ("outcome",),
        StepOutput.PUBLICATION: ("outcome",),
    }
    LABELS = {
        StepOutput.PROPOSAL: gettext_lazy("The proposal"),
        StepOutput.SUPERVISION: gettext_lazy("The committee's opinion"),
        StepOutput.PUBLICATION: gettext_lazy("Where and how it was published"),
    }

    def __init__(self, *args, output: str, meetings=(), votes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("-starts_at")
        self.fields["vote"].queryset = Vote.objects.filter(pk__in=[v.pk for v in votes])
        self.fields["vote"].label_from_instance = lambda v: f"{v.title} · {v.get_result_display()}"
        self.fields["meeting"].label_from_instance = lambda m: f"{m.title} · {m.starts_at:%Y-%m-%d}"
        for name in list(self.fields):
            if name not in self.SHOWN.get(output, ()):
                del self.fields[name]
        self.order_fields(self.SHOWN.get(output, ()))
        if output in self.LABELS:
            self.fields["outcome"].label = self.LABELS[output]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentForm(forms.Form):
    documents = forms.FileField(label=gettext_lazy("Documents or photos"), widget=MultipleFileInput, required=False,
                                help_text=gettext_lazy("PDF, Word, Excel, PowerPoint or photos."))


# --- the staff list ------------------------------------------------------------------------------


def _flag(value: str) -> bool:
    return value in ("1", "true", "on")


@page_requires("deliberation.view_topics")
@domain_view
def topic_list(request):
    get = request.GET
    filters = {"state": get.get("state", ""), "group": get.get("group", ""), "scope_kind": get.get("scope", ""),
               "source": get.get("source", ""), "overdue": _flag(get.get("overdue", "")), "q": get.get("q", ""),
               "area_id": _int(get.get("area"))}
    errors = {}
    try:
        qs = selectors.topics_list(user=request.user, **filters)
    except InvalidInput as exc:
        errors = exc.fields
        qs = selectors.topics_list(user=request.user)
    counts = selectors.state_counts(selectors.topics_list(user=request.user, **{
        k: v for k, v in filters.items() if k != "state"}) if not errors else qs)
    page = Paginator(qs, PER_PAGE).get_page(get.get("page"))
    page.object_list = selectors.with_current_steps(page.object_list)
    context = {
        "page": page, "filters": filters, "filter_errors": errors, "counts": counts,
        "active": any(v for v in filters.values()),
        "states": TopicState.choices, "groups": ConsultationGroup.choices, "scopes": ScopeKind.choices,
        "sources": TopicSource.choices, "areas": [a for a in selectors.raise_areas(user=request.user)
                                                  if a.kind != "building"][:200],
        "may_raise": bool(selectors.raise_areas(user=request.user))
        and can(request.user, "deliberation.raise", selectors.raise_areas(user=request.user)[0]),
    }
    return render(request, "deliberation/topics/list.html", context, status=400 if errors else 200)


# --- raising a topic -----------------------------------------------------------------------------


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@domain_view
def topic_raise(request):
    user = request.user
    areas = selectors.raise_areas(user=user)
    if not areas or not can(user, "deliberation.raise", areas[0]):
        raise PermissionDenied
    source = request.GET if request.method == "GET" else request.POST
    case_ids = [i for i in (_int(v) for v in source.getlist("case")) if i]
    prefill = selectors.raise_prefill(user=user, case_ids=case_ids, category=source.get("category", ""),
                                      location_id=_int(source.get("location")))
    initial = {"group": ConsultationGroup.LIVELIHOOD, "source": TopicSource.GROUP, "scope_kind": ScopeKind.COMMUNITY}
    if prefill:
        initial.update({k: prefill[k] for k in ("title", "description", "scope_kind", "source", "group")})
        initial["area"] = prefill["area"].pk
        initial["cases"] = [c.pk for c in prefill["cases"]]
    meeting_id, unit_id = _int(source.get("meeting")), _int(source.get("unit"))
    if request.method == "GET" and meeting_id:
        initial.update({"source": TopicSource.MEETING, "meeting": meeting_id})
    if request.method == "GET" and unit_id:
        initial.update({"source": TopicSource.UNIT, "unit": unit_id})
    cases = prefill.get("cases", []) if prefill else []
    form = RaiseForm(request.POST or None, user=user, case_choices=cases, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            topic = topic_services.topic_raise(
                actor=user, title=data["title"], description=data["description"], scope_kind=data["scope_kind"],
                group=data["group"], source=data["source"], area=data["area"], cases=list(data["cases"]),
                meeting=data.get("meeting"), unit=data.get("unit"),
            )
        except (Forbidden, NotFound):
            form.add_error("area", _("You may raise topics only in your own area."))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The topic is raised and on its path."))
            return redirect(selectors.topic_url(topic.pk))
    context = {"form": form, "cases": cases, "hidden": {"case": case_ids, "category": source.get("category", ""),
                                                         "location": source.get("location", "")}}
    return render(request, "deliberation/topics/raise.html", context, status=400 if form.errors else 200)


# --- a topic -------------------------------------------------------------------------------------


def _topic_page(request, topic_id: int, *, status: int = 200, forms_given: dict | None = None):
    user = request.user
    topic = selectors.topic_get(user=user, pk=topic_id)
    page = selectors.topic_page(user=user, topic=topic)
    forms_given = forms_given or {}
    if page["current"] is not None and "advance" in page["offered"]:
        page["complete_form"] = forms_given.get("complete") or CompleteForm(
            output=page["needs"], meetings=page["meetings"], votes=page["votes"])
    page["reason_form"] = forms_given.get("reason") or ReasonForm()
    page["reason_action"] = forms_given.get("reason_action", "")
    page["document_form"] = forms_given.get("documents") or DocumentForm()
    page["new_vote_url"] = f"/votes/new?reference=topic:{topic.pk}"
    page["meetings_url"] = reverse("meetings:bodies")
    page["staff"] = can(user, "deliberation.view_topics")
    if core_selectors.can_see_history(user):
        page["events"] = core_selectors.history_for(user=user, obj=topic)[:50]
    return render(request, "deliberation/topics/detail.html", page, status=status)


@domain_view
def topic_detail(request, topic_id: int):
    return _topic_page(request, topic_id)


def _refusal(exc: DomainError) -> None:
    if isinstance(exc, NotFound | Forbidden):
        raise exc


@require_POST
@domain_view
def topic_complete(request, topic_id: int):
    user = request.user
    topic = selectors.topic_get(user=user, pk=topic_id)
    page = selectors.topic_page(user=user, topic=topic)
    if page["current"] is None:
        messages.error(request, _("The topic is not at any step."))
        return redirect(selectors.topic_url(topic.pk))
    form = CompleteForm(request.POST, output=page["needs"], meetings=page["meetings"], votes=page["votes"])
    if form.is_valid():
        data = form.cleaned_data
        given = step_services.StepOutcome(
            outcome=data.get("outcome") or "", meeting=data.get("meeting"), vote=data.get("vote"),
            households_consulted=data.get("households_consulted"),
            households_in_favour=data.get("households_in_favour"), households_against=data.get("households_against"),
        )
        try:
            step_services.step_complete(actor=user, topic=topic, given=given)
        except DomainError as exc:
            _refusal(exc)
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Step “%(step)s” completed.") % {"step": page["current"].name})
            return redirect(selectors.topic_url(topic.pk))
    return _topic_page(request, topic_id, status=400, forms_given={"complete": form})


def _with_reason(request, topic_id: int, action: str, run, done: str):
    topic = selectors.topic_get(user=request.user, pk=topic_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            run(topic, form.cleaned_data["reason"])
        except DomainError as exc:
            _refusal(exc)
            add_domain_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(selectors.topic_url(topic.pk))
    return _topic_page(request, topic_id, status=400, forms_given={"reason": form, "reason_action": action})


@require_POST
@domain_view
def topic_send_back(request, topic_id: int):
    return _with_reason(request, topic_id, "send_back", lambda t, r: step_services.step_send_back(
        actor=request.user, topic=t, reason=r), _("The topic went back to the step before."))


@require_POST
@domain_view
def topic_drop(request, topic_id: int):
    return _with_reason(request, topic_id, "drop", lambda t, r: step_services.topic_drop(
        actor=request.user, topic=t, reason=r), _("The topic is dropped."))


@require_POST
@domain_view
def topic_open(request, topic_id: int):
    topic = selectors.topic_get(user=request.user, pk=topic_id)
    try:
        step_services.topic_open(actor=request.user, topic=topic)
    except DomainError as exc:
        _refusal(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The topic is on its path."))
    return redirect(selectors.topic_url(topic.pk))


@require_POST
@domain_view
def topic_sign(request, topic_id: int):
    topic = selectors.topic_get(user=request.user, pk=topic_id)
    try:
        topic_services.proposal_sign(actor=request.user, topic=topic)
    except DomainError as exc:
        _refusal(exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You co-signed the proposal."))
    return redirect(selectors.topic_url(topic.pk))


@require_POST
@domain_view
def topic_documents(request, topic_id: int):
    topic = selectors.topic_get(user=request.user, pk=topic_id)
    form = DocumentForm(request.POST, request.FILES)
    try:
        document_services.documents_add(actor=request.user, topic=topic, files=request.FILES.getlist("documents"))
    except DomainError as exc:
        _refusal(exc)
        add_domain_errors(form, exc)
        return _topic_page(request, topic_id, status=400, forms_given={"documents": form})
    messages.success(request, _("Documents added."))
    return redirect(selectors.topic_url(topic.pk) + "#documents")


@domain_view
def topic_document(request, document_id: int):
    document = selectors.document_get(user=request.user, pk=document_id)
    return downloads.serve(document.file, content_type=document.content_type, name=document.name)


# --- residents: 居民议事 ---------------------------------------------------------------------------


@page_requires("deliberation.propose")
@domain_view
def mine(request):
    """My topics: what I proposed, what I co-signed, and the topics of where I live."""
    context = selectors.my_topics(user=request.user)
    context["may_propose"] = bool(selectors.resident_scopes(user=request.user))
    return render(request, "deliberation/topics/mine.html", context)


@page_requires("deliberation.propose")
@domain_view
def propose(request):
    scopes = selectors.resident_scopes(user=request.user)
    form = ProposalForm(request.POST or None, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = form.scopes[data["scope"]]
        try:
            topic = topic_services.proposal_create(
                actor=request.user, title=data["title"], description=data["description"], group=data["group"],
                scope_kind=where["scope_kind"], area=where["area"], estate=where["estate"],
            )
        except Forbidden as exc:
            form.add_error("scope", exc.message)
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Your proposal is published: neighbours can co-sign it now."))
            return redirect(selectors.topic_url(topic.pk))
    return render(request, "deliberation/topics/propose.html", {"form": form, "scopes": scopes},
                  status=400 if form.errors else 200)


urlpatterns = [
    path("topics/", topic_list, name="topics"),
    path("topics/new/", topic_raise, name="topic-raise"),
    path("topics/<int:topic_id>/", topic_detail, name="topic"),
    path("topics/<int:topic_id>/complete/", topic_complete, name="topic-complete"),
    path("topics/<int:topic_id>/send-back/", topic_send_back, name="topic-send-back"),
    path("topics/<int:topic_id>/drop/", topic_drop, name="topic-drop"),
    path("topics/<int:topic_id>/open/", topic_open, name="topic-open"),
    path("topics/<int:topic_id>/sign/", topic_sign, name="topic-sign"),
    path("topics/<int:topic_id>/documents/", topic_documents, name="topic-documents"),
    path("topic-documents/<int:document_id>/", topic_document, name="topic-document"),
    path("mine/", mine, name="mine"),
    path("propose/", propose, name="propose"),
]
