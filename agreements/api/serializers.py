"""The API representation of agreements and parties: one shape for reading and writing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from agreements import services
from agreements.commitments.serializers import CommitmentNestedSerializer
from agreements.models import (
    RESERVED_AGREEMENT_SLUGS,
    Agreement,
    AgreementMineral,
    AgreementParty,
    Party,
    PartyKind,
    Person,
    RelatedAgreement,
    Signature,
    SignatureRole,
    Source,
    Stage,
    lowercase_slug_validator,
)
from agreements.validation import MAX_ITEMS, SignatureKey, agreement_collection_errors
from config.api.serializers import (
    STRICT_FIELD_MAPPING,
    ModelCleanMixin,
    NoOpUpdateMixin,
    raise_model_errors,
)
from config.api.strict import StrictTypesMixin
from minerals.models import Mineral


class BatchedSlugRelatedField(serializers.SlugRelatedField):
    """A natural-key reference that the root serializer may have looked up beforehand, with
    every other reference of the request in one query per model (``natural_keys`` in the
    context), instead of one query per item."""

    def to_internal_value(self, data):
        looked_up = self.context.get("natural_keys", {}).get(
            (self.get_queryset().model, self.slug_field)
        )
        if looked_up is not None and isinstance(data, str) and data in looked_up[0]:
            obj = looked_up[1].get(data)
            if obj is None:
                self.fail("does_not_exist", slug_name=self.slug_field, value=data)
            return obj
        return super().to_internal_value(data)


class PartyCodeField(BatchedSlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Party.objects.all())
        super().__init__(**kwargs)


class StateCodeField(serializers.SlugRelatedField):
    """A party code limited to states (never answered from the batched look-up)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Party.objects.filter(kind=PartyKind.STATE))
        super().__init__(**kwargs)


class AgreementPartySerializer(StrictTypesMixin, ModelCleanMixin, serializers.ModelSerializer):
    party = PartyCodeField(help_text="Party code (ISO 3166-1 alpha-2 for states, EU …).")
    party_name = serializers.CharField(source="party.name", read_only=True, help_text="Party name.")

    class Meta:
        model = AgreementParty
        fields = ["party", "party_name", "signed_on", "ratified_on", "withdrawn_on"]


@extend_schema_field(
    {
        "type": "string",
        "description": "Person's slug, or a name (an unknown name creates the person).",
    }
)
class PersonField(serializers.Field):
    """Reads as the person's slug; writes as a slug or a name, resolved when saving."""

    default_error_messages = {
        "invalid": "Give the person's slug or name as a string.",
        "blank": "This field may not be blank.",
        "max_length": "Ensure this field has no more than 200 characters.",
    }

    def to_representation(self, value):
        return value.slug

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        data = data.strip()
        if not data:
            self.fail("blank")
        if len(data) > 200:
            self.fail("max_length")
        if "\x00" in data:
            raise serializers.ValidationError("Null characters are not allowed.")
        return data


