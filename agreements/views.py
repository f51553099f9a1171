"""API v1 ViewSets for agreements, parties and people."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from minerals.models import Mineral

from .drafting import DraftFromTextMixin
from .filters import AgreementFilterSet, PartyFilterSet
from .models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    Party,
    Person,
    RelatedAgreement,
    Signature,
)
from .serializers import (
    AgreementSerializer,
    PartyDetailSerializer,
    PartySerializer,
    PersonSerializer,
)

LOOKUP_SLUG = r"[-a-zA-Z0-9_]{1,120}"


def can_view_drafts(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("agreements.view_agreement"))


def agreement_queryset(user):
    """Visible agreements with everything the representation needs, in a fixed number of queries."""
    related = RelatedAgreement.objects.select_related("to_agreement").order_by("id")
    if not can_view_drafts(user):
        related = related.filter(to_agreement__is_published=True)
    return (
        Agreement.objects.visible_to(user)
        .select_related("signed_country")
        .prefetch_related(
            Prefetch(
                "agreement_parties",
                queryset=AgreementParty.objects.select_related("party").order_by(
                    "party__code", "id"
                ),
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("person", "party").order_by("role", "id"),
            ),
            Prefetch(
                "agreement_minerals",
                queryset=AgreementMineral.objects.select_related("mineral").order_by(
                    "mineral__name", "id"
                ),
            ),
            "sources",
            Prefetch("related_links", queryset=related),
        )
    )


@extend_schema_view(
    list=extend_schema(summary="List agreements", description="Filtered, ordered and paginated."),
    retrieve=extend_schema(summary="Get an agreement"),
    create=extend_schema(summary="Create an agreement with its nested collections"),
    update=extend_schema(summary="Replace an agreement"),
    partial_update=extend_schema(
        summary="Update an agreement", description="A nested collection given replaces it whole."
    ),
    destroy=extend_schema(summary="Delete an agreement"),
)
class AgreementViewSet(DraftFromTextMixin, viewsets.ModelViewSet):
    """Agreements between governments on critical minerals."""

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_SLUG

    def get_queryset(self):
        return agreement_queryset(self.request.user)

    def _reload(self, serializer):
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_create(self, serializer):
        serializer.save()
        self._reload(serializer)

    def perform_update(self, serializer):
        serializer.save()
        self._reload(serializer)


@extend_schema_view(
    list=extend_schema(summary="List parties"),
    retrieve=extend_schema(summary="Get a party, with its partners"),
)
class PartyViewSet(viewsets.ModelViewSet):
    """States, organisations and government bodies that take part in agreements."""

    filterset_class = PartyFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]{1,12}"

    def get_serializer_class(self):
        return PartyDetailSerializer if self.action == "retrieve" else PartySerializer

    def get_queryset(self):
        visible = Q()
        if not can_view_drafts(self.request.user):
            visible = Q(agreement_parties__agreement__is_published=True)
        return Party.objects.select_related("country").annotate(
            agreement_count=Count("agreement_parties", filter=visible)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and self.kwargs.get("code"):
            context["partners"] = self._partners(self.kwargs["code"])
        return context

    def _partners(self, code):
        agreements = Agreement.objects.visible_to(self.request.user).filter(
            agreement_parties__party__code=code
        )
        rows = (
            AgreementParty.objects.filter(agreement__in=agreements.values("pk"))
            .exclude(party__code=code)
            .values("party__code", "party__name")
            .annotate(n=Count("agreement_id"))
            .order_by("-n", "party__code")
        )
        return [
            {"code": r["party__code"], "name": r["party__name"], "agreement_count": r["n"]}
            for r in rows
        ]


@extend_schema_view(
    list=extend_schema(summary="List people"),
    retrieve=extend_schema(summary="Get a person, with their signatures"),
)
class PersonViewSet(viewsets.ModelViewSet):
    """People who signed or witnessed agreements."""

    serializer_class = PersonSerializer
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_SLUG
    filterset_fields = []

    def get_queryset(self):
        signatures = Signature.objects.select_related("agreement", "party").order_by(
            "-agreement__signed_on", "agreement__slug", "id"
        )
        people = Person.objects.all()
        if not can_view_drafts(self.request.user):
            published = Signature.objects.filter(
                person=OuterRef("pk"), agreement__is_published=True
            )
            people = people.filter(Exists(published))
            signatures = signatures.filter(agreement__is_published=True)
        return people.prefetch_related(
            Prefetch("signatures", queryset=signatures, to_attr="visible_signatures")
        )


__all__ = ["AgreementViewSet", "PartyViewSet", "PersonViewSet", "Mineral"]
