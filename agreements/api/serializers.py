"""The API representation of agreements and parties: one shape for reading and writing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, PermissionDenied

from agreements import services
from agreements.api.fields import (
    BatchedSlugRelatedField,
    PartyCodeField,
    PersonField,
    StateCodeField,
)
from agreements.commitments.serializers import CommitmentNestedSerializer
from agreements.commitments.services import dropped_parties_error
from agreements.models import (
    RESERVED_AGREEMENT_SLUGS,
    Agreement,
    AgreementMineral,
    AgreementParty,
    Party,
    RelatedAgreement,
    Signature,
    Source,
    Stage,
    lowercase_slug_validator,
)
from agreements.validation import (
    MAX_ITEMS,
    SignatureKey,
    agreement_collection_errors,
    nested_errors,
)
from config.api.serializers import (
    STRICT_FIELD_MAPPING,
    ModelCleanMixin,
    raise_model_errors,
)
from config.api.strict import StrictTypesMixin
from minerals.models import Mineral


class WholeRowMixin:
    """A nested row names what identifies it (``Meta.row_key``) even in a PATCH: DRF skips
    every missing field under a partial root, and a row without its party (person, mineral,
    url, agreement) could be neither matched with a stored row nor stored."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and getattr(self.root, "partial", False):
            missing = {
                field.field_name: [ErrorDetail(field.error_messages["required"], code="required")]
                for field in self._writable_fields
                if field.required
                and field.source in self.Meta.row_key
                and field.field_name not in data
            }
            if missing:
                raise serializers.ValidationError(missing)
        return super().to_internal_value(data)


class AgreementPartySerializer(
    WholeRowMixin, StrictTypesMixin, ModelCleanMixin, serializers.ModelSerializer
):
    party = PartyCodeField(help_text="Party code (ISO 3166-1 alpha-2 for states, EU …).")
    party_name = serializers.CharField(source="party.name", read_only=True, help_text="Party name.")

    class Meta:
        model = AgreementParty
        fields = ["party", "party_name", "signed_on", "ratified_on", "withdrawn_on"]
        ordering = ["party__code", "id"]  # of an agreement's rows, wherever they are read
        row_key = ("party",)  # identifies a row within the agreement


class SignatureSerializer(
    WholeRowMixin, StrictTypesMixin, ModelCleanMixin, serializers.ModelSerializer
):
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
        ordering = ["role", "id"]
        row_key = ("person", "role")  # identifies a row within the agreement


class AgreementMineralSerializer(WholeRowMixin, StrictTypesMixin, serializers.ModelSerializer):
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
        ordering = ["mineral__name", "id"]
        row_key = ("mineral",)  # identifies a row within the agreement

    def validate_stages(self, value):
        if len(set(value)) != len(value):
            raise serializers.ValidationError("A stage is listed twice.")
        return [s for s in Stage.values if s in set(value)]


class SourceSerializer(WholeRowMixin, StrictTypesMixin, serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELD_MAPPING

    class Meta:
        model = Source
        fields = ["url", "title", "publisher", "published_on", "kind", "language"]
        ordering = ["id"]
        row_key = ("url",)  # identifies a row within the agreement


class RelatedAgreementSerializer(WholeRowMixin, StrictTypesMixin, serializers.ModelSerializer):
    agreement = BatchedSlugRelatedField(
        source="to_agreement",
        slug_field="slug",
        queryset=Agreement.objects.all(),
        help_text="Slug of the related agreement.",
    )

    class Meta:
        model = RelatedAgreement
        fields = ["agreement", "kind"]
        ordering = ["id"]
        row_key = ("to_agreement",)  # identifies a row within the agreement
        # Readers who may not see drafts do not see links to them either.
        public_filter = {"to_agreement__is_published": True}


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
            "commitments",
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
            for field in services.agreement_fields():
                setattr(merged, field, getattr(instance, field))
            merged.pk = instance.pk
        for field in services.agreement_fields():
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
                    role=s.get("role", services.default_of(Signature, "role")),
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
        if self.instance is not None and self.fields["parties"].source in attrs:
            # A party its commitments still name stays (the service checks again, locked).
            if self._stored_party_codes() - set(keys["parties"]):
                error = dropped_parties_error(self.instance, keys["parties"])
                if error is not None:
                    raise_model_errors(error)
        self._check_removals(attrs, keys)

    def _stored_party_codes(self) -> set[str]:
        """The stored parties' codes: from the rows the view prefetched (no query), else read."""
        cached = getattr(self.instance, "_prefetched_objects_cache", {}).get("agreement_parties")
        if cached is not None:
            return {row.party.code for row in cached}
        return {item["party"].code for item in self._stored("parties")}

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

    def write_arguments(self) -> dict:
        """The validated input as ``services.agreement_save`` takes it: the agreement's own
        fields and the nested collections given (people still as slugs or names)."""
        data = dict(self.validated_data)
        collections = {}
        for name in NESTED:
            key = self.fields[name].source
            if key in data:
                collections[name] = data.pop(key)
        return {"data": data, "collections": collections}

    def create(self, validated_data):
        raise NotImplementedError("Write through services.agreement_save(**write_arguments()).")

    def update(self, instance, validated_data):
        raise NotImplementedError("Write through services.agreement_save(**write_arguments()).")
