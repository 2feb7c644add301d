"""Co-building pages, members: reporting in (双报到), the employer's inbox, the member's service log
on the phone, the staff's list and detail, the quarterly reports (双报告) with their PDF, and the
public 三亮一树 pages (who to find)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaNode
from gongzhi.core.errors import DB_ID_MAX, DomainError
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires, scoped_page
from gongzhi.party.models import PartyMember

from ..models import Evaluation, PostKind, QuarterReportState, ReportInState, ServicePost
from ..quarter_report_pdf import quarter_report_pdf
from ..selectors import members as selectors
from ..services import members as services
from ..services import reports as report_services

SELF_POST_KINDS = [(k, label) for k, label in PostKind.choices if k != PostKind.CARE_PAIR]


def _int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= DB_ID_MAX else None


class ReportInForm(forms.Form):
    community = forms.ModelChoiceField(label=gettext_lazy("community where I live"), queryset=None)
    skills = forms.CharField(label=gettext_lazy("what I can offer"), max_length=200, required=False)
    duty = forms.CharField(label=gettext_lazy("duty"), max_length=100, required=False,
                           help_text=gettext_lazy("亮职责: what you take on in the community, in a line."))
    posts = forms.MultipleChoiceField(label=gettext_lazy("posts I take"), choices=SELF_POST_KINDS, required=False,
                                      widget=forms.CheckboxSelectMultiple,
                                      help_text=gettext_lazy("The community pairs members with households in difficulty."))
    public_profile = forms.BooleanField(label=gettext_lazy("show my profile to residents"), required=False,
                                        help_text=gettext_lazy("三亮一树: name, branch, duty and services done on the community's page; never your phone."))

    def __init__(self, *args, user=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (selectors.kept_communities(user) if staff
                                             else selectors.communities_for(user))
        self.fields["community"].label_from_instance = lambda n: n.full_name
        if staff:
            self.fields["community"].label = gettext_lazy("community")
            self.fields["member"] = forms.ModelChoiceField(
                label=gettext_lazy("in-service party member"),
                queryset=PartyMember.objects.visible_to(user).filter(is_in_service=True).order_by("name"))
            self.order_fields(["member"])


class LogForm(forms.Form):
    served_on = forms.DateField(label=gettext_lazy("date of service"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.CharField(label=gettext_lazy("hours"), max_length=6,
                            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                            help_text=gettext_lazy("0.5 to 24, in half hours."))
    what = forms.CharField(label=pgettext_lazy("service", "what was done"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))
    post = forms.ModelChoiceField(label=gettext_lazy("post"), queryset=ServicePost.objects.none(), required=False)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        if report is not None:
            self.fields["post"].queryset = report.posts.filter(ended_on__isnull=True)


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("post"), choices=PostKind.choices)
    place = forms.ModelChoiceField(label=gettext_lazy("where"), queryset=None, required=False,
                                   help_text=gettext_lazy("The building, grid or household the post is for."))
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)

    def __init__(self, *args, report=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = AreaNode.objects.filter(
            path__startswith=report.community.path, kind__in=["grid", "building", "household"]).order_by("path")[:500]
        self.fields["place"].label_from_instance = lambda n: n.full_name


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)


class EvaluateForm(forms.Form):
    evaluation = forms.ChoiceField(label=gettext_lazy("community's evaluation"), choices=Evaluation.choices)
    note = forms.CharField(label=gettext_lazy("comment"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class GenerateForm(forms.Form):
    community = forms.ModelChoiceField(label=gettext_lazy("community"), queryset=None)
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=gettext_lazy("quarter"), coerce=int,
                                     choices=[(1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")])

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.kept_communities(user)


def _posts(kinds) -> list[dict]:
    return [{"kind": kind} for kind in kinds]


# --- the member ---------------------------------------------------------------------------------


@page_requires("cobuilding.report_in")
@scoped_page
def report_in(request):
    member = services.own_member(request.user)
    if member is None:
        raise PermissionDenied(_("Only an in-service party member reports in to a community."))
    form = ReportInForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.report_in(actor=request.user, community=d["community"], skills=d["skills"],
                                        duty=d["duty"], posts=_posts(d["posts"]), public_profile=d["public_profile"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("You reported in to %(community)s.") % {"community": report.community.name})
            return redirect("cobuilding:my-service")
    asks_employer = services.employer_liaisons(member).exists()
    return render(request, "cobuilding/members/report_in.html",
                  {"form": form, "member": member, "asks_employer": asks_employer},
                  status=400 if request.method == "POST" else 200)


@page_requires("cobuilding.report_in")
@scoped_page
def my_service(request):
    report = selectors.my_report(user=request.user)
    form = None
    if report is not None and report.state == ReportInState.ACTIVE:
        form = LogForm(request.POST or None, report=report, initial={"served_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                services.log_service(actor=request.user, report=report, served_on=d["served_on"], hours=d["hours"],
                                     what=d["what"], post=d.get("post"))
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Your service was logged."))
                return redirect("cobuilding:my-service")
    elif request.method == "POST":
        raise PermissionDenied
    context = {"report": report, "form": form}
    if report is not None:
        start, end = selectors.this_quarter()
        logs = selectors.logs_of(report)
        context.update({"logs": logs[:50], "posts": selectors.posts_of(report),
                        "quarter_reports": selectors.quarter_reports_of(report),
                        "quarter_hours": sum((e.hours for e in logs.filter(served_on__range=(start, end))), 0)})
    return render(request, "cobuilding/members/my_service.html", context,
                  status=400 if request.method == "POST" else 200)


@require_POST
@scoped_page
def member_profile_update(request, member_report_id: int):
    """Change what one offers, one's duty and the consent to the public profile (from my-service)."""
    report = selectors.report_get(user=request.user, pk=member_report_id)
    try:
        services.update_profile(actor=request.user, report=report, skills=request.POST.get("skills", ""),
                                duty=request.POST.get("duty", ""), public_profile=request.POST.get("public_profile") == "on")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your details were saved."))
    if can(request.user, "cobuilding.view_list") and report.member.user_id != request.user.pk:
        return redirect("cobuilding:member-detail", member_report_id=report.pk)
    return redirect("cobuilding:my-service")


