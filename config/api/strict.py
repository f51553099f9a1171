"""Strict JSON types for request bodies. DRF coerces quietly: ``123`` becomes ``"123"`` for a
string field, ``"yes"`` or ``1`` becomes ``true`` for a boolean, ``"12"`` becomes ``12`` for
an integer and ``""`` means null for a reference. A client sending the wrong type would never
learn of it, so here each value must have the JSON type the schema states, or the request is
a 400 naming the field (``code: "invalid"``)."""

from rest_framework import relations, serializers
from rest_framework.exceptions import ErrorDetail, ValidationError

EXPECTED = "Expected {what}, not {given}."


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def expected_type(field) -> tuple[str, tuple[type, ...]] | None:
    """What JSON type ``field`` takes: (name, Python types), or None if it checks itself."""
    if isinstance(field, serializers.BooleanField):
        return "a boolean", (bool,)
    if isinstance(field, serializers.IntegerField):
        return "an integer", (int,)
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "a number", (int, float)
    if isinstance(field, serializers.MultipleChoiceField | serializers.JSONField):
        return None
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.DateField
        | serializers.DateTimeField
        | relations.SlugRelatedField,
    ):
        return "a string", (str,)
    return None


def type_error(field, value) -> str | None:
    """The message for ``value`` of the wrong JSON type for ``field`` (None if it fits)."""
    if value is None:
        return None  # allow_null decides
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return None  # the field says "not_a_list" itself
        for item in value:
            message = type_error(field.child, item)
            if message:
                return message
        return None
    if isinstance(field, relations.RelatedField) and value == "":
        return "A reference may not be empty: give a value, or null where null is allowed."
    expected = expected_type(field)
    if expected is None:
        return None
    what, types = expected
    if isinstance(value, bool) and bool not in types:
        return EXPECTED.format(what=what, given="a boolean")
    if not isinstance(value, types):
        return EXPECTED.format(what=what, given=_json_type(value))
    return None


class StrictTypesMixin:
    """For serializers that read JSON: values of the wrong JSON type are refused before DRF
    would coerce them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for field in self._writable_fields:
                if field.field_name in data:
                    message = type_error(field, data[field.field_name])
                    if message:
                        errors[field.field_name] = [ErrorDetail(message, code="invalid")]
            if errors:
                raise ValidationError(errors)
        return super().to_internal_value(data)
