"""The agreement representation is declared once, by the serializer: the spec the fast read
paths are built from covers every field of it, and a field added to a serializer's
``Meta.fields`` reaches both fast paths (SQLite and PostgreSQL) with nothing else changed."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from agreements.api import representation
from agreements.api.serializers import (
    AgreementSerializer,
    SignatureSerializer,
    SourceSerializer,
)
from agreements.api.spec import (
    Children,
    Scalar,
    agreement_spec,
    prefetches,
    select_related,
    spec_of,
)
from agreements.models import Agreement

from .fixtures import ALL, agreements_fixture, module_agreements_fixture  # noqa: F401


def readable(serializer) -> list[str]:
    return [name for name, field in serializer.fields.items() if not field.write_only]


def test_spec_covers_every_serializer_field_in_order():
    """Every key of the serializer, nested ones included, is in the spec, in the same order,
    with each nested serializer's declared ordering."""
    root = AgreementSerializer()
    found = agreement_spec()
    assert [m.key for m in found.members] + [found.url.key] == readable(root)
    assert found.url.key == "url" and found.url.lookup_field == "slug"
    for member in found.members:
        field = root.fields[member.key]
        if isinstance(member, Scalar):
            assert not isinstance(field, serializers.ListSerializer)
            continue
        assert isinstance(member, Children)
        assert [f.key for f in member.fields] == readable(field.child)
        assert list(member.ordering) == list(field.child.Meta.ordering)
        assert member.accessor == field.source
        assert member.model is field.child.Meta.model
    kinds = {m.key: m.kind for m in found.scalars}
    assert kinds["signed_on"] == "date" and kinds["created_at"] == "datetime"
    assert {m.key: m.path for m in found.scalars}["signed_country"] == "signed_country__code"
    related = {c.key: c for c in found.children}["related"]
    assert related.parent == "from_agreement"
    assert related.public_filter == (("to_agreement__is_published", True),)
    signatures = {c.key: c for c in found.children}["signatures"]
    assert [f.path for f in signatures.fields][:3] == [
        "person__slug",
        "person__name",
        "party__code",
    ]


# A field added to a nested row and to the agreement, by their serializers' Meta.fields only.


class SourceWithTimes(SourceSerializer):
    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, "created_at"]


class ExtendedAgreementSerializer(AgreementSerializer):
    sources = SourceWithTimes(many=True, required=False)

    class Meta(AgreementSerializer.Meta):
        fields = ["id", *AgreementSerializer.Meta.fields]


def test_a_field_added_to_meta_fields_reaches_the_fast_path(agreements, editor):
    """Both fast paths (this database's) write an extended serializer's fields as it does."""
    extended = spec_of(ExtendedAgreementSerializer)
    assert extended.members[0] == Scalar("id", "id", "plain")
    request = APIRequestFactory().get("/api/v1/agreements/")
    request.user = editor
    queryset = (
        Agreement.objects.select_related(*select_related(extended))
        .prefetch_related(*prefetches(extended, include_drafts=True))
        .order_by("pk")
    )
    compared = 0
    for agreement in queryset.filter(slug__in=ALL):
        fast = representation.one(
            Agreement.objects.filter(pk=agreement.pk), request, include_drafts=True, spec=extended
        )
        slow = ExtendedAgreementSerializer(agreement, context={"request": request}).data
        assert list(fast) == list(slow)
        assert fast == dict(slow), agreement.slug
        compared += bool(slow["sources"])
    assert compared, "no fixture agreement has a source"


@pytest.mark.parametrize(
    "extra",
    [
        lambda: serializers.SerializerMethodField(),
        lambda: serializers.ListField(source="signed_on", child=serializers.DateField()),
        lambda: serializers.MultipleChoiceField(source="kind", choices=["a"]),
        lambda: serializers.FloatField(source="pk"),
        lambda: serializers.DateField(source="signed_on", format="%d/%m/%Y"),
    ],
)
def test_a_field_the_fast_paths_cannot_write_is_refused(extra):
    """Written otherwise than as stored (or not from the database): refused, not guessed."""

    class Meta(AgreementSerializer.Meta):
        fields = ["extra", *AgreementSerializer.Meta.fields]

    attrs = {"extra": extra(), "Meta": Meta, "get_extra": lambda self, obj: 1}
    with pytest.raises(ImproperlyConfigured, match="extra"):
        spec_of(type("Computed", (AgreementSerializer,), attrs))


def test_a_field_through_a_null_relation_must_allow_null():
    """DRF leaves such a field out when the relation is null; the fast paths would write null."""

    class PartyName(SignatureSerializer):
        party_name = serializers.CharField(source="party.name", read_only=True)

        class Meta(SignatureSerializer.Meta):
            fields = [*SignatureSerializer.Meta.fields, "party_name"]

    class WithPartyNames(AgreementSerializer):
        signatures = PartyName(many=True, required=False)

    with pytest.raises(ImproperlyConfigured, match="party_name"):
        spec_of(WithPartyNames)


def test_nested_ordering_must_be_declared():
    class Unordered(SourceSerializer):
        class Meta(SourceSerializer.Meta):
            ordering = None

    class WithUnorderedSources(AgreementSerializer):
        sources = Unordered(many=True, required=False)

    with pytest.raises(ImproperlyConfigured, match="ordering"):
        spec_of(WithUnorderedSources)
