from django import forms
from django.contrib import admin
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import AreaNode
from gongzhi.core import permissions
from gongzhi.core.admin_scope import ServiceFormMixin
from gongzhi.core.errors import DomainError, InvalidInput

from . import roles, services
from .models import User


class UserForm(ServiceFormMixin):
    nodes = forms.ModelMultipleChoiceField(queryset=AreaNode.objects.none(), required=False, label=_("area nodes"))
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, required=False)
    # Never shown back in full: the masked number is the hint, an empty field keeps it.
    phone_input = forms.CharField(label=_("mobile phone"), required=False, max_length=20,
                                  help_text=_("For SMS notifications. Leave empty to keep the current number."))

    class Meta:
        model = User
        fields = ["username", "display_name", "title", "role", "department", "unit", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nodes"].queryset = AreaNode.objects.visible_to(self.actor).filter(
            kind__in=["district", "street", "community", "grid"]
        )
        if self.instance.pk and self.instance.phone_masked:
            self.fields["phone_input"].help_text = _("Current: %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.phone_masked}
        if self.instance.pk:
            self.fields["nodes"].initial = list(AreaNode.objects.filter(bindings__user=self.instance))
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True

    def check(self, actor):
        data = self.cleaned_data
        if not self.instance.pk:
            try:
                validate_password(
                    data.get("password") or "",
                    User(username=data.get("username", ""), display_name=data.get("display_name", ""),
                         role=data.get("role") or ""),
                )
            except ValidationError as exc:
                raise InvalidInput(exc.messages[0], fields={"password": exc.messages}) from exc
        nodes = list(data.get("nodes") or [])
        services._require_user_admin(actor, nodes)
        roles.check_role_fields(role=data.get("role"), nodes=nodes, department=data.get("department"), unit=data.get("unit"))
        if data.get("phone_input"):
            try:
                services._clean_phone(data["phone_input"])
            except DomainError as exc:
                raise InvalidInput(exc.message, fields={"phone_input": exc.fields.get("phone", [])}) from exc


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserForm
    list_display = ["username", "display_name", "role", "title", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "display_name"]
    fields = ["username", "password", "display_name", "title", "phone_input", "role", "nodes", "department", "unit",
              "is_active"]

    def get_fields(self, request, obj=None):
        return [f for f in self.fields if not (obj and f == "password")]

    def get_queryset(self, request):
        return User.objects.visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_add_permission(self, request):
        return permissions.can(request.user, "accounts.manage_users")

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # accounts are deactivated, never deleted: the audit log refers to them

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        common = {
            "role": data["role"], "nodes": list(data.get("nodes") or []), "department": data.get("department"),
            "unit": data.get("unit"), "display_name": data.get("display_name", ""), "title": data.get("title", ""),
        }
        phone = data.get("phone_input") or ""
        if change:
            saved = services.user_update(actor=request.user, user=obj, is_active=data.get("is_active", True),
                                         phone=phone or None, **common)
        else:
            try:
                saved = services.user_create(actor=request.user, username=data["username"], password=data["password"],
                                             phone=phone, **common)
            except DomainError as exc:
                raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk
        obj.password = saved.password

    def save_related(self, request, form, formsets, change):
        return None
