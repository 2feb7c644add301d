"""Volunteers pages, people: the staff's list and registration (from a resident, a party member, a
unit's staff, or plainly), a volunteer's page (teams, record, hours, points, certificates, the
audited reveal), self-registration, "my record" and "my certificates" on the phone, the
certificate's PDF and its public check page (no sign-in). Teams' pages are in `views/teams.py`.
Thin: forms parse, services write, selectors read (scoped; outside is 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Unit
from gongzhi.core.errors import DB_ID_MAX, DomainError, NotFound
from gongzhi.core.forms import add_domain_errors
from gongzhi.core.permissions import can, page_requires, scoped_page
from gongzhi.party.models import PartyMember
from gongzhi.residents.models import Person, PersonStatus

from ..certificate_pdf import certificate_pdf, hours_text
from ..models import RecordKind, Skill, TeamMember, VolunteerStatus
from ..selectors import accounts as account_selectors
from ..selectors import people as selectors
from ..services import certificates as certificate_services
from ..services import people as services
from . import teams

WEEKDAYS = [
    pgettext_lazy("weekday", "Monday"), pgettext_lazy("weekday", "Tuesday"), pgettext_lazy("weekday", "Wednesday"),
    pgettext_lazy("weekday", "Thursday"), pgettext_lazy("weekday", "Friday"), pgettext_lazy("weekday", "Saturday"),
    pgettext_lazy("weekday", "Sunday"),
]
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})
PII_FIELDS = ("phone", "id_number")


def _int(value, default=None):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if 0 < number <= DB_ID_MAX else default


class AvailabilityMixin:
    """Seven rows (Monday … Sunday), each an optional start and end time."""

    def add_availability(self, initial: list[dict] | None = None) -> None:
        by_day = {}
        for item in initial or []:
            by_day.setdefault(item.get("weekday"), item)
        for day, label in enumerate(WEEKDAYS):
            found = by_day.get(day, {})
            self.fields[f"avail_{day}_start"] = forms.CharField(label=label, required=False, widget=TIME,
                                                                initial=found.get("start", ""))
            self.fields[f"avail_{day}_end"] = forms.CharField(label=label, required=False, widget=TIME,
                                                              initial=found.get("end", ""))

    def availability_rows(self):
        return [(label, self[f"avail_{day}_start"], self[f"avail_{day}_end"]) for day, label in enumerate(WEEKDAYS)]

    def availability(self) -> list[dict]:
        rows = []
        for day in range(7):
            start = (self.cleaned_data.get(f"avail_{day}_start") or "").strip()[:5]
            end = (self.cleaned_data.get(f"avail_{day}_end") or "").strip()[:5]
            if start or end:
                rows.append({"weekday": day, "start": start, "end": end})
        return rows


class VolunteerForm(AvailabilityMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50, required=False)
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=20, required=False)
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=20, required=False)
    area = forms.ModelChoiceField(label=gettext_lazy("Where the volunteer serves"), queryset=None, required=False)
    skills = forms.ModelMultipleChoiceField(label=gettext_lazy("specialties"), queryset=Skill.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label=gettext_lazy("languages"), max_length=100, required=False,
                                help_text=gettext_lazy("Besides Mandarin, e.g. 兰州话, 英语."))
    publish_name = forms.BooleanField(label=gettext_lazy("name may be published"), required=False, initial=True)
    consent = forms.BooleanField(label=gettext_lazy("The volunteer consents to the registration and to the keeping "
                                                    "of their service record."), required=False)

    def __init__(self, *args, user=None, source=None, availability=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = selectors.areas_for_volunteers(user=user)
        self.fields["area"].label_from_instance = lambda n: n.full_name
        self.add_availability(availability)
        kind = source[0] if source else ""
        if kind == "person":
            for name in ("name", "phone", "id_number", "area"):
                del self.fields[name]
        elif kind == "member":
            for name in ("name", "area"):
                del self.fields[name]
        elif kind == "unit":
            del self.fields["area"]


class VolunteerEditForm(AvailabilityMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50)
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=20, required=False,
                            help_text=gettext_lazy("Leave empty to keep the number."))
    skills = forms.ModelMultipleChoiceField(label=gettext_lazy("specialties"), queryset=Skill.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label=gettext_lazy("languages"), max_length=100, required=False)
    publish_name = forms.BooleanField(label=gettext_lazy("name may be published"), required=False)

    def __init__(self, *args, availability=None, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_availability(availability)
        if own:
            del self.fields["name"]


class SelfForm(AvailabilityMixin, forms.Form):
    phone = forms.CharField(label=gettext_lazy("phone"), max_length=20, required=False,
                            help_text=gettext_lazy("Leave empty to use the number in your resident record."))
    skills = forms.ModelMultipleChoiceField(label=gettext_lazy("specialties"), queryset=Skill.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    languages = forms.CharField(label=gettext_lazy("languages"), max_length=100, required=False)
    publish_name = forms.BooleanField(label=gettext_lazy("name may be published"), required=False, initial=True)
    consent = forms.BooleanField(label=gettext_lazy("I agree to register as a volunteer and to the keeping of my "
                                                    "service record."), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_availability()


class RecordEntryForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("kind"), choices=RecordKind.choices)
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    on = forms.DateField(label=gettext_lazy("date"), widget=DATE)
    minutes = forms.IntegerField(label=gettext_lazy("minutes"), min_value=0, max_value=1440, initial=0, required=False)
    note = forms.CharField(label=gettext_lazy("note"), max_length=200, required=False)


class CertificateForm(forms.Form):
    start = forms.DateField(label=gettext_lazy("from"), widget=DATE, required=False)
    end = forms.DateField(label=gettext_lazy("until"), widget=DATE, required=False)


# --- the staff's list and registration ---------------------------------------------------------------


@page_requires("volunteers.view_list")
def volunteer_list(request):
    q = request.GET.get("q", "").strip()[:50]
    team_id, skill_id, area_id = (_int(request.GET.get(k)) for k in ("team", "skill", "area"))
    status = request.GET.get("status", "")
    status = status if status in VolunteerStatus.values else ""
    rows = selectors.volunteers_visible(user=request.user, q=q, team_id=team_id, skill_id=skill_id, status=status,
                                        area_id=area_id).prefetch_related("skills")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "volunteers/people/list.html", {
        "page": page, "q": q, "team_id": team_id, "skill_id": skill_id, "area_id": area_id, "status": status,
        "teams": selectors.teams_visible(user=request.user)[:300], "skills": selectors.skills(),
        "areas": selectors.areas_for_volunteers(user=request.user)[:300], "statuses": VolunteerStatus.choices,
        "can_register": can(request.user, "volunteers.register"),
    })


def _source(request):
    """The registration's source from the query (?person= / ?member= / ?unit=), visible to the user."""
    for key, model in (("person", Person), ("member", PartyMember), ("unit", Unit)):
        pk = _int(request.GET.get(key) or request.POST.get(f"source_{key}"))
        if pk:
            found = model.objects.visible_to(request.user).filter(pk=pk).first()
            if found is None:
                raise NotFound()
            return key, found
    return None


