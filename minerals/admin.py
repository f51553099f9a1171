"""Admin for the mineral vocabulary and the criticality lists."""

from django.contrib import admin
from django.db.models import Count

from config.history_admin import HistoryAdmin

from .models import Mineral, MineralAlias, MineralList, MineralListEntry


class MineralAliasInline(admin.TabularInline):
    model = MineralAlias
    fields = ["name"]
    extra = 0


@admin.register(Mineral)
class MineralAdmin(HistoryAdmin):
    list_display = ["name", "slug", "symbol", "group", "agreement_count"]
    list_filter = [("group", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "symbol", "aliases__name"]
    autocomplete_fields = ["group"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MineralAliasInline]
    # Explicit, because the COUNT annotation's GROUP BY drops Meta.ordering (the autocomplete
    # would page an unordered list).
    ordering = ["name", "slug"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("group")
            .annotate(n_agreements=Count("agreement_minerals", distinct=True))
        )

    @admin.display(description="agreements", ordering="n_agreements")
    def agreement_count(self, obj):
        return obj.n_agreements


class MineralListEntryInline(admin.TabularInline):
    model = MineralListEntry
    fields = ["label", "mineral", "note"]
    autocomplete_fields = ["mineral"]
    extra = 0


@admin.register(MineralList)
class MineralListAdmin(HistoryAdmin):
    list_display = ["name", "slug", "jurisdiction", "published_on", "complete", "entry_count"]
    list_filter = ["complete", ("jurisdiction", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug", "publisher"]
    autocomplete_fields = ["jurisdiction"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MineralListEntryInline]
    ordering = ["-published_on", "slug"]  # see MineralAdmin.ordering

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("jurisdiction")
            .annotate(n_entries=Count("entries"))
        )

    @admin.display(description="entries", ordering="n_entries")
    def entry_count(self, obj):
        return obj.n_entries
