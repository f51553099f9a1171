"""Serializer building blocks shared by both apps: strict text fields, model validation
mapped to 400s, and writes that change nothing saving nothing."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers


def raise_model_errors(exc: DjangoValidationError):
    raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc


class ModelCleanMixin:
    """Run the model's ``clean()`` on validated attributes, so API and admin share rules."""

    clean_exclude: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        names = {f.name for f in model._meta.concrete_fields}
        instance = model(
            **{k: v for k, v in attrs.items() if k in names and k not in self.clean_exclude}
        )
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise_model_errors(exc)
        return attrs


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string: DRF's CharField would quietly turn 123 or
    12.5 into "123", so a client sending the wrong type would never learn of it."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        # The schema's maxLength counts the string as sent; DRF would check it only after
        # trimming white space, accepting a longer string than the schema allows.
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


STRICT_FIELD_MAPPING = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
}


class NoOpUpdateMixin:
    """A PUT or PATCH that changes nothing saves nothing: updated_at and history stay."""

    def update(self, instance, validated_data):
        if all(getattr(instance, k) == v for k, v in validated_data.items()):
            return instance
        return super().update(instance, validated_data)