def _candidates(user, q: str) -> dict:
    if not q:
        return {}
    people = (Person.objects.visible_to(user).filter(status=PersonStatus.LIVING, name__icontains=q)
              .select_related("household").order_by("name", "pk")[:20])
    members = PartyMember.objects.visible_to(user).filter(name__icontains=q).order_by("name", "pk")[:20]
    units = Unit.objects.visible_to(user).filter(name__icontains=q).order_by("name", "pk")[:10]
    return {"people": people, "members": members, "units": units}


@page_requires("volunteers.register")
@scoped_page
def volunteer_register(request):
    source = _source(request)
    q = request.GET.get("q", "").strip()[:50]
    form = VolunteerForm(request.POST or None, user=request.user, source=source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, obj = source if source else ("", None)
        try:
            volunteer = services.volunteer_register(
                actor=request.user, area=data.get("area"), person=obj if kind == "person" else None,
                party_member=obj if kind == "member" else None, unit=obj if kind == "unit" else None,
                name=data.get("name", ""), phone=data.get("phone", ""), id_number=data.get("id_number", ""),
                skills=list(data["skills"]), availability=form.availability(), languages=data["languages"],
                consent=data["consent"], publish_name=data["publish_name"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc, not_echoed=PII_FIELDS)
        else:
            messages.success(request, _("%(name)s is registered as volunteer %(number)s.")
                             % {"name": volunteer.name, "number": volunteer.number})
            return redirect("volunteers:volunteer", volunteer_id=volunteer.pk)
    return render(request, "volunteers/people/register.html", {
        "form": form, "source": source, "q": q, **_candidates(request.user, q),
    }, status=400 if request.method == "POST" else 200)


# --- a volunteer --------------------------------------------------------------------------------------


def _volunteer_context(request, volunteer) -> dict:
    record = selectors.record_of(volunteer=volunteer)
    return {
        "volunteer": volunteer, "record": record, "hours": hours_text(record.minutes),
        "balance": account_selectors.volunteer_balance(volunteer=volunteer),
        "memberships": TeamMember.objects.filter(volunteer=volunteer).select_related("team", "team__area"),
        "certificates": selectors.certificates_of(volunteer=volunteer)[:20],
        "availability": [(WEEKDAYS[a["weekday"]], a["start"], a["end"]) for a in volunteer.availability
                         if isinstance(a, dict) and a.get("weekday") in range(7)],
        "can_edit": can(request.user, "volunteers.register", volunteer),
        "can_reveal": can(request.user, "volunteers.reveal", volunteer),
        "can_keep_record": can(request.user, "volunteers.keep_record", volunteer),
        "record_form": RecordEntryForm(), "certificate_form": CertificateForm(),
    }


@scoped_page
def volunteer_detail(request, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.user, pk=volunteer_id)
    return render(request, "volunteers/people/detail.html", _volunteer_context(request, volunteer))


@scoped_page
def volunteer_edit(request, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.user, pk=volunteer_id)
    own = volunteer.user_id == request.user.pk
    if not own and not can(request.user, "volunteers.register", volunteer):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    initial = {"name": volunteer.name, "skills": list(volunteer.skills.all()), "languages": volunteer.languages,
               "publish_name": volunteer.publish_name}
    form = VolunteerEditForm(request.POST or None, initial=initial, availability=volunteer.availability,
                             own=own and not can(request.user, "volunteers.register", volunteer))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.volunteer_update(
                actor=request.user, volunteer=volunteer, name=data.get("name"), phone=data["phone"] or None,
                skills=list(data["skills"]), availability=form.availability(), languages=data["languages"],
                publish_name=data["publish_name"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc, not_echoed=PII_FIELDS)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("volunteers:volunteer", volunteer_id=volunteer.pk)
    return render(request, "volunteers/people/edit.html", {"form": form, "volunteer": volunteer},
                  status=400 if request.method == "POST" else 200)


@require_POST
@scoped_page
def volunteer_leave(request, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.user, pk=volunteer_id)
    try:
        services.volunteer_leave(actor=request.user, volunteer=volunteer, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is marked as left.") % {"name": volunteer.name})
    return redirect("volunteers:volunteer", volunteer_id=volunteer.pk)


@require_POST
@scoped_page
def volunteer_reveal(request, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.user, pk=volunteer_id)
    revealed = services.volunteer_reveal(actor=request.user, volunteer=volunteer, reason=request.POST.get("reason", ""))
    context = _volunteer_context(request, volunteer)
    context["revealed"] = revealed
    response = render(request, "volunteers/people/detail.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@scoped_page
def record_add(request, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.user, pk=volunteer_id)
    form = RecordEntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_add(actor=request.user, volunteer=volunteer, kind=data["kind"], title=data["title"],
                                on=data["on"], minutes=data.get("minutes") or 0, note=data.get("note", ""))
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The record entry was added."))
            return redirect("volunteers:volunteer", volunteer_id=volunteer.pk)
    context = _volunteer_context(request, volunteer)
    context["record_form"] = form
    return render(request, "volunteers/people/detail.html", context, status=400)


@require_POST
@scoped_page
def certificate_issue(request, volunteer_id: int):
    volunteer = selectors.volunteer_get(user=request.user, pk=volunteer_id)
    form = CertificateForm(request.POST)
    own = volunteer.user_id == request.user.pk
    if form.is_valid():
        try:
            certificate = certificate_services.certificate_issue(
                actor=request.user, volunteer=volunteer, start=form.cleaned_data.get("start"),
                end=form.cleaned_data.get("end"))
        except DomainError as exc:
            if own and not can(request.user, "volunteers.view_list"):
                messages.error(request, exc.message)
                return redirect("volunteers:my-certificates")
            add_domain_errors(form, exc)
        else:
            messages.success(request, _("The certificate %(code)s was issued.") % {"code": certificate.code})
            if own and not can(request.user, "volunteers.view_list"):
                return redirect("volunteers:my-certificates")
            return redirect("volunteers:volunteer", volunteer_id=volunteer.pk)
    context = _volunteer_context(request, volunteer)
    context["certificate_form"] = form
    return render(request, "volunteers/people/detail.html", context, status=400)


@scoped_page
def certificate_pdf_view(request, certificate_id: int):
    certificate = selectors.certificate_get(user=request.user, pk=certificate_id)
    url = request.build_absolute_uri(reverse("volunteers:certificate-check", args=[certificate.code]))
    response = HttpResponse(certificate_pdf(certificate=certificate, check_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


def certificate_check(request, certificate_code: str):
    """The public check (no sign-in): what the certificate with this code certifies."""
    try:
        certificate = selectors.certificate_by_code(code=certificate_code)
    except NotFound:
        raise Http404(_("No certificate has this verification code.")) from None
    return render(request, "volunteers/people/check.html", {
        "certificate": certificate, "snapshot": certificate.snapshot or {}, "hours": hours_text(certificate.minutes),
    })


# --- the volunteer's own pages (phone) ------------------------------------------------------------------


@login_required
def register_self(request):
    volunteer = account_selectors.volunteer_of(request.user)
    if volunteer is not None:
        messages.info(request, _("You are already registered as a volunteer."))
        return redirect("volunteers:my-record")
    person = services.own_person(request.user)
    form = SelfForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = services.volunteer_register_self(
                actor=request.user, consent=data["consent"], phone=data["phone"], skills=list(data["skills"]),
                availability=form.availability(), languages=data["languages"], publish_name=data["publish_name"],
            )
        except DomainError as exc:
            add_domain_errors(form, exc, not_echoed=("phone",))
        else:
            messages.success(request, _("Welcome! You are registered as volunteer %(number)s.") % {"number": volunteer.number})
            return redirect("volunteers:my-record")
    return render(request, "volunteers/people/register_self.html", {"form": form, "person": person},
                  status=400 if request.method == "POST" else 200)


def _mine(request):
    volunteer = account_selectors.volunteer_of(request.user)
    if volunteer is None:
        return None
    return volunteer


@login_required
def my_record(request):
    volunteer = _mine(request)
    if volunteer is None:
        return redirect("volunteers:register-self")
    context = _volunteer_context(request, volunteer)
    return render(request, "volunteers/people/my_record.html", context)


@login_required
def my_certificates(request):
    volunteer = _mine(request)
    if volunteer is None:
        return redirect("volunteers:register-self")
    return render(request, "volunteers/people/my_certificates.html", {
        "volunteer": volunteer, "certificates": selectors.certificates_of(volunteer=volunteer),
        "form": CertificateForm(), "record": selectors.record_of(volunteer=volunteer),
    })


urlpatterns = [
    path("people/", volunteer_list, name="volunteer-list"),
    path("people/new/", volunteer_register, name="volunteer-register"),
    path("people/<int:volunteer_id>/", volunteer_detail, name="volunteer"),
    path("people/<int:volunteer_id>/edit/", volunteer_edit, name="volunteer-edit"),
    path("people/<int:volunteer_id>/leave/", volunteer_leave, name="volunteer-leave"),
    path("people/<int:volunteer_id>/reveal/", volunteer_reveal, name="volunteer-reveal"),
    path("people/<int:volunteer_id>/record/", record_add, name="record-add"),
    path("people/<int:volunteer_id>/certificates/", certificate_issue, name="certificate-issue"),
    path("certificates/<int:certificate_id>/pdf/", certificate_pdf_view, name="certificate-pdf"),
    path("public/certificates/<str:certificate_code>/", certificate_check, name="certificate-check"),
    path("join/", register_self, name="register-self"),
    path("me/record/", my_record, name="my-record"),
    path("me/certificates/", my_certificates, name="my-certificates"),
    *teams.urlpatterns,
]
