"""List filters of the agreements and parties endpoints (each documented in the schema)."""

import django_filters as filters
from django import forms
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Exists, OuterRef

from agreements import natural_keys
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Party,
    PartyKind,
    Person,
    period_ends_on_or_after,
)
from config.api.filters import (
    DocumentedStringFilter,
    EnumChoiceFilter,
    KeyMultipleChoiceFilter,
    KeyOrderingFilter,
    SearchFilter,
    known_keys,
)


class PartyCodeListField(forms.CharField):
    """A comma-separated list of existing party codes (``GB,US``) → their ids."""

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        codes = [c.strip() for c in value.split(",")]
        if not all(codes):
            raise forms.ValidationError(
                "Give one or more party codes separated by commas.", code="invalid"
            )
        if len(codes) > 20:
            raise forms.ValidationError("Give at most 20 party codes.", code="invalid")
        return known_keys(codes, natural_keys.party_ids(), "party code")


class PartyCodeListFilter(DocumentedStringFilter, filters.Filter):
    schema = {"type": "string", "minLength": 1, "maxLength": 400}
    field_class = PartyCodeListField


LEGALLY_BINDING = (("true", "true"), ("false", "false"), ("unknown", "unknown"))


class AgreementFilterSet(filters.FilterSet):
    party = KeyMultipleChoiceFilter(
        lookup=natural_keys.party_ids,
        what="party code",
        method="filter_party",
        help_text="Party code; repeat for several: agreements any of them takes part in.",
    )
    between = PartyCodeListFilter(
        method="filter_between",
        help_text="Comma-separated party codes (`GB,US`): agreements all of them take part in.",
    )
    mineral = KeyMultipleChoiceFilter(
        lookup=natural_keys.mineral_ids,
        what="mineral",
        method="filter_mineral",
        help_text="Mineral slug; repeat for several: agreements covering any of them. "
        "A group (`rare-earth-elements`) also matches its members.",
    )
    status = filters.MultipleChoiceFilter(
        choices=AgreementStatus.choices, help_text="Status; repeat for several."
    )
    kind = filters.MultipleChoiceFilter(
        choices=AgreementKind.choices, help_text="Kind of instrument; repeat for several."
    )
    legally_binding = EnumChoiceFilter(
        choices=LEGALLY_BINDING,
        method="filter_legally_binding",
        help_text="`true`, `false` or `unknown`.",
    )
    signed_after = filters.DateFilter(
        method="filter_signed_after",
        help_text="Signed on or after (YYYY-MM-DD). A signing date known only to the month "
        "(or year) counts if any day of that month (or year) is on or after it.",
    )
    signed_before = filters.DateFilter(
        field_name="signed_on",
        lookup_expr="lte",
        help_text="Signed on or before (YYYY-MM-DD). A signing date known only to the month "
        "(or year) counts if any day of that month (or year) is on or before it.",
    )
    in_force_on = filters.DateFilter(
        method="filter_in_force_on",
        help_text="In force on this date: started (effective, else signed) on or before it, "
        "and neither expired nor terminated on or before it. Planned agreements never are. "
        "Month- or year-precision dates count if any day of their period fits.",
    )
    q = SearchFilter(
        method="filter_q",
        help_text="Full-text search over title, summary, signatories' names, place and minerals.",
    )
    updated_after = filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gt",
        help_text="Changed strictly after this ISO 8601 timestamp (full precision), for sync.",
    )
    ordering = KeyOrderingFilter(
        fields=(
            ("signed_on", "signed_on"),
            ("effective_on", "effective_on"),
            ("announced_on", "announced_on"),
            ("title", "title"),
            ("slug", "slug"),
            ("created_at", "created_at"),
            ("updated_at", "updated_at"),
        ),
        default="-signed_on",
        tie="slug",
        help_text="Sort key, `-` for descending: signed_on, effective_on, announced_on, title, "
        "slug, created_at, updated_at. Default `-signed_on`; ties broken by slug; empty last.",
    )

    class Meta:
        model = Agreement
        fields = []

    def filter_party(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(
            Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), party_id__in=value))
        )

    def filter_between(self, qs, name, value):
        for party_id in value or []:
            qs = qs.filter(
                Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), party_id=party_id))
            )
        return qs

    def filter_mineral(self, qs, name, value):
        if not value:
            return qs
        covered = {pk for mineral_id, members in value for pk in (mineral_id, *members)}
        return qs.filter(
            Exists(
                AgreementMineral.objects.filter(agreement=OuterRef("pk"), mineral_id__in=covered)
            )
        )

    def filter_legally_binding(self, qs, name, value):
        if value == "unknown":
            return qs.filter(legally_binding__isnull=True)
        return qs.filter(legally_binding=(value == "true"))

    def filter_signed_after(self, qs, name, value):
        return qs.filter(period_ends_on_or_after("signed_on", value))

    def filter_in_force_on(self, qs, name, value):
        return qs.in_force(value)

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        if connection.vendor == "postgresql":
            return qs.filter(
                search_vector=SearchQuery(value, config="english", search_type="websearch")
            )
        for term in value.split():
            qs = qs.filter(search_text__icontains=term)
        return qs


class PartyFilterSet(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=PartyKind.choices, help_text="Kind; repeatable.")
    q = SearchFilter(field_name="name", lookup_expr="icontains", help_text="Name contains.")
    ordering = KeyOrderingFilter(
        fields=(("code", "code"), ("name", "name"), ("agreement_count", "agreement_count")),
        default="name",
        tie="code",
        help_text="Sort key, `-` for descending: code, name, agreement_count. Default `name`; "
        "ties broken by code.",
    )

    class Meta:
        model = Party
        fields = []


class PersonFilterSet(filters.FilterSet):
    q = SearchFilter(field_name="name", lookup_expr="icontains", help_text="Name contains.")
    ordering = KeyOrderingFilter(
        fields=(("name", "name"), ("slug", "slug")),
        default="name",
        tie="slug",
        help_text="Sort key, `-` for descending: name, slug. Default `name`; ties broken by slug.",
    )

    class Meta:
        model = Person
        fields = []
