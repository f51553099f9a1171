"""The drafting endpoint's request and response shapes (documented in the schema)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.drafting.runner import MAX_TEXT_CHARS
from agreements.models import (
    AgreementKind,
    AgreementStatus,
    CommitmentKind,
    DatePrecision,
    DueFrom,
    DueUnit,
    SignatureRole,
    SourceKind,
    Stage,
)
from config.api.serializers import StrictCharField
from config.api.strict import StrictTypesMixin


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
    # Counted as sent, before trimming, as the schema's maxLength says.
    publisher = StrictCharField(
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


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "object",
                "description": "A due date: the date, with its precision (a year-precision "
                "date is 1 January, a month-precision one the 1st).",
                "properties": {
                    "date": {"type": "string", "format": "date"},
                    "precision": {"type": "string", "enum": list(DatePrecision.values)},
                },
                "required": ["date", "precision"],
            },
            {
                "type": "object",
                "description": "A relative due date: within this many units of the signing "
                "or of the entry into force.",
                "properties": {
                    "within": {"type": "integer", "minimum": 1},
                    "unit": {"type": "string", "enum": list(DueUnit.values)},
                    "from": {"type": "string", "enum": list(DueFrom.values)},
                },
                "required": ["within", "unit", "from"],
            },
        ],
        "nullable": True,
    }
)
class ProposedDueField(serializers.JSONField):
    """A commitment's due date in the catalogue's format (agreements/data/catalogue)."""


class ProposedCommitmentSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="The sentence that states the promise, as written (at most 300 characters)."
    )
    kind = serializers.ChoiceField(choices=CommitmentKind.choices, help_text="Kind of promise.")
    due = ProposedDueField(
        allow_null=True,
        help_text="When it falls due: a date with its precision (“by 2030”), a span from the "
        "signing or the entry into force (“within six months”), or null.",
    )
    evidence = EvidenceSerializer(
        many=True,
        help_text="The sentence first, then the words that make it a promise or a deadline.",
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the editor should check (a due date counted from the signing "
        "because the text does not say from when, a recurring meeting …).",
    )


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
    commitments = ProposedCommitmentSerializer(
        many=True,
        help_text="What the parties promise (“will establish a working group”, “within six "
        "months”, “by 2030”). With `save`, created as the draft's commitments (status open, "
        "all parties responsible, the release as source), relative due dates counted from "
        "the draft's signing date.",
    )


class DraftFromTextResponseSerializer(serializers.Serializer):
    """What the extractor proposes, why, and what the editor should check."""

    proposal = ProposalSerializer(help_text="The proposed record.")
    evidence = serializers.DictField(
        child=EvidenceSerializer(many=True),
        help_text="For each proposed field (title, kind, signed_on, parties, signatures, "
        "commitments …) the passages it comes from; for collections `value` names the item "
        "(a commitment by its text).",
    )
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="Gaps and doubts for the editor to check."
    )


class DraftSavedResponseSerializer(DraftFromTextResponseSerializer):
    """As the proposal response, plus the draft that was created."""

    url = serializers.URLField(help_text="API address of the unpublished draft.")
    slug = serializers.SlugField(help_text="Slug of the draft.")
