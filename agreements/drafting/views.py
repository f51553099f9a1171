"""``POST /api/v1/agreements/draft-from-text/``: the extractor's proposal for a release, and
with ``save: true`` an unpublished draft created from it (the admin page built on the same
functions is drafting/admin.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from agreements import services
from agreements.commitments.services import commitment_save
from agreements.drafting.repair import commitment_rows, draft_slug, drop_invalid, proposal_fixed
from agreements.drafting.runner import draft_from_text
from agreements.drafting.serializers import (
    DraftFromTextResponseSerializer,
    DraftFromTextSerializer,
    DraftSavedResponseSerializer,
)
from agreements.sync.changelog import write


def draft_commitments_save(
    *, agreement, data: dict[str, Any], warnings: list[str]
) -> list[dict[str, Any]]:
    """The fixed proposal's commitments created for the new draft through the commitments
    service, inside the caller's write; one the model refuses is left out with a warning.
    Returns the proposal's commitments that were kept."""
    kept = []
    for item, row in zip(data.get("commitments") or [], commitment_rows(data), strict=True):
        try:
            commitment_save(agreement=agreement, data=row, responsible_parties=[])
        except DjangoValidationError as exc:
            warnings.append(f"commitment “{row['text'][:60]}” not kept: {'; '.join(exc.messages)}")
            continue
        kept.append(item)
    return kept


class CanAddAgreements(BasePermission):
    """Drafting is an editor's task: the user needs ``agreements.add_agreement``."""

    def has_permission(self, request, view):
        return request.user.has_perm("agreements.add_agreement")


class DraftFromTextMixin:
    """``POST /agreements/draft-from-text/`` for the agreement ViewSet."""

    @extend_schema(
        summary="Draft an agreement from a press release",
        description=(
            "Runs the rule-based extractor over the text of a press release and returns "
            "the proposed agreement, the evidence for each field (offsets into the text) and "
            "warnings. Nothing is saved unless `save` is true: then the proposal, with invalid "
            "parts dropped (each with a warning), is created as an unpublished draft (201) "
            "with the proposed commitments (open, the release as their source). "
            "Needs the `agreements.add_agreement` permission."
        ),
        request=DraftFromTextSerializer,
        responses={200: DraftFromTextResponseSerializer, 201: DraftSavedResponseSerializer},
        examples=[
            OpenApiExample(
                "Founding release",
                request_only=True,
                value={
                    "text": " date 2026-02-05 Department for Business & Trade\nNew UK-US "
                    "partnership to drive investment and bolster critical minerals supply "
                    "chains\nThe UK and US have signed a Memorandum of Understanding on "
                    "critical minerals in Washington DC. …",
                    "published_on": "2026-02-05",
                    "source_url": "https://www.gov.uk/government/news/new-uk-us-partnership",
                    "save": False,
                },
            )
        ],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="draft-from-text",
        permission_classes=[IsAuthenticated, CanAddAgreements],
        filter_backends=[],
        pagination_class=None,
    )
    def draft_from_text(self, request, *args, **kwargs):
        from agreements.drafting.proposals import record_proposal

        params = DraftFromTextSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        extraction = draft_from_text(
            p["text"],
            p["published_on"],
            source_url=p.get("source_url"),
            publisher=p.get("publisher"),
        )
        body = extraction.as_dict()
        if not p["save"]:
            return Response(body)
        warnings = body["warnings"]
        serializer = self._draft_serializer(
            proposal_fixed(extraction.proposal, p["published_on"], warnings), warnings
        )
        with write():
            agreement = services.agreement_save(user=request.user, **serializer.write_arguments())
            kept = draft_commitments_save(
                agreement=agreement, data=serializer.initial_data, warnings=warnings
            )
            serializer.initial_data["commitments"] = kept
            serializer.instance = agreement
            record_proposal(
                agreement, extraction.proposal, source="api", text=p["text"], user=request.user
            )
        saved = serializer.data
        proposal = {k: v for k, v in serializer.initial_data.items() if k != "slug"}
        # The serializer's url is a DRF Hyperlink (a str subclass); WSGI servers such as
        # wsgiref accept only plain str header values.
        url = str(saved["url"])
        body.update(proposal=proposal, url=url, slug=saved["slug"])
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": url})

    def _draft_serializer(self, data: dict[str, Any], warnings: list[str]):
        """An AgreementSerializer that validates, after dropping what the rules refuse."""
        context = {**self.get_serializer_context(), "publish_allowed": False}
        serializer_class = self.get_serializer_class()
        data["slug"] = draft_slug(data)
        for _ in range(6):
            serializer = serializer_class(data=data, context=context)
            if serializer.is_valid():
                return serializer
            if not drop_invalid(data, serializer.errors, warnings):
                break
        serializer.is_valid(raise_exception=True)
        return serializer
