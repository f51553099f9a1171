"""List filters of the minerals and mineral-lists endpoints."""

import django_filters as filters

from agreements.models import Party

from .models import Mineral, MineralList


class MineralFilterSet(filters.FilterSet):
    group = filters.ModelChoiceFilter(
        queryset=Mineral.objects.all(), to_field_name="slug", help_text="Members of this group."
    )
    list = filters.ModelChoiceFilter(
        queryset=MineralList.objects.all(),
        to_field_name="slug",
        field_name="list_entries__mineral_list",
        help_text="Minerals on this list (list slug).",
    )
    q = filters.CharFilter(method="filter_q", max_length=200, help_text="Name or alias contains.")

    class Meta:
        model = Mineral
        fields = []

    def filter_q(self, qs, name, value):
        from django.db.models import Exists, OuterRef, Q

        from .models import MineralAlias

        alias = MineralAlias.objects.filter(mineral=OuterRef("pk"), name__icontains=value)
        return qs.filter(Q(name__icontains=value) | Exists(alias))


class MineralListFilterSet(filters.FilterSet):
    jurisdiction = filters.ModelChoiceFilter(
        queryset=Party.objects.all(), to_field_name="code", help_text="Party code of the publisher."
    )

    class Meta:
        model = MineralList
        fields = []
