"""The API representation of parties (with their partners) and people (with their
signatures)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.api.fields import PartyCodeField
from agreements.models import (
    Party,
    PartyKind,
    Person,
    Signature,
    lowercase_slug_validator,
)
from config.api.serializers import (
    NoOpUpdateMixin,
    raise_model_errors,
)
from config.api.strict import StrictTypesMixin


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
