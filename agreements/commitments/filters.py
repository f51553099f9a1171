"""List filters of /api/v1/commitments/ (each documented in the schema)."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import ErrorDetail, ValidationError

from agreements import natural_keys
from agreements.models import (
    Agreement,
    AgreementParty,
    Commitment,
    CommitmentKind,
    CommitmentStatus,
    period_ends_on_or_after,
)
from config.api.filters import (
    KEY_SCHEMA,
    DocumentedStringFilter,
    KeyMultipleChoiceFilter,
    KeyOrderingFilter,
    SearchFilter,
)

PRECISION_RULE = (
    " A due date known only to the month (or year) counts if any day of that month (or year) fits."
)


def responsible_for(qs, party_ids):
    """Commitments any of these parties is responsible for: named among the responsible
    parties, or a party to the agreement when none is named."""
    through = Commitment.responsible_parties.through.objects
    named = through.filter(commitment=OuterRef("pk"), party_id__in=party_ids)
    any_named = through.filter(commitment=OuterRef("pk"))
    member = AgreementParty.objects.filter(
        agreement=OuterRef("agreement_id"), party_id__in=party_ids
    )
    return qs.filter(Q(Exists(named)) | (~Q(Exists(any_named)) & Q(Exists(member))))


class AgreementSlugFilter(DocumentedStringFilter, filters.CharFilter):
    schema = KEY_SCHEMA


class CommitmentFilterSet(filters.FilterSet):
    agreement = AgreementSlugFilter(
        method="filter_agreement",
        help_text="Agreement slug (any case): its commitments. An agreement you cannot see "
        "is unknown (400).",
    )
    party = KeyMultipleChoiceFilter(
        lookup=natural_keys.party_ids,
        what="party code",
        method="filter_party",
        help_text="Party code; repeat for several: commitments any of them is responsible "
        "for (named among the responsible parties, or a party to the agreement when none is "
        "named).",
    )
    kind = filters.MultipleChoiceFilter(
        choices=CommitmentKind.choices, help_text="Kind of promise; repeat for several."
    )
    status = filters.MultipleChoiceFilter(
        choices=CommitmentStatus.choices, help_text="Status; repeat for several."
    )
    due_after = filters.DateFilter(
        method="filter_due_after",
        help_text="Due on or after this date (YYYY-MM-DD)." + PRECISION_RULE,
    )
    due_before = filters.DateFilter(
        field_name="due_on",
        lookup_expr="lte",
        help_text="Due on or before this date (YYYY-MM-DD)." + PRECISION_RULE,
    )
    overdue_on = filters.DateFilter(
        method="filter_overdue_on",
        help_text="Overdue on this date (YYYY-MM-DD): status `open` and due strictly before "
        "it (due that very day is not overdue). A month- or year-precision due date is "
        "overdue only once its whole month or year has passed.",
    )
    q = SearchFilter(
        method="filter_q",
        help_text="Words (all of them, any case) in the promise's text or the agreement's title.",
    )
    updated_after = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="Changed strictly after this ISO 8601 timestamp (full precision), for sync.",
    )
    ordering = KeyOrderingFilter(
        fields=(
            ("due_on", "due_on"),
            ("status_on", "status_on"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        default="due_on",
        tie="id",
        help_text="Sort key, `-` for descending: due_on, status_on, created_at, updated_at. "
        "Default `due_on`; empty dates last; ties in the order commitments were recorded.",
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_agreement(self, qs, name, value):
        visible = Agreement.objects.visible_to(getattr(self.request, "user", None))
        agreement_id = (
            visible.filter(slug=value.strip().lower()).values_list("pk", flat=True).first()
        )
        if agreement_id is None:
            raise ValidationError(
                {name: [ErrorDetail(f"Unknown agreement: {value[:120]}.", code="invalid_choice")]}
            )
        return qs.filter(agreement_id=agreement_id)

    def filter_party(self, qs, name, value):
        return responsible_for(qs, value) if value else qs

    def filter_due_after(self, qs, name, value):
        return qs.filter(period_ends_on_or_after("due_on", value))

    def filter_overdue_on(self, qs, name, value):
        return qs.overdue_on(value)

    def filter_q(self, qs, name, value):
        for term in value.split():
            qs = qs.filter(Q(text__icontains=term) | Q(agreement__title__icontains=term))
        return qs
