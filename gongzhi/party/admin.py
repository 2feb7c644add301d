"""Admin for the party tree, members and alliances. Lists are limited to the user's area scope,
objects outside it are 404, and every save and delete goes through the services (permission,
validation, audit)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import AreaKind, AreaNode, Unit
from gongzhi.core import permissions
from gongzhi.core.admin_scope import RevealAdminMixin
from gongzhi.core.errors import DomainError
from gongzhi.core.forms import add_domain_errors

from . import services
from .models import MEMBER_ORG_KINDS, Alliance, AllianceMember, OrgKind, PartyMember, PartyOrganization
from .permissions import Placement, placement_of


def _is_manager(user) -> bool:
    """Keeps some part of the party tree (a superuser, or staff whose role the gate lets do so)."""
    return permissions.can(user, "party.manage_organization") and (user.is_superuser or user.is_staff)


def _adopt(obj, saved) -> None:
    """Make the admin's unsaved `obj` the object the service saved (for the redirect and the log)."""
    for key, value in saved.__dict__.items():
        if key != "_state":
            obj.__dict__[key] = value
    obj._state.adding = False
    obj._state.db = saved._state.db


class ScopedAdmin(admin.ModelAdmin):
    """Area-scoped lists; out-of-scope ids are 404; writes only through services."""

    def has_module_permission(self, request):
        return _is_manager(request.user)

    def has_view_permission(self, request, obj=None):
        return _is_manager(request.user)

    def has_add_permission(self, request):
        return _is_manager(request.user)

    def has_change_permission(self, request, obj=None):
        return _is_manager(request.user) and (obj is None or self.may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def may_manage(self, user, obj) -> bool:
        raise NotImplementedError

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        model = db_field.related_model
        if db_field.name == "home_community":
            kwargs["queryset"] = AreaNode.objects.filter(kind=AreaKind.COMMUNITY).order_by("path")
        elif model is AreaNode:
            kwargs["queryset"] = AreaNode.objects.visible_to(user).exclude(kind__in=[AreaKind.HOUSEHOLD, AreaKind.UNIT])
        elif model is Unit:
            kwargs["queryset"] = Unit.objects.visible_to(user).select_related("area")
        elif model is PartyOrganization:
            qs = PartyOrganization.objects.visible_to(user)
            if db_field.name == "organization":
                qs = qs.filter(kind__in=MEMBER_ORG_KINDS)
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            if not self.may_manage(request.user, obj):
                perms_needed.add(str(obj._meta.verbose_name))
            problem = self.delete_problem(obj)
            if problem:
                protected = [*protected, f"{obj}: {problem[1]}"]
        return deleted, model_count, perms_needed, protected

    def delete_problem(self, obj) -> tuple[str, str] | None:
        return None


# --- organisations -----------------------------------------------------------------------------


ORG_FORM_FIELDS = ["kind", "name", "code", "area", "unit", "is_grid_branch", "secretary_name", "founded_on", "is_active"]


class OrganizationForm(forms.ModelForm):
    actor = None
    parent = forms.ModelChoiceField(
        label=_("parent organisation"), queryset=PartyOrganization.objects.none(), required=False
    )

    class Meta:
        model = PartyOrganization
        fields = ORG_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = PartyOrganization.objects.visible_to(self.actor).exclude(kind=OrgKind.GROUP)
        if self.instance.pk:
            self.fields["parent"].queryset = self.fields["parent"].queryset.exclude(path__startswith=self.instance.path)
            parent = PartyOrganization.objects.get_parent(self.instance)
            self.initial.setdefault("parent", parent.pk if parent else None)

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        area = data.get("area")
        if self.errors or not kind:
            return data
        try:
            permissions.require(self.actor, "party.manage_organization", Placement(kind, area))
            services.check_organization(
                kind=kind,
                name=data.get("name", ""),
                parent=data.get("parent"),
                area=area,
                unit=data.get("unit"),
                is_grid_branch=data.get("is_grid_branch", False),
                code=data.get("code", ""),
                exclude_pk=self.instance.pk,
            )
            if self.instance.pk and data.get("parent") and data["parent"].path.startswith(self.instance.path):
                services._refuse("parent", str(_("An organisation cannot be moved under itself.")))
        except DomainError as exc:
            add_domain_errors(self, exc)
        return data


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    form = OrganizationForm
    list_display = ["name", "kind", "area", "is_grid_branch", "secretary_name", "is_active"]
    list_filter = ["kind", "is_grid_branch", "is_active"]
    search_fields = ["name", "code", "secretary_name"]
    list_select_related = ["area"]
    fields = ["kind", "parent", "name", "code", "area", "unit", "is_grid_branch", "secretary_name", "founded_on",
              "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj else []

    def may_manage(self, user, obj) -> bool:
        return permissions.can(user, "party.manage_organization", placement_of(obj))

    def delete_problem(self, obj):
        return services.organization_delete_problem(obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {f: data[f] for f in ORG_FORM_FIELDS if f in data and f != "kind"}
        if not change:
            saved = services.organization_create(actor=request.user, parent=data.get("parent"), kind=data["kind"], **values)
        else:
            current = PartyOrganization.objects.get(pk=obj.pk)
            old_parent = PartyOrganization.objects.get_parent(current)
            new_parent = data.get("parent")
            if new_parent is not None and (old_parent is None or old_parent.pk != new_parent.pk):
                services.organization_move(actor=request.user, organization=current, new_parent=new_parent)
            saved = services.organization_update(actor=request.user, organization=current, **values)
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        services.organization_delete(actor=request.user, organization=obj)


# --- members -----------------------------------------------------------------------------------


MEMBER_FORM_FIELDS = [
    "name", "gender", "birth_year", "joined_on", "status", "organization", "phone", "user", "is_in_service",
    "employer", "employer_name", "home_community",
]


class MemberForm(forms.ModelForm):
    """A member's form. The phone is never filled in with the stored number: the masked number is
    the hint (with a link to reveal it, for whom the gate allows), an empty input keeps the number,
    "remove" clears it."""

    actor = None
    phone_clear = forms.BooleanField(label=_("Remove this number"), required=False)

    class Meta:
        model = PartyMember
        fields = MEMBER_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "phone" in self.fields:
            self.initial["phone"] = ""
            self.fields["phone"].required = False
            if self.instance.pk and self.instance.phone_masked:
                hint = _("Current: %(masked)s. Leave empty to keep it.") % {"masked": self.instance.phone_masked}
                if permissions.can(self.actor, "party.reveal_phone", self.instance):
                    url = reverse("admin:party_partymember_reveal", args=[self.instance.pk])
                    hint = format_html('{} <a href="{}">{}</a>', hint, url, _("Show the full number (recorded)"))
                self.fields["phone"].help_text = hint

    def clean(self):
        data = super().clean()
        if "phone" in data and not (data.get("phone") or "").strip():
            keep = self.instance.pk and not data.get("phone_clear")
            data["phone"] = self.instance.phone if keep else ""
        org = data.get("organization")
        if org is None:
            return data
        try:
            permissions.require(self.actor, "party.manage_members", org)
            if self.instance.pk:
                current = PartyMember.objects.get(pk=self.instance.pk).organization
                permissions.require(self.actor, "party.manage_members", current)
        except DomainError as exc:
            self.add_error("organization", exc.message)
        return data


@admin.register(PartyMember)
class PartyMemberAdmin(RevealAdminMixin, ScopedAdmin):
    form = MemberForm
    reveal_permission = "party.reveal_phone"
    reveal_template = "areas/admin_reveal.html"
    list_display = ["name", "organization", "status", "is_in_service", "home_community", "phone_masked"]
    list_filter = ["status", "is_in_service", "gender"]
    search_fields = ["name"]
    list_select_related = ["organization", "home_community"]
    raw_id_fields = ["user"]

    def get_fields(self, request, obj=None):
        listed = list(MEMBER_FORM_FIELDS)
        at = listed.index("phone")
        if obj is not None and not self.has_change_permission(request, obj):
            listed[at] = "phone_masked"  # read-only: the masked copy, never the number
        elif obj is not None and obj.phone_masked:
            listed.insert(at + 1, "phone_clear")
        return listed

    def reveal(self, request, obj, reason):
        phone = services.member_reveal_phone(actor=request.user, member=obj, reason=reason)
        return [(PartyMember._meta.get_field("phone").verbose_name, phone or "—")]

    def may_manage(self, user, obj) -> bool:
        return permissions.can(user, "party.manage_members", obj.organization)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {f: data[f] for f in MEMBER_FORM_FIELDS if f in data and f != "organization"}
        if not change:
            saved = services.member_add(actor=request.user, organization=data["organization"], **values)
        else:
            current = PartyMember.objects.get(pk=obj.pk)
            if current.organization_id != data["organization"].pk:
                current = services.member_transfer(actor=request.user, member=current, organization=data["organization"])
            saved = services.member_update(actor=request.user, member=current, **values)
        _adopt(obj, saved)

    def delete_model(self, request, obj):
        services.member_delete(actor=request.user, member=obj)


# --- alliances ---------------------------------------------------------------------------------


ALLIANCE_FORM_FIELDS = ["level", "name", "area", "leading_organization", "meeting_cadence", "is_active"]


class AllianceForm(forms.ModelForm):
    actor = None

    class Meta:
        model = Alliance
        fields = ALLIANCE_FORM_FIELDS

    def clean(self):
        data = super().clean()
        level = data.get("level") or self.instance.level
        area = data.get("area") or (self.instance.area if self.instance.area_id else None)
        if level and not permissions.can(self.actor, "party.manage_alliance", Placement(level, area)):
            self.add_error(None, str(_("You may not manage this alliance.")))
        return data


class AllianceMemberInline(admin.TabularInline):
    model = AllianceMember
    fields = ["unit", "representative_name", "representative_title", "role", "joined_on"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = Unit.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        return _is_manager(request.user)

    def has_add_permission(self, request, obj=None):
        return _is_manager(request.user) and (obj is None or _may_manage_alliance(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


def _may_manage_alliance(user, alliance: Alliance) -> bool:
    return permissions.can(user, "party.manage_alliance", placement_of(alliance))


@admin.register(Alliance)
class AllianceAdmin(ScopedAdmin):
    form = AllianceForm
    inlines = [AllianceMemberInline]
    list_display = ["name", "level", "area", "leading_organization", "meeting_cadence", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name"]
    list_select_related = ["area", "leading_organization"]

    def get_readonly_fields(self, request, obj=None):
        return ["level", "area"] if obj else []

    def may_manage(self, user, obj) -> bool:
        return _may_manage_alliance(user, obj)

    def delete_problem(self, obj):
        return services.alliance_delete_problem(obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = services.alliance_create(
                actor=request.user,
                level=data["level"],
                name=data["name"],
                area=data["area"],
                leading_organization=data["leading_organization"],
                meeting_cadence=data.get("meeting_cadence", ""),
                is_active=data.get("is_active", True),
            )
        else:
            values = {f: data[f] for f in ALLIANCE_FORM_FIELDS if f in data and f not in ("level", "area")}
            saved = services.alliance_update(actor=request.user, alliance=obj, **values)
        _adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AllianceMember:
            return super().save_formset(request, form, formset, change)
        alliance = form.instance
        formset.save(commit=False)
        for member in formset.deleted_objects:
            services.alliance_member_remove(actor=request.user, member=member)
        for member in formset.new_objects:
            saved = services.alliance_member_add(
                actor=request.user,
                alliance=alliance,
                unit=member.unit,
                representative_name=member.representative_name,
                representative_title=member.representative_title,
                role=member.role,
                joined_on=member.joined_on,
            )
            _adopt(member, saved)
        for member, changed in formset.changed_objects:
            if "unit" in changed:
                services.alliance_member_remove(actor=request.user, member=AllianceMember.objects.get(pk=member.pk))
                _adopt(member, services.alliance_member_add(
                    actor=request.user,
                    alliance=alliance,
                    unit=member.unit,
                    representative_name=member.representative_name,
                    representative_title=member.representative_title,
                    role=member.role,
                    joined_on=member.joined_on,
                ))
                continue
            services.alliance_member_update(
                actor=request.user,
                member=member,
                representative_name=member.representative_name,
                representative_title=member.representative_title,
                role=member.role,
                joined_on=member.joined_on,
            )

    def delete_model(self, request, obj):
        services.alliance_delete(actor=request.user, alliance=obj)
