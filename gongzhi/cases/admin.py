"""Admin for the catalogue (edited through `services.category_save`, so every change of a matter's
rules makes a new version) and read-only, scoped views of cases."""

import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongzhi.core import pii
from gongzhi.core.admin_scope import ReadOnlyAdminMixin, ScopedAdminMixin
from gongzhi.core.errors import DomainError
from gongzhi.core.permissions import can

from . import services
from .models import Case, Category, CategoryRevision, Dispute, DisputeParty, MediationSession


def _may_edit_catalogue(user) -> bool:
    return can(user, "cases.edit_catalogue")


class CategoryForm(forms.ModelForm):
    co_departments_text = forms.CharField(
        label=_("co-departments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: department code and share of cost in %, e.g. “zj 30”."),
    )
    questions_json = forms.CharField(
        label=_("intake questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_('JSON list: [{"code": "…", "label": "…", "datatype": "string", "required": false, "values": []}]'),
    )

    class Meta:
        model = Category
        fields = list(services.CATEGORY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["co_departments_text"].initial = "\n".join(
                f"{c.department_code} {c.cost_share}" for c in self.instance.co_departments.all()
            )
            self.fields["questions_json"].initial = json.dumps(
                services.rules_of(self.instance)["questions"], ensure_ascii=False, indent=1
            )

    def clean_co_departments_text(self):
        rows = []
        for line in self.cleaned_data["co_departments_text"].splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2:
                raise forms.ValidationError(_("Write each line as a code and a share, e.g. “zj 30”."))
            rows.append({"code": parts[0], "share": parts[1]})
        return rows

    def clean_questions_json(self):
        text = self.cleaned_data["questions_json"].strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON.")) from exc
        if not isinstance(value, list):
            raise forms.ValidationError(_("Give a list of questions."))
        return value


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ["code", "name", "parent", "theme", "level", "authority", "lead_department_code", "version",
                    "is_active"]
    list_filter = ["theme", "level", "authority", "is_active", "parent"]
    search_fields = ["code", "name"]
    ordering = ["parent__order", "order", "code"]
    readonly_fields = ["version"]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff or _may_edit_catalogue(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return _may_edit_catalogue(request.user)

    def has_change_permission(self, request, obj=None):
        return _may_edit_catalogue(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # matters are retired (is_active), never deleted: cases refer to them

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {f: data[f] for f in services.CATEGORY_FIELDS if f in data}
        try:
            saved = services.category_save(
                actor=request.user,
                category=Category.objects.get(pk=obj.pk) if change else None,
                co_departments=data.get("co_departments_text") or [],
                questions=data.get("questions_json") or [],
                **values,
            )
        except DomainError as exc:
            # Validation already ran in the form's clean(); a race is shown, not half-written.
            raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk
        obj.version = saved.version

    def save_related(self, request, form, formsets, change):
        return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class CheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    values = {f: cleaned.get(f) for f in services.CATEGORY_FIELDS if f in cleaned}
                    category = Category(pk=self.instance.pk, **values)
                    category._state.adding = self.instance.pk is None
                    services.require_catalogue_admin(actor)
                    services.validate_category(category, cleaned.get("co_departments_text") or [])
                    services.validate_questions(cleaned.get("questions_json") or [])
                except DomainError as exc:
                    for field, problems in exc.fields.items():
                        target = field if field in self.fields else None
                        for problem in problems:
                            self.add_error(target, problem)
                    if not exc.fields:
                        raise forms.ValidationError(exc.message) from exc
                return cleaned

        return CheckedForm


@admin.register(CategoryRevision)
class CategoryRevisionAdmin(admin.ModelAdmin):
    list_display = ["category", "version", "created_at"]
    list_filter = ["category__parent"]
    readonly_fields = ["category", "version", "rules", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Cases are changed only through their actions (pages and API); the admin lists them."""

    list_display = ["id", "shown_title", "state", "level", "category", "channel", "created_at", "handling_due"]
    list_filter = ["state", "level", "channel", "theme"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    list_select_related = ["category"]
    exclude = ["caller_phone", "caller_phone_index"]

    def get_queryset(self, request):
        # the case's own visibility rule, not only the area scope of the mixin
        return admin.ModelAdmin.get_queryset(self, request).visible_to(request.user)

    # Numbers typed into the text are masked here as on the pages and in the API (the stored text
    # stays as typed; staff who must call back reveal it through the case's audited reveal). The
    # admin is read-only, so the masked copy is never saved.
    @admin.display(description=_("title"), ordering="title")
    def shown_title(self, obj):
        return pii.redact(obj.title)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            for name in ("title", "description", "address", "feedback", "rating_comment"):
                setattr(obj, name, pii.redact(getattr(obj, name)))
        return obj


class _ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class DisputePartyInline(_ReadOnlyInline):
    model = DisputeParty
    fields = ["role", "name", "phone_masked", "household"]
    readonly_fields = fields

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return pii.mask_phone(obj.phone)


class MediationSessionInline(_ReadOnlyInline):
    model = MediationSession
    fields = ["held_at", "stage", "place", "mediator_names", "summary", "outcome", "recorded_by"]
    readonly_fields = fields

    @admin.display(description=_("mediators"))
    def mediator_names(self, obj):
        return "; ".join(f"{m.get('name', '')} ({m['kind_label']})" for m in obj.mediator_list)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Disputes (矛盾纠纷) with their parties (phones masked) and mediation sessions, read-only and
    scoped like cases; they change only through the case page and the API."""

    list_display = ["case", "stage", "outcome", "agreement_signed_at"]
    list_filter = ["stage", "outcome"]
    search_fields = ["case__title"]
    list_select_related = ["case"]
    fields = ["case", "stage", "outcome", "agreement", "agreement_signed_at"]
    readonly_fields = fields
    inlines = [DisputePartyInline, MediationSessionInline]

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).visible_to(request.user)
