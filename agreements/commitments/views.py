"""/api/v1/commitments/: what agreements promise, filterable, with ETags and If-Match."""

import orjson
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agreements.api.views import IF_MATCH, IF_NONE_MATCH
from agreements.commitments.filters import CommitmentFilterSet
from agreements.commitments.serializers import CommitmentSerializer
from agreements.commitments.services import commitment_delete
from agreements.models import Commitment
from agreements.sync.changelog import lock_writes, revision_scope
from agreements.sync.history import commitment_history
from agreements.sync.serializers import CommitmentHistoryEntrySerializer
from config.api.conditional import check_if_match, etag_for, json_response, preconditions
from config.api.permissions import can_view_drafts
from config.api.query import StrictQueryParamsMixin

KEY_PATTERN = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


@extend_schema_view(
    list=extend_schema(
        summary="List commitments",
        description="What agreements promise, filtered and ordered (default: by due date). "
        "Anonymous clients see the commitments of published agreements only.",
    ),
    retrieve=extend_schema(summary="Get a commitment", parameters=[IF_NONE_MATCH]),
    create=extend_schema(summary="Record a commitment of an agreement"),
    update=extend_schema(summary="Replace a commitment", parameters=[IF_MATCH]),
    partial_update=extend_schema(summary="Update a commitment", parameters=[IF_MATCH]),
    destroy=extend_schema(summary="Delete a commitment", parameters=[IF_MATCH]),
)
class CommitmentViewSet(StrictQueryParamsMixin, viewsets.ModelViewSet):
    """Commitments: promises made in agreements, their due dates and whether they were kept."""

    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN
    checks_if_match = True

    def get_queryset(self):
        return (
            Commitment.objects.visible_to(self.request.user)
            .select_related("agreement")
            .prefetch_related("responsible_parties")
            .order_by("due_on", "id")
        )

    def _body(self, instance) -> bytes:
        instance = self.get_queryset().get(pk=instance.pk)
        return orjson.dumps(self.get_serializer(instance).data)

    def retrieve(self, request, *args, **kwargs):
        body = self._body(self.get_object())
        return preconditions(request, etag_for(body)) or json_response(request, body)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic(), revision_scope():
            commitment = serializer.save()
        body = self._body(commitment)
        location = {"Location": orjson.loads(body)["url"]}
        return json_response(request, body, 201, location)

    def update(self, request, *args, partial=False, **kwargs):
        with transaction.atomic(), revision_scope():
            lock_writes()
            instance = self.get_object()
            check_if_match(request, self._body(instance))
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            commitment = serializer.save()
        return json_response(request, self._body(commitment))

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic(), revision_scope():
            lock_writes()
            instance = self.get_object()
            check_if_match(request, self._body(instance))
            commitment_delete(commitment=instance)
        return Response(status=204)

    @extend_schema(
        summary="Change history of a commitment",
        description="One entry per write, newest first, with the fields it changed. "
        "Anonymous clients see only the states they could see: writes made while the "
        "agreement was published, and the state it was published with (writes made while "
        "it was a draft show only as part of that). The agreement's history lists the same "
        "writes among its own.",
        responses=CommitmentHistoryEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, key=None):
        commitment = self.get_object()
        include = can_view_drafts(request.user)
        return Response(commitment_history(commitment, include_drafts=include))
