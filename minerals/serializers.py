"""The API representation of minerals and criticality lists."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from agreements.models import Party
from config.api.serializers import STRICT_FIELD_MAPPING, StrictCharField, raise_model_errors
from config.api.strict import StrictTypesMixin

from .models import (
    Mineral,
    MineralAlias,
    MineralList,
    MineralListEntry,
    lowercase_slug_validator,
)


def save_if_changed(instance, values: dict):
    """Set ``values`` and save only if something differs: a no-op PUT saves nothing, so
    updated_at and the history stay as they are."""
    changed = instance.pk is None
    for key, value in values.items():
        if changed or getattr(instance, key) != value:
            setattr(instance, key, value)
            changed = True
    if changed:
        instance.save()
    return instance


class MineralListMembershipSerializer(StrictTypesMixin, serializers.ModelSerializer):
    list = serializers.SlugRelatedField(
        source="mineral_list", slug_field="slug", read_only=True, help_text="List slug."
    )
    list_name = serializers.CharField(source="mineral_list.name", read_only=True, help_text="Name.")

    class Meta:
        model = MineralListEntry
        fields = ["list", "list_name", "label", "note"]


class AliasListField(serializers.ListField):
    """Aliases read from the related rows and written as a plain list of names."""

    def to_representation(self, data):
        return [alias.name for alias in data.all()]


class MineralSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """A mineral or group, with its aliases, members, lists and agreement count."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    slug = serializers.SlugField(
        max_length=80,
        validators=[
            lowercase_slug_validator,
            UniqueValidator(Mineral.objects.all(), "A mineral with this slug exists."),
        ],
        help_text="Stable key (lower case), e.g. `lithium`.",
    )
    group = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Mineral.objects.all(),
        allow_null=True,
        required=False,
        help_text="Slug of the group this mineral belongs to.",
    )
    aliases = AliasListField(
        child=StrictCharField(max_length=120),
        required=False,
        max_length=100,
        help_text="Other names and spellings; each maps to one mineral.",
    )
    members = serializers.SlugRelatedField(
        many=True, slug_field="slug", read_only=True, help_text="Slugs of member minerals."
    )
    lists = MineralListMembershipSerializer(
        many=True, source="list_entries", read_only=True, help_text="Lists it is on."
    )
    agreement_count = serializers.IntegerField(
        read_only=True, help_text="Agreements (visible to you) covering it or one of its members."
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="api:mineral-detail", lookup_field="slug", help_text="This resource."
    )

    class Meta:
        model = Mineral
        fields = [
            "slug",
            "name",
            "symbol",
            "group",
            "aliases",
            "description",
            "members",
            "lists",
            "agreement_count",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_aliases(self, value):
        cleaned = list(dict.fromkeys(a.strip() for a in value if a.strip()))
        taken = MineralAlias.objects.filter(name__in=cleaned)
        if self.instance is not None:
            taken = taken.exclude(mineral=self.instance)
        clash = list(taken.values_list("name", flat=True))
        if clash:
            raise serializers.ValidationError(f"Already an alias of another mineral: {clash[0]}.")
        return cleaned

    def validate(self, attrs):
        merged = Mineral(
            pk=getattr(self.instance, "pk", None),
            slug=attrs.get("slug", getattr(self.instance, "slug", "")),
            name=attrs.get("name", getattr(self.instance, "name", "")),
            group=attrs["group"] if "group" in attrs else getattr(self.instance, "group", None),
        )
        try:
            merged.clean()
        except DjangoValidationError as exc:
            raise_model_errors(exc)
        return attrs

    @transaction.atomic
    def _save(self, instance, validated_data):
        aliases = validated_data.pop("aliases", None)
        instance = save_if_changed(instance or Mineral(), validated_data)
        if aliases is not None:
            instance.aliases.exclude(name__in=aliases).delete()
            have = set(instance.aliases.values_list("name", flat=True))
            for name in aliases:
                if name not in have:
                    MineralAlias.objects.create(mineral=instance, name=name)
        return instance

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class MineralListEntrySerializer(StrictTypesMixin, serializers.ModelSerializer):
    mineral = serializers.SlugRelatedField(
        slug_field="slug", queryset=Mineral.objects.all(), help_text="Canonical mineral slug."
    )
    mineral_name = serializers.CharField(source="mineral.name", read_only=True, help_text="Name.")

    class Meta:
        model = MineralListEntry
        fields = ["mineral", "mineral_name", "label", "note"]


class MineralListSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """An official criticality list with its entries (each under the list's own label)."""

    serializer_field_mapping = STRICT_FIELD_MAPPING
    slug = serializers.SlugField(
        max_length=80,
        validators=[
            lowercase_slug_validator,
            UniqueValidator(MineralList.objects.all(), "A list with this slug exists."),
        ],
        help_text="Stable key (lower case), e.g. `us-2025`.",
    )
    jurisdiction = serializers.SlugRelatedField(
        slug_field="code", queryset=Party.objects.all(), help_text="Party code of the publisher."
    )
    entries = MineralListEntrySerializer(many=True, required=False, help_text="Entries.")
    url = serializers.HyperlinkedIdentityField(
        view_name="api:mineral-list-detail", lookup_field="slug", help_text="This resource."
    )

    class Meta:
        model = MineralList
        fields = [
            "slug",
            "name",
            "jurisdiction",
            "published_on",
            "publisher",
            "source_url",
            "complete",
            "note",
            "entries",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_entries(self, value):
        minerals, labels = set(), set()
        errors = {}
        for i, entry in enumerate(value):
            # A PATCH validates nested entries partially; an entry still needs both keys.
            missing = [key for key in ("mineral", "label") if key not in entry]
            if missing:
                errors[i] = {key: ["This field is required."] for key in missing}
                continue
            if entry["mineral"].pk in minerals:
                errors[i] = {"mineral": ["This mineral is already on the list."]}
            if entry["label"] in labels:
                errors.setdefault(i, {})["label"] = ["This label is already on the list."]
            minerals.add(entry["mineral"].pk)
            labels.add(entry["label"])
        if errors:
            raise serializers.ValidationError(errors)
        return value

    @transaction.atomic
    def _save(self, instance, validated_data):
        entries = validated_data.pop("entries", None)
        instance = save_if_changed(instance or MineralList(), validated_data)
        if entries is not None:
            stored = {e.mineral_id: e for e in instance.entries.all()}
            wanted = {e["mineral"].pk for e in entries}
            for mineral_id, entry in stored.items():
                if mineral_id not in wanted:
                    entry.delete()
            # Free labels first so swapping two labels cannot trip the unique constraint.
            for entry in entries:
                row = stored.get(entry["mineral"].pk)
                if row is not None and (row.label, row.note) != (
                    entry["label"],
                    entry.get("note", ""),
                ):
                    row.label = f"\x1f{row.pk}"
                    row.save(update_fields=["label"])
            for entry in entries:
                row = stored.get(entry["mineral"].pk) or MineralListEntry(
                    mineral_list=instance, mineral=entry["mineral"]
                )
                if row.pk is None or (row.label, row.note) != (
                    entry["label"],
                    entry.get("note", ""),
                ):
                    row.label, row.note = entry["label"], entry.get("note", "")
                    row.save()
        return instance

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)
