"""Per-field provenance of an agreement: which source says what, in which words.

The agreement holds the chosen value of each field; its claims hold what each source says,
so that a reader can check a fact against its source and see where sources disagree. A
field is *disputed* when one of its claims is.
"""

import orjson
from django.db import transaction
from rest_framework import serializers

from agreements.models import (
    CLAIM_ROW_FIELDS,
    QUOTE_MAX_WORDS,
    Agreement,
    Claim,
    ClaimStatus,
)
from config.api.serializers import STRICT_FIELD_MAPPING, ModelCleanMixin
from config.api.strict import StrictTypesMixin

MAX_CLAIMS = 500


class ClaimSerializer(StrictTypesMixin, ModelCleanMixin, serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING
    value = serializers.JSONField(
        allow_null=True, required=False, help_text="The value this source gives (as in the API)."
    )

    class Meta:
        model = Claim
        fields = ["field", "row", "value", "source_url", "quote", "status", "chosen", "note"]


class ProvenanceSerializer(StrictTypesMixin, serializers.Serializer):
    agreement = serializers.SlugField(read_only=True, help_text="The agreement's slug.")
    disputed = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Fields (or `collection:row`) with a disputed claim.",
    )
    claims = ClaimSerializer(
        many=True,
        max_length=MAX_CLAIMS,
        help_text=f"Every claim; a PUT replaces them all. Quotes have at most {QUOTE_MAX_WORDS} "
        "words; each claim's source_url is one of the agreement's sources.",
    )

    def validate_claims(self, items):
        agreement: Agreement = self.context["agreement"]
        urls = set(agreement.sources.values_list("url", flat=True))
        rows = row_keys(agreement)
        errors: dict[int, dict] = {}
        seen = set()
        for index, item in enumerate(items):
            problems = {}
            if item["source_url"] not in urls:
                problems["source_url"] = ["Not one of the agreement's sources."]
            field, row = item["field"], item.get("row", "")
            chosen = item.get("chosen", True)
            if field in CLAIM_ROW_FIELDS and chosen and row and row not in rows[field]:
                problems["row"] = [f"The agreement has no such row in {field}."]
            key = (field, row, item["source_url"])
            if key in seen:
                problems["source_url"] = ["This source already has a claim on this field."]
            seen.add(key)
            if problems:
                errors[index] = problems
        if errors:
            raise serializers.ValidationError(errors)
        return items


def row_keys(agreement: Agreement) -> dict[str, set[str]]:
    """The keys a claim's ``row`` may name, per nested collection."""
    return {
        "parties": set(agreement.agreement_parties.values_list("party__code", flat=True)),
        "signatures": set(agreement.signatures.values_list("person__slug", flat=True))
        | set(agreement.signatures.values_list("person__name", flat=True)),
        "minerals": set(agreement.agreement_minerals.values_list("mineral__slug", flat=True)),
        "related": set(agreement.related_links.values_list("to_agreement__slug", flat=True)),
    }


def disputed_fields(claims) -> list[str]:
    out = []
    for claim in claims:
        if claim.status == ClaimStatus.DISPUTED:
            name = f"{claim.field}:{claim.row}" if claim.row else claim.field
            if name not in out:
                out.append(name)
    return out


def provenance(agreement: Agreement) -> dict:
    claims = list(agreement.claims.order_by("field", "row", "id"))
    return {
        "agreement": agreement.slug,
        "disputed": disputed_fields(claims),
        "claims": ClaimSerializer(claims, many=True).data,
    }


def provenance_json(agreement: Agreement) -> bytes:
    return orjson.dumps(provenance(agreement))


CLAIM_VALUE_FIELDS = ("value", "quote", "status", "chosen", "note")


@transaction.atomic
def claims_replace(*, agreement: Agreement, items: list[dict]) -> bool:
    """Make the agreement's claims equal ``items`` (validated); returns whether any changed.

    Claims are keyed by (field, row, source), so an edit updates the row in place and the
    history shows what changed rather than a delete and an insert.
    """
    existing = {(c.field, c.row, c.source_url): c for c in agreement.claims.all()}
    keep = set()
    changed = False
    for item in items:
        key = (item["field"], item.get("row", ""), item["source_url"])
        keep.add(key)
        claim = existing.get(key)
        if claim is None:
            claim = Claim(agreement=agreement, field=key[0], row=key[1], source_url=key[2])
        dirty = claim.pk is None
        for name in CLAIM_VALUE_FIELDS:
            default = Claim._meta.get_field(name).get_default()
            value = item.get(name, default)
            if getattr(claim, name) != value:
                setattr(claim, name, value)
                dirty = True
        if dirty:
            claim.full_clean(exclude=["agreement"], validate_unique=False)
            claim.save()
            changed = True
    for key, claim in existing.items():
        if key not in keep:
            claim.delete()
            changed = True
    return changed
