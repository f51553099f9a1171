"""API v1 ViewSets for agreements, parties and people."""

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from agreements import services
from agreements.api import representation
from agreements.api.filters import AgreementFilterSet, PartyFilterSet, PersonFilterSet
from agreements.api.party_serializers import (
    PartyDetailSerializer,
    PartySerializer,
    PersonSerializer,
)
from agreements.api.provenance import ProvenanceSerializer, claims_replace, provenance_json
from agreements.api.serializers import AgreementSerializer
from agreements.api.spec import agreement_spec, prefetches, select_related
from agreements.drafting.views import DraftFromTextMixin
from agreements.models import (
    Agreement,
    AgreementParty,
    Party,
    Person,
    Signature,
)
from agreements.sync.changelog import OneWriteMixin, lock_writes, write
from agreements.sync.export import FORMATS, streaming_response
from agreements.sync.history import agreement_history
from agreements.sync.serializers import HistoryEntrySerializer
from config.api.conditional import (
    cached_count,
    cached_json,
    check_if_match,
    etag_for,
    json_response,
    preconditions,
)
from config.api.permissions import can_view_drafts
from config.api.query import LOOKUP_SLUG, StrictQueryParamsMixin
from config.api.serializers import raise_model_errors


def agreement_queryset(user):
    """Visible agreements with everything the representation needs, in a fixed number of queries."""
    spec = agreement_spec()
    return (
        Agreement.objects.visible_to(user)
        .select_related(*select_related(spec))
        .prefetch_related(*prefetches(spec, include_drafts=can_view_drafts(user)))
    )


def audience(user) -> str:
    """Cache partition: everyone who may see drafts sees the same data, everyone else too."""
    return "drafts" if can_view_drafts(user) else "public"


