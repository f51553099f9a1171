"""Proposals of the press-release extractor and what editors made of them (read-only)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from agreements.drafting.proposals import history_scores
from agreements.models import (
    DraftProposal,
)


@admin.register(DraftProposal)
class DraftProposalAdmin(admin.ModelAdmin):
    """Read-only: the extractor's proposals and what editors made of them, with the
    precision and recall per field over every published one (publishers only)."""

    list_display = [
        "agreement_link",
        "source",
        "created_by",
        "created_at",
        "reviewed_at",
        "outcome",
    ]
    list_filter = ["source", ("reviewed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["agreement", "created_by"]
    fields = [
        "agreement",
        "source",
        "created_by",
        "created_at",
        "reviewed_at",
        "text_sha256",
        "proposal",
        "review",
    ]
    readonly_fields = fields
    change_list_template = "admin/agreements/draftproposal/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="agreement", ordering="agreement__slug")
    def agreement_link(self, obj):
        url = reverse("admin:agreements_agreement_change", args=[obj.agreement_id])
        return format_html('<a href="{}">{}</a>', url, obj.agreement.slug)

    @admin.display(description="kept / changed / added / removed")
    def outcome(self, obj):
        if not obj.reviewed_at:
            return "not published yet"
        totals = [0, 0, 0, 0]
        for item in obj.review.values():
            for i, key in enumerate(("kept", "changed", "added", "removed")):
                totals[i] += int(item.get(key, 0))
        return " / ".join(str(t) for t in totals)

    def changelist_view(self, request, extra_context=None):
        scores = history_scores()
        extra_context = {
            **(extra_context or {}),
            "accuracy": [{"field": f, **r} for f, r in scores["fields"].items()],
            "reviewed": scores["count"],
        }
        return super().changelist_view(request, extra_context)
