"""The meetings app in the admin: bodies, their members (phones masked, an audited reveal) and the
district's theme-day contents, written through the services; meetings and decisions read-only (they
change through their pages and the API). Lists are limited to the user's area scope and objects
outside it are 404 (`core.admin_scope`)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import AreaKind, AreaNode, Estate, Unit
from gongzhi.core import permissions
from gongzhi.core.admin_scope import ReadOnlyAdminMixin, RevealAdminMixin, ScopedAdminMixin, ServiceFormMixin
from gongzhi.party.models import Alliance, PartyMember, PartyOrganization

from .models import (
    AgendaItem,
    Attendance,
    Body,
    BodyCadence,
    BodyMember,
    Cadence,
    Decision,
    Meeting,
    ThemeDayContent,
)
from .services import bodies as services


def _is_manager(user) -> bool:
    return bool(user.is_active and (user.is_superuser or user.is_staff) and permissions.can(user, "meetings.manage_body"))


class GateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped lists and 404 outside the scope (ScopedAdminMixin); who may look and change is the
    gate's answer ("meetings.manage_body" for the object's body), not Django's model permissions;
    writes go through the services."""

    action = "meetings.manage_body"

    def target(self, obj):
        return obj

    def has_module_permission(self, request):
        return _is_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_manager(request.user)

    def has_add_permission(self, request):
        return _is_manager(request.user) and permissions.can(request.user, self.action)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request) and (obj is None or permissions.can(request.user, self.action,
                                                                                        self.target(obj)))

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        user = request.user
        if model is AreaNode:
            kinds = [AreaKind.DISTRICT] if db_field.name == "district" else [
                AreaKind.DISTRICT, AreaKind.STREET, AreaKind.COMMUNITY, AreaKind.GRID]
            kwargs["queryset"] = AreaNode.objects.visible_to(user).filter(kind__in=kinds).order_by("path")
        elif model in (Unit, Estate, PartyOrganization, Alliance, PartyMember, Body):
            kwargs["queryset"] = model.objects.visible_to(user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _adopt(obj, saved) -> None:
    """Make the admin's unsaved `obj` the object the service saved (for the redirect and the log)."""
    for key, value in saved.__dict__.items():
        if key != "_state":
            obj.__dict__[key] = value
    obj._state.adding = False
    obj._state.db = saved._state.db


# --- bodies --------------------------------------------------------------------------------------


class BodyForm(ServiceFormMixin):
    cadence = forms.ChoiceField(label=_("Regular meeting"), choices=Cadence.choices, initial=Cadence.NONE,
                                required=False)

    class Meta:
        model = Body
        fields = ["kind", "name", "area", "quorum_rule", "party_organization", "estate", "description", "is_active"]

    def check(self, actor):
        data = self.cleaned_data
        if not self.instance.pk:
            area = data.get("area")
            if area is not None:
                permissions.require(actor, "meetings.manage_body", area)


class CadenceInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The meetings the body owes (set on the body's page: each change is audited there)."""

    model = BodyCadence
    fields = ["kind", "cadence"]
    readonly_fields = ["kind", "cadence"]
    extra = 0


@admin.register(Body)
class BodyAdmin(GateAdmin):
    form = BodyForm
    list_display = ["name", "kind", "area", "quorum_rule", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    list_select_related = ["area"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "name", "area", "cadence", "quorum_rule", "party_organization", "estate", "description"]
        return ["kind", "name", "area", "quorum_rule", "description", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind", "area"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = services.body_create(
                actor=request.user, kind=data["kind"], name=data["name"], area=data["area"],
                cadence=data.get("cadence") or Cadence.NONE, quorum_rule=data["quorum_rule"],
                party_organization=data.get("party_organization"), estate=data.get("estate"),
                description=data.get("description", ""),
            )
        else:
            saved = services.body_update(actor=request.user, body=Body.objects.get(pk=obj.pk), name=data["name"],
                                         quorum_rule=data["quorum_rule"], description=data.get("description", ""),
                                         is_active=data.get("is_active", True))
        _adopt(obj, saved)

    def get_inlines(self, request, obj):
        return [CadenceInline] if obj is not None else []

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # the cadences inline is read-only: nothing to save
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


# --- members -------------------------------------------------------------------------------------


class MemberForm(ServiceFormMixin):
    """A member's form. The phone is never filled in with the stored number: the masked number is
    the hint (with a link to reveal it, for whom the gate allows); an empty input keeps the number."""

    class Meta:
        model = BodyMember
        fields = ["body", "capacity", "name", "title", "user", "party_member", "unit", "phone", "joined_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if "phone" in self.fields:
            self.initial["phone"] = ""
            self.fields["phone"].required = False
            if self.instance.pk and self.instance.phone_masked:
                hint = _("Current: %(masked)s. Leave empty to keep it.") % {"masked": self.instance.phone_masked}
                if permissions.can(self.actor, "meetings.reveal_phone", self.instance):
                    url = reverse("admin:meetings_bodymember_reveal", args=[self.instance.pk])
                    hint = format_html('{} <a href="{}">{}</a>', hint, url, _("Show the full number (recorded)"))
                self.fields["phone"].help_text = hint

    def check(self, actor):
        body = self.cleaned_data.get("body") or (self.instance.body if self.instance.pk else None)
        if body is not None:
            permissions.require(actor, "meetings.manage_body", body)


@admin.register(BodyMember)
class BodyMemberAdmin(RevealAdminMixin, GateAdmin):
    form = MemberForm
    reveal_permission = "meetings.reveal_phone"
    reveal_template = "areas/admin_reveal.html"
    list_display = ["name", "body", "capacity", "title", "phone_masked", "joined_on", "left_on"]
    list_filter = ["capacity"]
    search_fields = ["name", "title", "body__name"]
    list_select_related = ["body"]
    raw_id_fields = ["user", "party_member"]

    def target(self, obj):
        return obj.body

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["body", "capacity", "name", "title", "user", "party_member", "unit", "phone", "joined_on"]
        if not self.has_change_permission(request, obj):
            return ["body", "capacity", "name", "title", "phone_masked", "joined_on", "left_on"]
        return ["body", "capacity", "name", "title", "phone", "joined_on", "left_on"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["body", "joined_on", "left_on", "phone_masked"]

    def reveal(self, request, obj, reason):
        phone = services.member_reveal_phone(actor=request.user, member=obj, reason=reason)
        return [(BodyMember._meta.get_field("phone").verbose_name, phone or "—")]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        phone = (data.get("phone") or "").strip()
        if not change:
            saved = services.member_add(
                actor=request.user, body=data["body"], capacity=data["capacity"], name=data.get("name", ""),
                title=data.get("title", ""), user=data.get("user"), party_member=data.get("party_member"),
                unit=data.get("unit"), phone=phone, joined_on=data.get("joined_on"),
            )
        else:
            current = BodyMember.objects.get(pk=obj.pk)
            saved = services.member_update(actor=request.user, member=current, capacity=data["capacity"],
                                           name=data.get("name") or current.name, title=data.get("title", ""),
                                           phone=phone or None)
        _adopt(obj, saved)


# --- the district's theme-day contents -------------------------------------------------------------


class ThemeDayContentForm(ServiceFormMixin):
    class Meta:
        model = ThemeDayContent
        fields = ["district", "position", "title", "is_active"]

    def check(self, actor):
        district = self.cleaned_data.get("district") or (self.instance.district if self.instance.pk else None)
        if district is not None:
            permissions.require(actor, "meetings.manage_theme_day", district)


@admin.register(ThemeDayContent)
class ThemeDayContentAdmin(GateAdmin):
    form = ThemeDayContentForm
    action = "meetings.manage_theme_day"
    list_display = ["title", "district", "position", "is_active"]
    list_filter = ["is_active"]
    ordering = ["district", "position"]

    def target(self, obj):
        return obj.district

    def has_module_permission(self, request):
        return bool(request.user.is_active and (request.user.is_superuser or request.user.is_staff)
                    and permissions.can(request.user, self.action))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def get_readonly_fields(self, request, obj=None):
        return ["district", "position"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        district = obj.district if change else data["district"]
        position = obj.position if change else data["position"]
        saved = services.theme_day_content_save(actor=request.user, district=district, position=position,
                                                title=data["title"], is_active=data.get("is_active", True))
        _adopt(obj, saved)


# --- meetings and decisions: read-only -------------------------------------------------------------


class AgendaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AgendaItem
    fields = ["position", "title", "is_fixed_content", "case", "reference"]
    readonly_fields = fields
    extra = 0


class AttendanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attendance
    fields = ["name", "organization", "capacity", "phone_masked", "status", "absence_reason", "signed_in_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "body", "kind", "starts_at", "state", "present_count", "expected_count", "missed_flagged_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "body__name"]
    list_select_related = ["body"]
    date_hierarchy = "starts_at"
    inlines = [AgendaInline, AttendanceInline]
    exclude = ["signin_code"]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _is_manager(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["text", "meeting", "deadline", "state", "done_at", "overdue_flagged_at"]
    list_filter = ["state"]
    search_fields = ["text", "meeting__title"]
    list_select_related = ["meeting"]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and _is_manager(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)
