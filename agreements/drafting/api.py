"""Drafting an agreement from a press release: the extractor wired to the database and the API.

- ``vocabulary_from_db()`` gives the extractor the parties and minerals the database holds.
- ``draft_from_text()`` runs the extractor; ``proposal_fixed()`` turns its proposal into one
  that passes the agreement rules (gaps filled, contradictions dropped, each with a warning).
- ``DraftFromTextMixin`` adds ``POST /api/v1/agreements/draft-from-text/`` to the agreement
  ViewSet; with ``save: true`` it creates an unpublished draft through AgreementSerializer.

The admin page built on the same functions lives in ``drafting_admin.py``.
"""

from __future__ import annotations

import copy
import datetime
import multiprocessing
import threading
from typing import Any

import pycountry
from django.conf import settings
from django.db import transaction
from django.db.models import F
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from agreements.extraction import Extraction, Vocabulary, extract
from agreements.extraction.vocabulary import _pycountry_names, gazetteer
from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Party,
    PartyKind,
    Person,
    Signature,
    SignatureRole,
    SourceKind,
    Stage,
    unique_slug,
)
from agreements.sync.changelog import revision_scope
from config.api.data_version import data_version
from config.api.strict import StrictTypesMixin
from minerals.models import Mineral, MineralAlias

# A press release is a few thousand characters (the longest of the development set is 3 400);
# the cap leaves room for long ones with annexes and refuses what is not a release.
MAX_TEXT_CHARS = 20_000

# ---------------------------------------------------------------------------
# Vocabulary from the database
# ---------------------------------------------------------------------------

_vocabulary_lock = threading.Lock()
_vocabulary_cache: dict[str, Any] = {"key": None, "vocabulary": None}


def build_vocabulary() -> Vocabulary:
    """A ``Vocabulary`` of every party and mineral in the database, with all their names."""
    parties: dict[str, list[str]] = {}
    for code, name, kind in Party.objects.order_by("code").values_list("code", "name", "kind"):
        names = [name]
        if kind == PartyKind.STATE:
            country = pycountry.countries.get(alpha_2=code)
            if country is not None:
                names += _pycountry_names(country)
        parties[code] = list(dict.fromkeys(n for n in names if n))
    minerals: dict[str, list[str]] = {}
    groups: dict[str, str] = {}
    for slug, name, group in Mineral.objects.order_by("slug").values_list(
        "slug", "name", "group__slug"
    ):
        minerals[slug] = [name]
        if group:
            groups[slug] = group
    for slug, alias in MineralAlias.objects.order_by("mineral__slug", "name").values_list(
        "mineral__slug", "name"
    ):
        minerals[slug].append(alias)
    # People already recorded, with the party of their latest signature: a name the rules
    # alone would miss is still found, and brings its party.
    people: dict[str, str | None] = dict.fromkeys(Person.objects.values_list("name", flat=True))
    for name, code in Signature.objects.order_by(
        F("agreement__signed_on").asc(nulls_first=True), "pk"
    ).values_list("person__name", "party__code"):
        people[name] = code or people.get(name)
    return Vocabulary(parties=parties, minerals=minerals, mineral_groups=groups, people=people)


def vocabulary_from_db() -> Vocabulary:
    """The database's vocabulary, built once per data version and kept in process memory.

    It is derived data: every write to parties, minerals or aliases bumps the shared data
    version (agreements/changes.py), and each worker then rebuilds its own copy, so no
    worker needs another's memory.
    """
    key = data_version()
    cached = _vocabulary_cache
    if cached["key"] == key:
        return cached["vocabulary"]
    with _vocabulary_lock:
        if cached["key"] != key:
            vocabulary = build_vocabulary()
            # Compile the matchers now, outside any request that would pay for them later.
            vocabulary.party_regex, vocabulary.mineral_regex  # noqa: B018
            gazetteer()
            cached["vocabulary"], cached["key"] = vocabulary, key
        return cached["vocabulary"]


class ReferenceDataMissing(APIException):
    """No parties in the database: the extractor has nothing to recognise."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "No parties are loaded yet; run `python manage.py load_reference_data`."
    default_code = "reference_data_missing"


class DraftTimeExceeded(serializers.ValidationError):
    """The extractor did not finish within its time budget (DRAFT_TIME_LIMIT): a 400 on
    ``text``."""

    def __init__(self, seconds: float):
        self.message = (
            f"The text could not be analysed within {seconds:g} s; send a shorter release."
        )
        super().__init__({"text": [self.message]}, code="processing_time_exceeded")


def _extract_in_child(send, args, kwargs) -> None:
    try:
        result = (True, extract(*args, **kwargs))
    except Exception as error:  # noqa: BLE001 - handed to the parent, raised there
        result = (False, error)
    send.send(result)
    send.close()


def run_with_time_limit(args, kwargs, seconds: float) -> Extraction:
    """``extract(*args, **kwargs)`` in a child process that is killed after ``seconds``.

    A thread cannot be stopped from outside, and the extractor's running time depends on its
    input: a child process can, whatever it is doing, so no request spends more than its
    budget (nor leaves CPU burning after it has been answered). The child is forked, so it
    shares the compiled vocabulary without copying it; it runs pure Python (no database, no
    logging) and leaves with os._exit, touching nothing it inherited.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_extract_in_child, args=(send, args, kwargs), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise DraftTimeExceeded(seconds)
        ok, value = receive.recv()
    except EOFError:
        raise APIException("The extractor stopped unexpectedly.") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if not ok:
        raise value
    return value


