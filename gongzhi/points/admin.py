"""The earning rules are master data kept in the admin; accounts and entries are read-only there
(entries are written once by the services and never changed)."""

from django.contrib import admin

from .models import EarningRule


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ("programme", "key", "label", "basis", "points", "area", "valid_from", "valid_until", "is_active")
    list_filter = ("programme", "basis", "is_active")
    search_fields = ("key", "label")
