"""Reference fields of the agreement API: parties, minerals and agreements by natural key
(looked up in one query per model for a whole request), and people by slug or name."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import (
    Party,
    PartyKind,
)


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

    slug_field = "slug"  # how it reads (agreements.api.spec uses it too)

    def to_representation(self, value):
        return getattr(value, self.slug_field)

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