def draft_from_text(
    text: str,
    published_on: datetime.date,
    *,
    source_url: str | None = None,
    publisher: str | None = None,
) -> Extraction:
    """Run the extractor on a release with the database's vocabulary, within the time
    budget ``DRAFT_TIME_LIMIT`` (seconds; 0 runs it in the request's own thread)."""
    vocabulary = vocabulary_from_db()
    if not vocabulary.parties:
        raise ReferenceDataMissing()
    args = (text, published_on, vocabulary)
    kwargs = {"source_url": source_url or None, "publisher": publisher or None}
    if not settings.DRAFT_TIME_LIMIT:
        return extract(*args, **kwargs)
    return run_with_time_limit(args, kwargs, settings.DRAFT_TIME_LIMIT)


# ---------------------------------------------------------------------------
# From a proposal to a record that passes the rules
# ---------------------------------------------------------------------------


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date) or value is None:
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def proposal_fixed(
    proposal: dict[str, Any], published_on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    """A copy of ``proposal`` that an unpublished draft can be saved from.

    Gaps the model does not allow are filled (title, kind), contradictions are resolved
    towards less (a status that needs a signing date it does not have becomes planned),
    and rows the database cannot hold are dropped. Each change adds a warning, so the
    editor knows what to check.
    """
    data = copy.deepcopy(proposal)
    data["is_published"] = False
    data["related"] = []

    headline = next((s.get("title") for s in data.get("sources") or [] if s.get("title")), "")
    if not (data.get("title") or "").strip():
        fallback = f"Agreement announced on {published_on.isoformat()}"
        data["title"] = (headline or fallback).strip()[:300]
        warnings.append(f"title not proposed: filled in as “{data['title']}”; please edit it")
    data["title"] = data["title"][:300]
    data["short_title"] = (data.get("short_title") or "")[:120]
    if data.get("kind") not in AgreementKind.values:
        data["kind"] = AgreementKind.OTHER
        warnings.append("kind not found: set to “other”; please choose the right kind")

    for field in ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on"):
        if data.get(field) is not None and _date(data[field]) is None:
            data[field] = None
            warnings.append(f"{field} dropped: not a valid date")
    if data.get("status") not in AgreementStatus.values:
        data["status"] = (
            AgreementStatus.SIGNED if data.get("signed_on") else AgreementStatus.PLANNED
        )
        warnings.append(f"status unclear: set to “{data['status']}” from the signing date")
    if data["status"] == AgreementStatus.PLANNED and data.get("signed_on"):
        warnings.append("signing date dropped: the signing is reported as planned")
        data["signed_on"] = None
    if data["status"] != AgreementStatus.PLANNED and not data.get("signed_on"):
        warnings.append(
            f"status “{data['status']}” needs a signing date, none was found: set to planned"
        )
        data["status"] = AgreementStatus.PLANNED
    if not data.get("signed_on"):
        for field in ("effective_on", "expires_on", "terminated_on"):
            data[field] = None
        for row in data.get("parties") or []:
            row["signed_on"] = None
        for row in data.get("signatures") or []:
            row["signed_on"] = None

    known_parties = set(
        Party.objects.filter(
            code__in=[p.get("party") for p in data.get("parties") or []]
            + [s.get("party") for s in data.get("signatures") or [] if s.get("party")]
            + ([data["signed_country"]] if data.get("signed_country") else [])
        ).values_list("code", flat=True)
    )
    if data.get("signed_country") and data["signed_country"] not in known_parties:
        warnings.append(f"place of signing {data['signed_country']} is not a known party: dropped")
        data["signed_country"] = None
    parties = []
    for row in data.get("parties") or []:
        if row.get("party") in known_parties:
            parties.append(row)
        else:
            warnings.append(f"party {row.get('party')} is not in the database: dropped")
    data["parties"] = parties
    codes = {p["party"] for p in parties}
    signatures = []
    for row in data.get("signatures") or []:
        who = row.get("person") or ""
        if not who.strip():
            continue
        if row.get("role") == SignatureRole.SIGNATORY and row.get("party") not in codes:
            warnings.append(
                f"signature of {who} dropped: the party they represent is not a party found"
            )
            continue
        signatures.append(row)
    data["signatures"] = signatures

    mineral_slugs = set(
        Mineral.objects.filter(
            slug__in=[m.get("mineral") for m in data.get("minerals") or []]
        ).values_list("slug", flat=True)
    )
    minerals = []
    for row in data.get("minerals") or []:
        if row.get("mineral") not in mineral_slugs:
            warnings.append(f"mineral {row.get('mineral')} is not in the database: dropped")
            continue
        row["stages"] = [s for s in Stage.values if s in set(row.get("stages") or [])]
        minerals.append(row)
    data["minerals"] = minerals

    sources = []
    for row in data.get("sources") or []:
        if not row.get("url"):
            warnings.append("no source URL given: add the press release as a source")
            continue
        row["kind"] = row.get("kind") or SourceKind.PRESS_RELEASE
        row["title"] = (row.get("title") or "")[:300]
        row["publisher"] = (row.get("publisher") or "")[:300]
        sources.append(row)
    data["sources"] = sources
    data["signed_place"] = (data.get("signed_place") or "")[:200]
    return data


def draft_slug(data: dict[str, Any]) -> str:
    """A free slug from the short title and year ("uk-us-mou-2026"); dashes kept readable."""
    base = data.get("short_title") or data.get("title") or "draft"
    for dash in ("–", "—"):
        base = base.replace(dash, "-")
    year = (data.get("signed_on") or data.get("announced_on") or "")[:4]
    return unique_slug(Agreement, f"{base} {year}".strip(), max_length=120)


def _drop_invalid(data: dict[str, Any], errors: dict, warnings: list[str]) -> bool:
    """Remove from ``data`` what ``errors`` (AgreementSerializer errors) point at.

    Returns False when nothing could be dropped, so the caller stops trying.
    """
    dropped = False
    for name, detail in errors.items():
        if name in ("parties", "signatures", "minerals", "sources", "related"):
            rows = data.get(name) or []
            if isinstance(detail, dict) or (
                isinstance(detail, list) and any(isinstance(d, dict) and d for d in detail)
            ):
                bad = (
                    {int(i) for i in detail if str(i).isdigit()}
                    if isinstance(detail, dict)
                    else {i for i, d in enumerate(detail) if d}
                )
                for i in sorted(bad, reverse=True):
                    if i < len(rows):
                        warnings.append(f"{name} row {i + 1} dropped: {_first_message(detail, i)}")
                        del rows[i]
                        dropped = True
                if isinstance(detail, dict) and "non_field_errors" in detail and rows:
                    warnings.append(f"{name} dropped: {_first_message(detail, 'non_field_errors')}")
                    data[name] = []
                    dropped = True
            elif rows:
                warnings.append(f"{name} dropped: {_first_message({0: detail}, 0)}")
                data[name] = []
                dropped = True
        elif name in ("status", "signed_on"):
            if data.get("status") != AgreementStatus.PLANNED or data.get("signed_on"):
                warnings.append(
                    f"{name}: {_first_message({0: detail}, 0)} Set to planned, no date."
                )
                data["status"], data["signed_on"] = AgreementStatus.PLANNED, None
                dropped = True
        elif name in data and name not in ("title", "kind") and data[name] not in (None, ""):
            warnings.append(f"{name} dropped: {_first_message({0: detail}, 0)}")
            data[name] = "" if isinstance(data[name], str) else None
            dropped = True
    return dropped


def _first_message(detail, key) -> str:
    value = detail[key] if isinstance(detail, dict) else detail[key]
    while isinstance(value, dict | list) and value:
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return str(value)


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------


class DraftFromTextSerializer(StrictTypesMixin, serializers.Serializer):
    """A press release to draft an agreement from."""

    text = serializers.CharField(
        max_length=MAX_TEXT_CHARS,
        trim_whitespace=False,
        help_text="The release: line 1 the date and publisher, line 2 the headline, then the "
        f"body (other layouts work too). At most {MAX_TEXT_CHARS} characters; a text the "
        "extractor cannot analyse within the time budget (10 s by default) is refused with "
        "a 400 (`processing_time_exceeded`).",
    )
    published_on = serializers.DateField(
        help_text="Publication date of the release (YYYY-MM-DD); relative dates such as "
        "“yesterday” are read against it."
    )
    source_url = serializers.URLField(
        max_length=500, required=False, allow_blank=True, help_text="Address of the release."
    )
    publisher = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="Who published it."
    )
    save = serializers.BooleanField(
        default=False,
        help_text="Also create the proposal as an unpublished draft (needs a source URL to "
        "record the release as its source).",
    )

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.", code="blank")
        return value