@require_POST
@scoped_page
def member_end(request, member_report_id: int):
    report = selectors.report_get(user=request.user, pk=member_report_id)
    try:
        services.end(actor=request.user, report=report, note=request.POST.get("note", "")[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The registration was ended."))
    if can(request.user, "cobuilding.view_list"):
        return redirect("cobuilding:member-detail", member_report_id=report.pk)
    return redirect("cobuilding:my-service")


# --- the employer's liaison ----------------------------------------------------------------------


@page_requires("cobuilding.confirm_for_employer")
@scoped_page
def employer_inbox(request):
    return render(request, "cobuilding/members/employer_inbox.html",
                  selectors.employer_inbox(user=request.user) | {"unit": getattr(request.user, "unit", None)})


@require_POST
@scoped_page
def member_decide(request, member_report_id: int, action: str):
    report = selectors.report_get(user=request.user, pk=member_report_id)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "confirm":
            services.confirm(actor=request.user, report=report, note=note)
            messages.success(request, _("The registration was confirmed."))
        else:
            services.refuse(actor=request.user, report=report, note=note)
            messages.success(request, _("The registration was not confirmed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    if can(request.user, "cobuilding.view_list"):
        return redirect("cobuilding:member-detail", member_report_id=report.pk)
    return redirect("cobuilding:employer-inbox")


@require_POST
@scoped_page
def quarter_report_acknowledge(request, quarter_report_id: int):
    row = selectors.quarter_report_get(user=request.user, pk=quarter_report_id)
    try:
        report_services.acknowledge(actor=request.user, quarter_report=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Receipt of the report was confirmed."))
    if can(request.user, "cobuilding.view_list"):
        return redirect("cobuilding:quarter-report", quarter_report_id=row.pk)
    return redirect("cobuilding:employer-inbox")


# --- the staff -------------------------------------------------------------------------------------


@page_requires("cobuilding.view_list")
def member_list(request):
    community_id = _int(request.GET.get("community"))
    state = request.GET.get("state", "") if request.GET.get("state") in ReportInState.values else ""
    not_served = request.GET.get("not_served") == "1"
    rows = selectors.member_list(user=request.user, community_id=community_id, state=state, not_served=not_served)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "cobuilding/members/list.html", {
        "page": page, "community_id": community_id, "state": state, "not_served": not_served,
        "communities": selectors.kept_communities(request.user), "states": ReportInState.choices,
        "can_register": can(request.user, "cobuilding.keep_registrations"),
    })


@page_requires("cobuilding.keep_registrations")
@scoped_page
def member_register(request):
    form = ReportInForm(request.POST or None, user=request.user, staff=True)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            report = services.register_member(actor=request.user, member=d["member"], community=d["community"],
                                              skills=d["skills"], duty=d["duty"], posts=_posts(d["posts"]),
                                              public_profile=d["public_profile"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": report.member.name})
            return redirect("cobuilding:member-detail", member_report_id=report.pk)
    return render(request, "cobuilding/members/register.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@scoped_page
def member_detail(request, member_report_id: int):
    report = selectors.report_get(user=request.user, pk=member_report_id)
    if not can(request.user, "cobuilding.view_list"):
        raise PermissionDenied
    keeps = can(request.user, "cobuilding.keep_registrations", report)
    log_form = LogForm(report=report, initial={"served_on": timezone.localdate()}) if keeps else None
    post_form = PostForm(report=report) if keeps else None
    status = 200
    if request.method == "POST" and keeps:
        status = 400
        if request.POST.get("form") == "post":
            post_form = PostForm(request.POST, report=report)
            if post_form.is_valid():
                d = post_form.cleaned_data
                try:
                    services.add_post(actor=request.user, report=report, kind=d["kind"], place=d.get("place"),
                                      note=d["note"])
                except DomainError as exc:
                    add_domain_errors(post_form, exc)
                else:
                    messages.success(request, _("The post was added."))
                    return redirect("cobuilding:member-detail", member_report_id=report.pk)
        else:
            log_form = LogForm(request.POST, report=report)
            if log_form.is_valid():
                d = log_form.cleaned_data
                try:
                    services.log_service(actor=request.user, report=report, served_on=d["served_on"],
                                         hours=d["hours"], what=d["what"], post=d.get("post"))
                except DomainError as exc:
                    add_domain_errors(log_form, exc)
                else:
                    messages.success(request, _("The service was logged."))
                    return redirect("cobuilding:member-detail", member_report_id=report.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "cobuilding/members/detail.html", {
        "report": report, "posts": selectors.posts_of(report), "logs": selectors.logs_of(report)[:100],
        "quarter_reports": selectors.quarter_reports_of(report), "keeps": keeps,
        "may_decide": report.state == ReportInState.PENDING and services.confirms_for_employer(request.user, report),
        "log_form": log_form, "post_form": post_form,
        "asks_employer": services.employer_liaisons(report.member).exists(),
    }, status=status)


@page_requires("cobuilding.view_list")
@scoped_page
def quarter_reports(request):
    community_id = _int(request.GET.get("community"))
    state = request.GET.get("state", "") if request.GET.get("state") in QuarterReportState.values else ""
    year, quarter = report_services.previous_quarter(timezone.localdate())
    form = GenerateForm(request.POST or None, user=request.user,
                        initial={"year": year, "quarter": quarter, "community": community_id})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = report_services.generate(actor=request.user, community=d["community"], year=d["year"],
                                            quarter=d["quarter"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("Reports drafted: %(count)d.") % {"count": made})
            return redirect("cobuilding:quarter-reports")
    rows = selectors.quarter_report_list(user=request.user, community_id=community_id, state=state)
    return render(request, "cobuilding/members/quarter_reports.html", {
        "page": Paginator(rows, 50).get_page(request.GET.get("page")), "form": form,
        "can_generate": can(request.user, "cobuilding.keep_registrations"),
        "communities": selectors.kept_communities(request.user), "community_id": community_id,
        "state": state, "states": QuarterReportState.choices,
    }, status=400 if request.method == "POST" else 200)


@scoped_page
def quarter_report_detail(request, quarter_report_id: int):
    row = selectors.quarter_report_get(user=request.user, pk=quarter_report_id)
    if not can(request.user, "cobuilding.view_list"):
        raise PermissionDenied
    keeps = can(request.user, "cobuilding.keep_registrations", row)
    form = EvaluateForm(request.POST or None, initial={"evaluation": row.evaluation, "note": row.evaluation_note})
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied
        if form.is_valid():
            try:
                report_services.evaluate(actor=request.user, quarter_report=row,
                                         evaluation=form.cleaned_data["evaluation"], note=form.cleaned_data["note"])
            except DomainError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The evaluation was saved."))
                return redirect("cobuilding:quarter-report", quarter_report_id=row.pk)
    return render(request, "cobuilding/members/quarter_report.html", {
        "row": row, "form": form if keeps and row.state == QuarterReportState.DRAFT else None, "keeps": keeps,
        "asks_employer": services.employer_liaisons(row.report.member).exists(),
    }, status=400 if request.method == "POST" else 200)


@require_POST
@scoped_page
def quarter_report_send(request, quarter_report_id: int):
    row = selectors.quarter_report_get(user=request.user, pk=quarter_report_id)
    try:
        sent = report_services.send(actor=request.user, quarter_report=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report was sent in the app.") if sent.delivery == "in_app"
                         else _("Print the PDF and post it to the employer, then record its receipt."))
    return redirect("cobuilding:quarter-report", quarter_report_id=row.pk)


@scoped_page
def quarter_report_pdf_view(request, quarter_report_id: int):
    row = selectors.quarter_report_get(user=request.user, pk=quarter_report_id)
    report_services.record_export(actor=request.user, quarter_report=row)
    response = HttpResponse(quarter_report_pdf(quarter_report=row), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="quarter-report-{row.year}Q{row.quarter}-{row.pk}.pdf"'
    return response


# --- public (三亮一树) ------------------------------------------------------------------------------


def who_to_find(request, community_id: int):
    community, rows = selectors.public_members(community_id=community_id)
    return render(request, "cobuilding/members/who_to_find.html", {"community": community, "rows": rows})


def member_profile(request, member_report_id: int):
    row = selectors.public_profile(pk=member_report_id)
    return render(request, "cobuilding/members/profile.html", {"row": row, "posts": selectors.open_posts(row)})


urlpatterns = [
    path("members/report-in/", report_in, name="report-in"),
    path("members/mine/", my_service, name="my-service"),
    path("members/employer/", employer_inbox, name="employer-inbox"),
    path("members/", member_list, name="members"),
    path("members/register/", member_register, name="member-register"),
    path("members/<int:member_report_id>/", member_detail, name="member-detail"),
    path("members/<int:member_report_id>/profile/", member_profile_update, name="member-profile-update"),
    path("members/<int:member_report_id>/end/", member_end, name="member-end"),
    path("members/<int:member_report_id>/confirm/", member_decide, {"action": "confirm"}, name="member-confirm"),
    path("members/<int:member_report_id>/refuse/", member_decide, {"action": "refuse"}, name="member-refuse"),
    path("quarter-reports/", quarter_reports, name="quarter-reports"),
    path("quarter-reports/<int:quarter_report_id>/", quarter_report_detail, name="quarter-report"),
    path("quarter-reports/<int:quarter_report_id>/send/", quarter_report_send, name="quarter-report-send"),
    path("quarter-reports/<int:quarter_report_id>/acknowledge/", quarter_report_acknowledge,
         name="quarter-report-acknowledge"),
    path("quarter-reports/<int:quarter_report_id>/pdf/", quarter_report_pdf_view, name="quarter-report-pdf"),
    path("public/communities/<int:community_id>/members/", who_to_find, name="who-to-find"),
    path("public/members/<int:member_report_id>/", member_profile, name="member-profile"),
]