class ExportNegotiation(BaseContentNegotiation):
    """The export streams CSV or JSON Lines itself; errors are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETag of the representation this change is based on; a stale one gives 412.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="ETag the client holds; if it is still current the answer is 304, no body.",
)


@extend_schema_view(
    list=extend_schema(
        summary="List agreements",
        description="Filtered, ordered and paginated. Carries an ETag.",
        parameters=[IF_NONE_MATCH],
    ),
    retrieve=extend_schema(summary="Get an agreement", parameters=[IF_NONE_MATCH]),
    create=extend_schema(summary="Create an agreement with its nested collections"),
    update=extend_schema(summary="Replace an agreement", parameters=[IF_MATCH]),
    partial_update=extend_schema(
        summary="Update an agreement",
        description="A nested collection given replaces it whole.",
        parameters=[IF_MATCH],
    ),
    destroy=extend_schema(summary="Delete an agreement", parameters=[IF_MATCH]),
)
class AgreementViewSet(StrictQueryParamsMixin, DraftFromTextMixin, viewsets.ModelViewSet):
    """Agreements between governments on critical minerals."""

    filtered_actions = ("list", "export")
    extra_query_params = {"export": ("format",)}

    serializer_class = AgreementSerializer
    filterset_class = AgreementFilterSet
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_SLUG
    checks_if_match = True

    def get_queryset(self):
        return agreement_queryset(self.request.user)

    # Reads: the fast path (agreements.api.representation), cached by data version, with ETags.

    def list(self, request, *args, **kwargs):
        include = can_view_drafts(request.user)

        def build():
            queryset = self.filter_queryset(Agreement.objects.visible_to(request.user))
            paginator = self.paginator
            limit, offset = paginator.get_limit(request), paginator.get_offset(request)
            count, results = representation.page(
                queryset,
                request,
                include_drafts=include,
                limit=limit,
                offset=offset,
                count=lambda: cached_count(request, audience(request.user), queryset),
            )
            paginator.count, paginator.limit, paginator.offset = count, limit, offset
            paginator.request = request
            links = orjson.dumps(
                {"next": paginator.get_next_link(), "previous": paginator.get_previous_link()}
            )
            return b'{"count":%d,%s,"results":%s}' % (count, links[1:-1], results)

        return cached_json(request, audience(request.user), build)

    def _current(self, slug) -> bytes | None:
        visible = Agreement.objects.visible_to(self.request.user).filter(slug=slug)
        return representation.one_json(
            visible, self.request, include_drafts=can_view_drafts(self.request.user)
        )

    def retrieve(self, request, *args, **kwargs):
        response = cached_json(
            request, audience(request.user), lambda: self._current(kwargs["slug"])
        )
        if response is None:
            raise NotFound()
        return response

    # Writes: validated first, without the lock, so bad input never makes other writers
    # wait; then one write (agreements.services): under the write lock, If-Match is checked
    # against what is stored, so of two writers holding the same ETag exactly one wins.

    def _save(self, agreement, serializer) -> Agreement:
        user = self.request.user if self.request.user.is_authenticated else None
        try:
            return services.agreement_save(
                agreement=agreement, user=user, **serializer.write_arguments()
            )
        except DjangoValidationError as exc:
            raise_model_errors(exc)

    def _locked_current(self) -> Agreement:
        """The stored agreement, read again under the write lock, if the client's
        preconditions (If-Match, If-None-Match) hold against what is stored."""
        lock_writes()
        visible = Agreement.objects.visible_to(self.request.user)
        instance = get_object_or_404(visible, slug=self.kwargs["slug"])
        self.check_object_permissions(self.request, instance)
        meta = self.request.META
        if "HTTP_IF_MATCH" in meta or "HTTP_IF_NONE_MATCH" in meta:
            check_if_match(self.request, self._current(instance.slug))
        return instance

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = self._save(None, serializer)
        location = {"Location": representation.agreement_url(request, agreement.slug)}
        return json_response(request, self._current(agreement.slug), 201, location)

    def update(self, request, *args, partial=False, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with write():
            agreement = self._save(self._locked_current(), serializer)
        return json_response(request, self._current(agreement.slug))

    def destroy(self, request, *args, **kwargs):
        with write():
            services.agreement_delete(agreement=self._locked_current())
        return Response(status=204)

    @extend_schema(
        summary="Change history of an agreement",
        description="One entry per write, newest first. Anonymous clients see only the "
        "published versions.",
        responses=HistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, slug=None):
        agreement = Agreement.objects.visible_to(request.user).filter(slug=slug).first()
        if agreement is None:
            raise NotFound()
        return Response(agreement_history(agreement, include_drafts=can_view_drafts(request.user)))

    @extend_schema(
        methods=["GET"],
        summary="Provenance of an agreement's facts",
        description="Every claim: which source gives which value of which field (or nested "
        "row), in its own words, and whether it is verified, uncertain or disputed. Anonymous "
        "clients see the claims of published agreements only.",
        responses=ProvenanceSerializer,
    )
    @extend_schema(
        methods=["PUT"],
        summary="Replace the provenance of an agreement",
        description="The claims given replace the stored ones (needs the change permission).",
        request=ProvenanceSerializer,
        responses=ProvenanceSerializer,
        parameters=[IF_MATCH],
    )
    @action(
        detail=True,
        methods=["get", "put"],
        pagination_class=None,
        filterset_class=None,
        serializer_class=ProvenanceSerializer,
    )
    def provenance(self, request, slug=None):
        if request.method == "GET":
            agreement = Agreement.objects.visible_to(request.user).filter(slug=slug).first()
            if agreement is None:
                raise NotFound()
            body = provenance_json(agreement)
            not_modified = preconditions(request, etag_for(body))
            if not_modified is not None:
                return not_modified
            return json_response(request, body)
        with write():
            agreement = self.get_object()
            check_if_match(request, provenance_json(agreement))
            serializer = ProvenanceSerializer(data=request.data, context={"agreement": agreement})
            serializer.is_valid(raise_exception=True)
            claims_replace(agreement=agreement, items=serializer.validated_data["claims"])
        return json_response(request, provenance_json(agreement))

    @extend_schema(
        summary="Export agreements as CSV or JSON Lines",
        description="Every agreement matching the list filters, streamed in constant memory "
        "(ordered by creation). CSV has one row per agreement with parties, signatories, "
        "minerals and sources joined; JSON Lines has one representation per line.",
        filters=True,
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["csv", "jsonl"],
                description="`csv` (default) or `jsonl`.",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/jsonl"): OpenApiTypes.STR,
        },
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        content_negotiation_class=ExportNegotiation,
    )
    def export(self, request):
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise ValidationError({"format": [f"Choose one of: {', '.join(FORMATS)}."]})
        queryset = self.filter_queryset(Agreement.objects.visible_to(request.user))
        return streaming_response(
            queryset, request, fmt, include_drafts=can_view_drafts(request.user)
        )


@extend_schema_view(
    list=extend_schema(summary="List parties"),
    retrieve=extend_schema(summary="Get a party, with its partners"),
    # Partners are read-only: the request body is the party's own fields either way.
    update=extend_schema(request=PartySerializer, responses=PartyDetailSerializer),
    partial_update=extend_schema(request=PartySerializer, responses=PartyDetailSerializer),
)
class PartyViewSet(StrictQueryParamsMixin, OneWriteMixin, viewsets.ModelViewSet):
    """States, organisations and government bodies that take part in agreements."""

    filterset_class = PartyFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9-]{1,12}"

    def get_serializer_class(self):
        # Writes answer with the same representation GET gives (partners included).
        detail = self.action in ("retrieve", "update", "partial_update")
        return PartyDetailSerializer if detail else PartySerializer

    def get_queryset(self):
        visible = Q()
        if not can_view_drafts(self.request.user):
            visible = Q(agreement_parties__agreement__is_published=True)
        return Party.objects.select_related("country").annotate(
            agreement_count=Count("agreement_parties", filter=visible)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action in ("retrieve", "update", "partial_update") and self.kwargs.get("code"):
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
class PersonViewSet(StrictQueryParamsMixin, OneWriteMixin, viewsets.ModelViewSet):
    """People who signed or witnessed agreements."""

    serializer_class = PersonSerializer
    lookup_field = "slug"
    lookup_value_regex = LOOKUP_SLUG
    filterset_class = PersonFilterSet

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
