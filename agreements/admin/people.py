"""Parties and people in the admin, and the site's titles."""

from django.contrib import admin
from django.utils.html import format_html_join

from agreements.models import (
    Party,
    Person,
    Signature,
)
from config.history_admin import HistoryAdmin


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ["code", "name", "kind", "country"]
    list_select_related = ["country"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["country"]
    readonly_fields = ["created_at", "updated_at"]


class PersonSignatureInline(admin.TabularInline):
    model = Signature
    fields = ["agreement", "party", "office", "role", "signed_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "signatures"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "slug", "offices"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PersonSignatureInline]

    def get_inlines(self, request, obj):
        # A new person (often added from an agreement's "+" popup) has no signatures yet.
        return self.inlines if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("signatures")

    @admin.display(description="offices")
    def offices(self, obj):
        offices = sorted({s.office for s in obj.signatures.all() if s.office})
        return format_html_join(", ", "{}", ((o,) for o in offices))


admin.site.site_header = "Critical Minerals Agreement Tracker"
admin.site.site_title = "Agreement Tracker"
admin.site.index_title = "Editors' workplace"
