"""GET /api/v1/changes/: the ordered feed of created, updated and deleted resources."""

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from agreements.models import ChangeAction, ChangeEvent, ChangeResource
from agreements.sync.serializers import ChangesPageSerializer
from config.api.permissions import can_view_drafts
from config.api.query import StrictQueryParamsMixin

MAX_LIMIT = 1000


class ChangesQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(
        min_value=0, max_value=2**62, default=0, help_text="Cursor: changes after this one."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=100, help_text="Changes per page (≤1000)."
    )
    resource = serializers.MultipleChoiceField(
        choices=ChangeResource.choices, required=False, help_text="Only these resource kinds."
    )


def public_action(event: ChangeEvent) -> str:
    """What an anonymous reader saw happen: publishing is creation, unpublishing deletion."""
    if not event.visible_before:
        return ChangeAction.CREATED
    if not event.visible_after:
        return ChangeAction.DELETED
    return event.action


class ChangeViewSet(StrictQueryParamsMixin, viewsets.GenericViewSet):
    """Every change to agreements and reference data, in commit order, for mirroring."""

    permission_classes = [AllowAny]
    pagination_class = None
    # list answers one ChangesPage object, not an array of them (config.api.openapi).
    schema_single_object = True
    filter_backends = []
    extra_query_params = {"list": ("since", "limit", "resource")}
    repeatable_query_params = ("resource",)
    queryset = ChangeEvent.objects.none()

    @extend_schema(
        summary="Changes feed",
        description="Events in commit order. Start with `since=0`, store `cursor`, resume "
        "with `since=<cursor>`; fetch each created or updated resource, drop deleted ones. "
        "Anonymous readers see publishing as creation and unpublishing as deletion.",
        parameters=[
            OpenApiParameter(
                "since",
                {"type": "integer", "minimum": 0, "maximum": 2**62, "default": 0},
                description="Cursor: changes after this one (default 0, from the start).",
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
                description=f"Page size, 1–{MAX_LIMIT} (default 100). A page shorter than "
                "`limit` is the end of the feed for now (`next` is null).",
            ),
            OpenApiParameter(
                "resource",
                OpenApiTypes.STR,
                many=True,
                enum=ChangeResource.values,
                description="Only these resource kinds (repeatable).",
            ),
        ],
        responses=ChangesPageSerializer,
    )
    def list(self, request):
        params = ChangesQuerySerializer(
            data={
                k: (request.query_params.getlist(k) if k == "resource" else v)
                for k, v in request.query_params.items()
                if k in ("since", "limit", "resource")
            }
        )
        params.is_valid(raise_exception=True)
        since, limit = params.validated_data["since"], params.validated_data["limit"]
        events = ChangeEvent.objects.filter(id__gt=since).order_by("id")
        if params.validated_data.get("resource"):
            events = events.filter(resource__in=params.validated_data["resource"])
        public = not can_view_drafts(request.user)
        if public:
            events = events.filter(Q(visible_before=True) | Q(visible_after=True), public=True)
        page = list(events[:limit])
        results = [
            {
                "cursor": e.id,
                "resource": e.resource,
                "key": e.key,
                "action": public_action(e) if public else e.action,
                "at": e.at,
            }
            for e in page
        ]
        cursor = page[-1].id if page else since
        next_url = None
        if len(page) == limit:
            next_url = replace_query_param(request.build_absolute_uri(), "since", cursor)
        return Response(
            ChangesPageSerializer({"results": results, "cursor": cursor, "next": next_url}).data
        )