class EvidenceSerializer(serializers.Serializer):
    quote = serializers.CharField(help_text="The words the value comes from: text[start:end].")
    start = serializers.IntegerField(help_text="Offset of the quote in the text (characters).")
    end = serializers.IntegerField(help_text="Offset just after the quote.")
    confidence = serializers.FloatField(help_text="How sure the rule is, 0 to 1.")
    value = serializers.JSONField(
        required=False, help_text="For collections: the item this evidence is for."
    )


class ProposedPartySerializer(serializers.Serializer):
    party = serializers.CharField(help_text="Party code.")
    signed_on = serializers.DateField(allow_null=True, help_text="Signing date.")
    ratified_on = serializers.DateField(allow_null=True, help_text="Always null.")
    withdrawn_on = serializers.DateField(allow_null=True, help_text="Always null.")


class ProposedSignatureSerializer(serializers.Serializer):
    person = serializers.CharField(help_text="Name as written in the release.")
    party = serializers.CharField(allow_null=True, help_text="Party represented (code).")
    office = serializers.CharField(allow_blank=True, help_text="Office held at signing.")
    role = serializers.ChoiceField(choices=SignatureRole.choices, help_text="Role.")
    signed_on = serializers.DateField(allow_null=True, help_text="Date of the signature.")


class ProposedMineralSerializer(serializers.Serializer):
    mineral = serializers.CharField(help_text="Mineral slug.")
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices), help_text="Stages mentioned."
    )
    note = serializers.CharField(allow_blank=True, help_text="Always empty.")


