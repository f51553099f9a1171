from django.contrib import admin

from .models import SupplyShare


@admin.register(SupplyShare)
class SupplyShareAdmin(admin.ModelAdmin):
    list_display = ("importer", "mineral", "supplier", "year", "share", "source_title")
    list_filter = ("importer", "year", "mineral")
    search_fields = ("mineral__name", "supplier__name", "importer__name", "quote", "source_url")
    autocomplete_fields = ("importer", "mineral", "supplier")
    ordering = ("importer__code", "mineral__slug", "-year", "-share")
