"""Claims (which source says what) and the conflicts among them."""

import json

from django.contrib import admin

from agreements.models import (
    Claim,
    ClaimStatus,
    Conflict,
)
from config.history_admin import HistoryAdmin


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    """Every claim across the catalogue; filter by status to review uncertain facts."""

    list_display = ["agreement", "field", "row", "short_value", "status", "chosen", "source_url"]
    list_filter = ["status", "field", "chosen"]
    list_select_related = ["agreement"]
    search_fields = ["agreement__title", "agreement__slug", "quote", "row", "note"]
    autocomplete_fields = ["agreement"]
    list_per_page = 100

    @admin.display(description="value")
    def short_value(self, obj):
        text = obj.value if isinstance(obj.value, str) else json.dumps(obj.value)
        return text if len(text) <= 60 else text[:57] + "…"


@admin.register(Conflict)
class ConflictAdmin(ClaimAdmin):
    """The disputed facts: fields whose sources disagree, with the value each gives."""

    list_display = ["agreement", "field", "row", "short_value", "chosen", "source_url", "note"]
    list_filter = ["field"]
    ordering = ["agreement__slug", "field", "row", "-chosen"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=ClaimStatus.DISPUTED)
