"""The commitment representation: nested (read-only) in an agreement, and whole at
/api/v1/commitments/."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from agreements.commitments.services import commitment_save, responsible_parties_errors
from agreements.models import Agreement, Commitment, DueFrom, DueUnit, Party
from config.api.serializers import STRICT_FIELD_MAPPING, raise_model_errors
from config.api.strict import StrictTypesMixin

MAX_RESPONSIBLE_PARTIES = 100

# The fields of a commitment inside an agreement's representation, in order (the fast read
# paths follow it through agreements/api/spec.py; the admin's form edits the same fields).
NESTED_FIELDS = (
    "key",
    "text",
    "kind",
    "responsible_parties",
    "due_on",
    "due_on_precision",
    "due_within",
    "due_unit",
    "due_from",
    "status",
    "status_on",
    "status_source_url",
    "status_quote",
    "source_url",
    "quote",
)


class ResponsiblePartiesField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Party.objects.all())
        super().__init__(**kwargs)


class CommitmentNestedSerializer(serializers.ModelSerializer):
    """A commitment as an agreement embeds it (read-only there)."""

    key = serializers.CharField(read_only=True, help_text="Stable key of the commitment.")
    responsible_parties = serializers.SlugRelatedField(
        many=True,
        read_only=True,
        slug_field="code",
        help_text="Codes of the parties that promised it, sorted; empty: all the parties.",
    )
    # Declared: a read-only field generated from the model would lose allow_blank, and the
    # schema would then refuse the empty value these have without a relative due date.
    due_unit = serializers.ChoiceField(
        choices=DueUnit.choices,
        allow_blank=True,
        read_only=True,
        help_text="Unit of `due_within`: days, months or years; empty without it.",
    )
    due_from = serializers.ChoiceField(
        choices=DueFrom.choices,
        allow_blank=True,
        read_only=True,
        help_text="What `due_within` counts from (signing, entry into force); empty without it.",
    )
    status_source_url = serializers.URLField(
        allow_blank=True,
        read_only=True,
        max_length=500,
        help_text="The source that reports the status; empty while none does.",
    )

    class Meta:
        model = Commitment
        fields = list(NESTED_FIELDS)
        read_only_fields = list(NESTED_FIELDS)
        # The order of an agreement's commitments (as recorded), for the derived read path.
        ordering = ("id",)


class CommitmentSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A commitment with its agreement: read and written at /api/v1/commitments/."""

    serializer_field_mapping = STRICT_FIELD_MAPPING

    key = serializers.CharField(read_only=True, help_text="Stable key, used in URLs and feeds.")
    agreement = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agreement.objects.all(),
        help_text="The agreement (slug) that holds the promise.",
    )
    agreement_title = serializers.CharField(
        source="agreement.title", read_only=True, help_text="The agreement's title."
    )
    responsible_parties = ResponsiblePartiesField(
        many=True,
        required=False,
        help_text="Codes of the parties that promised it, among the agreement's parties; "
        f"empty: all of them (at most {MAX_RESPONSIBLE_PARTIES}).",
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:commitment-detail", lookup_field="key", help_text="This resource."
    )

    class Meta:
        model = Commitment
        fields = [
            "key",
            "agreement",
            "agreement_title",
            *NESTED_FIELDS[1:],
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "due_on": {
                "help_text": "When it falls due. With `due_within` it is computed from the "
                "agreement's dates and any value sent is ignored."
            },
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["key"] = str(instance.key)
        data["responsible_parties"] = sorted(data["responsible_parties"])
        return data

    def validate_responsible_parties(self, value):
        if len(value) > MAX_RESPONSIBLE_PARTIES:
            raise serializers.ValidationError(
                f"Give at most {MAX_RESPONSIBLE_PARTIES} parties.", code="max_length"
            )
        if len({p.pk for p in value}) != len(value):
            raise serializers.ValidationError("A party is listed twice.", code="duplicate")
        return value

    def validate(self, attrs):
        agreement = attrs.get("agreement") or getattr(self.instance, "agreement", None)
        if self.instance is not None and agreement.pk != self.instance.agreement_id:
            # Its key, feeds and history belong to the agreement that made the promise.
            raise serializers.ValidationError(
                {"agreement": ["A commitment stays with its agreement: record a new one."]}
            )
        parties = attrs.get("responsible_parties")
        if agreement is not None and parties:
            message = responsible_parties_errors(agreement, parties)
            if message:
                raise serializers.ValidationError({"responsible_parties": [message]})
        return attrs

    def _save(self, instance, validated_data):
        agreement = validated_data.pop("agreement", None) or instance.agreement
        parties = validated_data.pop("responsible_parties", None)
        try:
            return commitment_save(
                commitment=instance,
                agreement=agreement,
                data=validated_data,
                responsible_parties=parties,
            )
        except DjangoValidationError as exc:
            raise_model_errors(exc)

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)
