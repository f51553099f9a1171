"""List filters of the minerals and mineral-lists endpoints."""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q

from agreements import natural_keys
from config.api.filters import KeyChoiceFilter, KeyOrderingFilter, SearchFilter

from .models import Mineral, MineralAlias, MineralList


class MineralFilterSet(filters.FilterSet):
    group = KeyChoiceFilter(
        lookup=natural_keys.mineral_ids,
        what="mineral",
        field_name="group",
        help_text="Members of this group (slug, name or alias, any case).",
    )
    list = KeyChoiceFilter(
        lookup=natural_keys.mineral_list_ids,
        what="list",
        field_name="list_entries__mineral_list",
        help_text="Minerals on this list (list slug, any case).",
    )
    q = SearchFilter(method="filter_q", help_text="Name or alias contains.")
    ordering = KeyOrderingFilter(
        fields=(("slug", "slug"), ("name", "name"), ("agreement_count", "agreement_count")),
        default="name",
        tie="slug",
        help_text="Sort key, `-` for descending: slug, name, agreement_count. Default `name`; "
        "ties broken by slug.",
    )

    class Meta:
        model = Mineral
        fields = []

    def filter_q(self, qs, name, value):
        alias = MineralAlias.objects.filter(mineral=OuterRef("pk"), name__icontains=value)
        return qs.filter(Q(name__icontains=value) | Exists(alias))


class MineralListFilterSet(filters.FilterSet):
    jurisdiction = KeyChoiceFilter(
        lookup=natural_keys.party_ids,
        what="party code",
        field_name="jurisdiction",
        help_text="Party code of the publisher (any case).",
    )
    ordering = KeyOrderingFilter(
        fields=(("slug", "slug"), ("name", "name"), ("published_on", "published_on")),
        default="-published_on",
        tie="slug",
        help_text="Sort key, `-` for descending: slug, name, published_on. Default "
        "`-published_on`; ties broken by slug.",
    )

    class Meta:
        model = MineralList
        fields = []