class SignatureSerializer(StrictTypesMixin, ModelCleanMixin, serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING
    person = PersonField(help_text="Person's slug, or a name (an unknown name creates the person).")
    person_name = serializers.CharField(source="person.name", read_only=True, help_text="Name.")
    party = PartyCodeField(
        allow_null=True, required=False, help_text="Party represented (code); null for a witness."
    )
    clean_exclude = ("person",)

    class Meta:
        model = Signature
        fields = ["person", "person_name", "party", "office", "role", "signed_on"]


class AgreementMineralSerializer(StrictTypesMixin, serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING
    mineral = BatchedSlugRelatedField(
        slug_field="slug", queryset=Mineral.objects.all(), help_text="Mineral slug."
    )
    mineral_name = serializers.CharField(source="mineral.name", read_only=True, help_text="Name.")
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=Stage.choices),
        required=False,
        max_length=len(Stage.values),
        help_text="Value-chain stages covered.",
    )

    class Meta:
        model = AgreementMineral
        fields = ["mineral", "mineral_name", "stages", "note"]

    def validate_stages(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("A stage is listed twice.")
        return [s for s in Stage.values if s in set(value)]


class SourceSerializer(StrictTypesMixin, serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "published_on", "kind"]


class RelatedAgreementSerializer(StrictTypesMixin, serializers.ModelSerializer):
    agreement = BatchedSlugRelatedField(
        source="to_agreement",
        slug_field="slug",
        queryset=Agreement.objects.all(),
        help_text="Slug of the related agreement.",
    )

    class Meta:
        model = RelatedAgreement
        fields = ["agreement", "kind"]


COLLECTION_MODELS = {
    "parties": AgreementParty,
    "signatures": Signature,
    "minerals": AgreementMineral,
    "sources": Source,
    "related": RelatedAgreement,
}

NESTED = {
    # representation name: (serializer, related manager on Agreement)
    "parties": (AgreementPartySerializer, "agreement_parties"),
    "signatures": (SignatureSerializer, "signatures"),
    "minerals": (AgreementMineralSerializer, "agreement_minerals"),
    "sources": (SourceSerializer, "sources"),
    "related": (RelatedAgreementSerializer, "related_links"),
}


class AgreementSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """An agreement with its parties, signatures, minerals, sources and related agreements."""

    serializer_field_mapping = STRICT_FIELD_MAPPING

    slug = serializers.SlugField(
        max_length=120,
        required=False,
        validators=[lowercase_slug_validator],
        help_text="Stable key (lower case); generated from the (short) title when absent.",
    )
    signed_country = StateCodeField(
        allow_null=True,
        required=False,
        help_text="ISO code of the state where it was signed.",
    )
    parties = AgreementPartySerializer(
        many=True,
        source="agreement_parties",
        required=False,
        max_length=MAX_ITEMS["parties"],
        help_text=f"Parties (at most {MAX_ITEMS['parties']}).",
    )
    signatures = SignatureSerializer(
        many=True,
        required=False,
        max_length=MAX_ITEMS["signatures"],
        help_text=f"Signatures (at most {MAX_ITEMS['signatures']}).",
    )
    minerals = AgreementMineralSerializer(
        many=True,
        source="agreement_minerals",
        required=False,
        max_length=MAX_ITEMS["minerals"],
        help_text=f"Covered minerals (at most {MAX_ITEMS['minerals']}).",
    )
    sources = SourceSerializer(
        many=True,
        required=False,
        max_length=MAX_ITEMS["sources"],
        help_text=f"Sources (at most {MAX_ITEMS['sources']}).",
    )
    related = RelatedAgreementSerializer(
        many=True,
        source="related_links",
        required=False,
        max_length=MAX_ITEMS["related"],
        help_text=f"Related agreements (at most {MAX_ITEMS['related']}).",
    )
    # Commitments (issue 17): read-only here, written at /api/v1/commitments/.
    commitments = CommitmentNestedSerializer(
        many=True, read_only=True, help_text="What the agreement promises (read-only here)."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:agreement-detail", lookup_field="slug", help_text="This resource."
    )

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "title",
            "short_title",
            "kind",
            "status",
            "legally_binding",
            "announced_on",
            "announced_on_precision",
            "signed_on",
            "signed_on_precision",
            "effective_on",
            "effective_on_precision",
            "expires_on",
            "expires_on_precision",
            "terminated_on",
            "terminated_on_precision",
            "signed_place",
            "signed_country",
            "summary",
            "text_url",
            "is_published",
            "parties",
            "signatures",
            "minerals",
            "sources",
            "related",
            "commitments",  # issue 17
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["created_at", "updated_at"]

    # (collection, field in an item) → (model, natural key) of the references looked up in bulk
    BATCHED_REFERENCES = (
        ("parties", "party", Party, "code"),
        ("signatures", "party", Party, "code"),
        ("minerals", "mineral", Mineral, "slug"),
        ("related", "agreement", Agreement, "slug"),
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            self._context["natural_keys"] = self._look_up_references(data)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            # A list refused whole (over its cap) is reported on the list, ``sources``, not
            # on ``sources.non_field_errors``.
            if isinstance(exc.detail, dict):
                for name in NESTED:
                    detail = exc.detail.get(name)
                    if isinstance(detail, dict) and set(detail) == {"non_field_errors"}:
                        exc.detail[name] = detail["non_field_errors"]
            raise

    @classmethod
    def _look_up_references(cls, data: dict) -> dict:
        """Every party, mineral and agreement the nested items name, one query per model.
        A collection over its cap is skipped: it is refused before its items are read."""
        wanted: dict[tuple, set[str]] = {}
        for collection, field, model, key in cls.BATCHED_REFERENCES:
            items = data.get(collection)
            if not isinstance(items, list) or len(items) > MAX_ITEMS[collection]:
                continue
            values = wanted.setdefault((model, key), set())
            values.update(
                item[field]
                for item in items
                if isinstance(item, dict) and isinstance(item.get(field), str)
            )
        found = {}
        for (model, key), values in wanted.items():
            objs = model._default_manager.filter(**{f"{key}__in": values}) if values else []
            found[(model, key)] = (values, {getattr(o, key): o for o in objs})
        return found

    def validate_slug(self, value):
        if value in RESERVED_AGREEMENT_SLUGS:
            raise serializers.ValidationError("This slug is reserved for an API route.")
        clash = Agreement.objects.filter(slug=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("An agreement with this slug already exists.")
        return value

    def validate(self, attrs):
        instance = self.instance
        # The record as it would be after this write: stored values overlaid with input.
        merged = Agreement()
        if instance is not None:
            for field in services.AGREEMENT_FIELDS:
                setattr(merged, field, getattr(instance, field))
            merged.pk = instance.pk
        for field in services.AGREEMENT_FIELDS:
            if field in attrs:
                setattr(merged, field, attrs[field])
        try:
            merged.clean()
        except DjangoValidationError as exc:
            raise_model_errors(exc)

        request = self.context.get("request")
        published_before = bool(instance and instance.is_published)
        if "is_published" in attrs and attrs["is_published"] != published_before:
            user = getattr(request, "user", None)
            allowed = self.context.get("publish_allowed") or (
                user is not None and user.has_perm("agreements.publish_agreement")
            )
            if not allowed:
                raise PermissionDenied("Publishing or unpublishing needs the publish permission.")
        self._check_collections(merged, attrs)
        return attrs

    def _stored(self, name):
        """The stored items of a collection, in input form, for rules a PATCH may touch."""
        if self.instance is None:
            return []
        manager = getattr(self.instance, NESTED[name][1])
        if name == "parties":
            return [{"party": p.party} for p in manager.select_related("party")]
        if name == "signatures":
            return [
                {"person": s.person.slug, "role": s.role, "party": s.party}
                for s in manager.select_related("person", "party")
            ]
        if name == "minerals":
            return [{"mineral": m.mineral} for m in manager.select_related("mineral")]
        if name == "sources":
            return [{"url": s.url} for s in manager.all()]
        return [{"to_agreement": r.to_agreement} for r in manager.select_related("to_agreement")]

    def _check_collections(self, merged: Agreement, attrs):
        def items(name):
            key = self.fields[name].source
            return attrs[key] if key in attrs else self._stored(name)

        # A person given by slug and by name is one person: compare who they resolve to.
        given = [s["person"] for s in attrs.get("signatures", [])]
        people = services.people_lookup(given)

        def person_key(value: str) -> str:
            person = people.get(value.strip())
            return person.slug if person is not None else value

        keys = {
            "parties": [p["party"].code for p in items("parties")],
            "signatures": [
                SignatureKey(
                    person=person_key(s["person"]),
                    role=s.get("role", SignatureRole.SIGNATORY),
                    party=s["party"].code if s.get("party") else None,
                )
                for s in items("signatures")
            ],
            "minerals": [m["mineral"].slug for m in items("minerals")],
            "sources": [s["url"] for s in items("sources")],
            "related": [r["to_agreement"].slug for r in items("related")],
        }
        errors = agreement_collection_errors(
            is_published=bool(merged.is_published), slug=merged.slug or None, **keys
        )
        if errors:
            raise serializers.ValidationError(nested_errors(errors))
        self._check_removals(attrs, keys)

    def _check_removals(self, attrs, keys):
        """Dropping nested rows needs the delete permission on their model, as in the admin,
        whose inlines offer no delete box without it. Changing a row (what it points at
        included) and adding rows need only the change permission, so a write without the
        delete permission may replace rows but never leave fewer of them than are stored."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if self.instance is None or user is None:
            return
        for name in NESTED:
            if self.fields[name].source not in attrs:
                continue
            model = COLLECTION_MODELS[name]
            if user.has_perm(f"{model._meta.app_label}.delete_{model._meta.model_name}"):
                continue
            stored = {self._row_key(name, row) for row in self._stored(name)}
            sent = {self._row_key(name, key) for key in keys[name]}
            if len(stored - sent) > len(sent - stored):
                raise PermissionDenied(
                    f"Removing {name} needs the permission to delete them; "
                    f"send every stored item of “{name}” (changed or not)."
                )

    @staticmethod
    def _row_key(name, row):
        """One key per row, for stored rows (input form) and for sent keys alike."""
        if isinstance(row, SignatureKey):
            return (row.person, row.role)
        if isinstance(row, str):
            return row
        if name == "parties":
            return row["party"].code
        if name == "signatures":
            return (row["person"], row["role"])
        if name == "minerals":
            return row["mineral"].slug
        if name == "sources":
            return row["url"]
        return row["to_agreement"].slug

    @transaction.atomic
    def _save(self, instance, validated_data):
        collections = {}
        for name, (_, _) in NESTED.items():
            key = self.fields[name].source
            if key in validated_data:
                collections[name] = validated_data.pop(key)
        # Under the write lock (people_for takes it), so concurrent requests naming the same
        # new person create it once; validation above ran without holding the lock.
        signatures = collections.get("signatures", [])
        people = services.people_for(item["person"] for item in signatures)
        for item in signatures:
            item["person"] = people[item["person"].strip()]
        try:
            return services.agreement_save(
                agreement=instance, data=validated_data, collections=collections
            )
        except DjangoValidationError as exc:
            raise_model_errors(exc)

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


def nested_errors(errors) -> dict:
    """Turn collection errors into DRF's nested error structure (attr ``signatures.1.party``)."""
    out: dict = {}
    for err in errors:
        if err.index is None:
            out.setdefault(err.collection, []).append(err.message)
            continue
        rows = out.setdefault(err.collection, {})
        if isinstance(rows, list):  # a collection-level message already there
            rows = out[err.collection] = {"non_field_errors": rows}
        rows.setdefault(err.index, {}).setdefault(err.field or "non_field_errors", []).append(
            err.message
        )
    return out


class PartnerSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Partner's party code.")
    name = serializers.CharField(help_text="Partner's name.")
    agreement_count = serializers.IntegerField(
        help_text="Agreements the two take part in together."
    )


class PartySerializer(StrictTypesMixin, NoOpUpdateMixin, serializers.ModelSerializer):
    """A state, organisation or government body."""

    country = PartyCodeField(
        queryset=Party.objects.filter(kind=PartyKind.STATE),
        allow_null=True,
        required=False,
        help_text="For a government body: the state it belongs to.",
    )
    agreement_count = serializers.IntegerField(
        read_only=True, help_text="Agreements (visible to you) this party takes part in."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:party-detail", lookup_field="code", help_text="This resource."
    )

    class Meta:
        model = Party
        fields = [
            "code",
            "name",
            "kind",
            "country",
            "agreement_count",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        merged = Party(
            **{
                **(
                    {}
                    if self.instance is None
                    else {
                        "code": self.instance.code,
                        "name": self.instance.name,
                        "kind": self.instance.kind,
                        "country": self.instance.country,
                    }
                ),
                **attrs,
            }
        )
        try:
            merged.clean()
        except DjangoValidationError as exc:
            raise_model_errors(exc)
        return attrs


class PartyDetailSerializer(PartySerializer):
    partners = serializers.SerializerMethodField(help_text="Parties it has agreements with.")

    class Meta(PartySerializer.Meta):
        fields = PartySerializer.Meta.fields[:-3] + ["partners", "created_at", "updated_at", "url"]

    @extend_schema_field(PartnerSerializer(many=True))
    def get_partners(self, obj):
        return self.context.get("partners", [])


class PersonSignatureSerializer(serializers.ModelSerializer):
    agreement = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="Slug.")
    agreement_title = serializers.CharField(
        source="agreement.title", read_only=True, help_text="Title."
    )
    party = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="Party code (null for a witness who represents no party).",
    )

    class Meta:
        model = Signature
        fields = ["agreement", "agreement_title", "party", "office", "role", "signed_on"]


class PersonSerializer(StrictTypesMixin, NoOpUpdateMixin, serializers.ModelSerializer):
    """Someone who signed or witnessed agreements, with those signatures."""

    slug = serializers.SlugField(
        max_length=100,
        required=False,
        validators=[lowercase_slug_validator],
        help_text="Stable key (lower case); generated from the name when absent.",
    )
    signatures = PersonSignatureSerializer(
        many=True, read_only=True, source="visible_signatures", help_text="Signatures."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:person-detail", lookup_field="slug", help_text="This resource."
    )

    class Meta:
        model = Person
        fields = ["slug", "name", "signatures", "created_at", "updated_at", "url"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_slug(self, value):
        clash = Person.objects.filter(slug=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("A person with this slug already exists.")
        return value


__all__ = ["AgreementSerializer", "PartySerializer", "PersonSerializer", "OpenApiTypes"]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="Field name.")
    old = serializers.JSONField(allow_null=True, help_text="Value before.")
    new = serializers.JSONField(allow_null=True, help_text="Value after.")


class HistoryEntrySerializer(serializers.Serializer):
    """One write to an agreement, with what it changed."""

    version = serializers.IntegerField(help_text="Version id.")
    at = serializers.DateTimeField(help_text="When the write happened.")
    user = serializers.CharField(allow_null=True, help_text="Who wrote it; null for the system.")
    action = serializers.ChoiceField(
        choices=["created", "updated", "published", "unpublished", "deleted"],
        help_text="Kind of change.",
    )
    changes = FieldChangeSerializer(many=True, help_text="Fields of the agreement that changed.")
    collections = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per nested collection (parties, signatures, minerals, sources, related): "
        "`added` and `removed` items and `changed` items with their field changes.",
    )


class ChangeEventSerializer(serializers.Serializer):
    """One change: which resource, what happened, when, and the cursor after it."""

    cursor = serializers.IntegerField(help_text="Resume from here: pass as `since`.")
    resource = serializers.ChoiceField(
        choices=["agreement", "party", "person", "mineral", "mineral-list", "commitment"],
        help_text="Kind of resource.",
    )
    key = serializers.CharField(help_text="Slug, code for parties, key for commitments.")
    action = serializers.ChoiceField(
        choices=["created", "updated", "deleted"], help_text="What happened to it."
    )
    at = serializers.DateTimeField(help_text="When.")


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeEventSerializer(many=True, help_text="Changes in order.")
    cursor = serializers.IntegerField(help_text="Cursor to resume from (last one returned).")
    next = serializers.URLField(
        allow_null=True, help_text="The next page, while this one is full; else null."
    )
