"""API v1 ViewSets for minerals and criticality lists."""

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from agreements.models import Agreement, AgreementMineral
from agreements.sync.changelog import OneWriteMixin
from config.api.permissions import can_view_drafts
from config.api.query import LOOKUP_SLUG, StrictQueryParamsMixin

from .filters import MineralFilterSet, MineralListFilterSet
from .models import Mineral, MineralAlias, MineralList, MineralListEntry
from .serializers import MineralListSerializer, MineralSerializer


def agreement_count(user) -> Subquery:
    """Visible agreements covering the outer mineral or one of its members, as one subquery."""
    covering = AgreementMineral.objects.filter(
        Q(mineral=OuterRef(OuterRef("pk"))) | Q(mineral__group=OuterRef(OuterRef("pk"))),
        agreement=OuterRef("pk"),
    )
    agreements = Agreement.objects.filter(Exists(covering))
    if not can_view_drafts(user):
        agreements = agreements.filter(is_published=True)
    counted = agreements.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Subquery(counted.values("n"), output_field=IntegerField())


@extend_schema_view(
    list=extend_schema(summary="List minerals"),
    retrieve=extend_schema(summary="Get a mineral, with its members, lists and agreement count"),
)
class MineralViewSet(StrictQueryParamsMixin, OneWriteMixin, viewsets.ModelViewSet):
    """Minerals, elements and groups as agreements and criticality lists name them."""

    serializer_class = MineralSerializer
    filterset_class = MineralFilterSet
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_SLUG

    def get_queryset(self):
        return (
            Mineral.objects.select_related("group")
            .annotate(agreement_count=Coalesce(agreement_count(self.request.user), 0))
            .prefetch_related(
                Prefetch("aliases", queryset=MineralAlias.objects.order_by("name")),
                Prefetch("members", queryset=Mineral.objects.order_by("slug")),
                Prefetch(
                    "list_entries",
                    queryset=MineralListEntry.objects.select_related("mineral_list").order_by(
                        "mineral_list__slug"
                    ),
                ),
            )
        )


@extend_schema_view(
    list=extend_schema(summary="List criticality lists"),
    retrieve=extend_schema(summary="Get a criticality list with its entries"),
)
class MineralListViewSet(StrictQueryParamsMixin, OneWriteMixin, viewsets.ModelViewSet):
    """Official criticality lists (UK, US, EU …), each entry under the list's own label."""

    serializer_class = MineralListSerializer
    filterset_class = MineralListFilterSet
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_SLUG

    def get_queryset(self):
        return MineralList.objects.select_related("jurisdiction").prefetch_related(
            Prefetch(
                "entries",
                queryset=MineralListEntry.objects.select_related("mineral").order_by("label", "id"),
            )
        )