class ProposedSourceSerializer(serializers.Serializer):
    url = serializers.CharField(allow_blank=True, help_text="The source_url given, or empty.")
    title = serializers.CharField(allow_blank=True, help_text="The headline.")
    publisher = serializers.CharField(allow_blank=True, allow_null=True, help_text="Publisher.")
    published_on = serializers.DateField(help_text="The published_on given.")
    kind = serializers.ChoiceField(choices=SourceKind.choices, help_text="press_release.")


class ProposalSerializer(serializers.Serializer):
    """An agreement in the API's input shape, people by name; empty where nothing was found."""

    title = serializers.CharField(allow_blank=True, help_text="Proposed title.")
    short_title = serializers.CharField(allow_blank=True, help_text="Proposed short title.")
    kind = serializers.ChoiceField(
        choices=AgreementKind.choices, allow_null=True, help_text="Kind of instrument."
    )
    status = serializers.ChoiceField(
        choices=AgreementStatus.choices, allow_null=True, help_text="signed, in_force, planned."
    )
    legally_binding = serializers.BooleanField(allow_null=True, help_text="Null if unknown.")
    announced_on = serializers.DateField(allow_null=True, help_text="The publication date.")
    signed_on = serializers.DateField(allow_null=True, help_text="Signing date.")
    effective_on = serializers.DateField(allow_null=True, help_text="Effective date.")
    expires_on = serializers.DateField(allow_null=True, help_text="Always null.")
    terminated_on = serializers.DateField(allow_null=True, help_text="Always null.")
    signed_place = serializers.CharField(allow_blank=True, help_text="Where it was signed.")
    signed_country = serializers.CharField(allow_null=True, help_text="Code of that state.")
    summary = serializers.CharField(allow_blank=True, help_text="Lead sentence of the release.")
    text_url = serializers.CharField(allow_blank=True, help_text="Always empty.")
    is_published = serializers.BooleanField(help_text="Always false.")
    parties = ProposedPartySerializer(many=True, help_text="Parties.")
    signatures = ProposedSignatureSerializer(many=True, help_text="Signatures.")
    minerals = ProposedMineralSerializer(many=True, help_text="Covered minerals.")
    sources = ProposedSourceSerializer(many=True, help_text="The release itself.")
    related = serializers.ListField(
        child=serializers.DictField(), help_text="Always empty (not extracted)."
    )


class DraftFromTextResponseSerializer(serializers.Serializer):
    """What the extractor proposes, why, and what the editor should check."""

    proposal = ProposalSerializer(help_text="The proposed record.")
    evidence = serializers.DictField(
        child=EvidenceSerializer(many=True),
        help_text="For each proposed field (title, kind, signed_on, parties, signatures …) "
        "the passages it comes from.",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="Gaps and doubts for the editor to check."
    )


class DraftSavedResponseSerializer(DraftFromTextResponseSerializer):
    """As the proposal response, plus the draft that was created."""

    url = serializers.URLField(help_text="API address of the unpublished draft.")
    slug = serializers.SlugField(help_text="Slug of the draft.")


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
            "parts dropped (each with a warning), is created as an unpublished draft (201). "
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
        with transaction.atomic(), revision_scope():
            agreement = serializer.save()
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
            if not _drop_invalid(data, serializer.errors, warnings):
                break
        serializer.is_valid(raise_exception=True)
        return serializer
