"""Filter building blocks shared by every list endpoint: natural keys given in any case,
one-key ordering, bounded search text, enums — each documented in the schema."""

import django_filters as filters
from django import forms
from django.db.models import F
from drf_spectacular.drainage import set_override

from config.api.schema_hooks import enum_member_name


def normalise(key: str) -> str:
    """How a key given in a filter is compared: case and surrounding spaces do not count,
    and a hyphen equals a space (``Rare earths`` = ``rare-earths``)."""
    return " ".join(key.replace("-", " ").split()).casefold()


def known_keys(keys, mapping, what):
    """Keys (compared as ``normalise`` does) → what ``mapping`` holds for them."""
    given = list(keys)
    keys = [normalise(k) for k in given]
    # Named as the client wrote them.
    unknown = [g for g, k in zip(given, keys, strict=True) if k not in mapping]
    if unknown:
        shown = ", ".join(unknown)[:200]
        # The keys go in params: the message is %-formatted later, and a key may contain "%".
        raise forms.ValidationError(
            "Unknown %(what)s: %(keys)s.",
            code="invalid_choice",
            params={"what": what, "keys": shown},
        )
    return [mapping[k] for k in dict.fromkeys(keys)]


class KeyListField(forms.MultipleChoiceField):
    """Repeated natural keys (party codes, mineral slugs) → what ``lookup()`` maps them to."""

    def __init__(self, *, lookup, what, **kwargs):
        self.lookup, self.what = lookup, what
        super().__init__(**kwargs)

    def valid_value(self, value):
        return True  # checked against the cached keys in clean()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        if len(value) > 50:
            raise forms.ValidationError("Give at most 50 values.", code="invalid")
        return known_keys(value, self.lookup(), self.what)


# A code or slug in a filter: any case, a mineral's name or alias too (``Lithium``).
KEY_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 120}


class DocumentedStringFilter:
    """A string parameter documented with its help_text. drf-spectacular takes a schema
    override's description from the override alone, so a class-wide override would drop
    every filter's help_text; each filter carries its own."""

    schema: dict = KEY_SCHEMA

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_override(self, "field", {**self.schema, "description": self.extra.get("help_text", "")})


class KeyMultipleChoiceFilter(DocumentedStringFilter, filters.MultipleChoiceFilter):
    """Repeatable natural key (party code, mineral slug); any unknown key is a 400."""

    field_class = KeyListField


class KeyField(forms.CharField):
    """One natural key (any case) → its id, via ``lookup()``; unknown is a 400."""

    def __init__(self, *, lookup, what, **kwargs):
        self.lookup, self.what = lookup, what
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        (found,) = known_keys([value], self.lookup(), self.what)
        return found[0] if isinstance(found, tuple) else found  # a mineral: (id, member ids)


class KeyChoiceFilter(DocumentedStringFilter, filters.Filter):
    """One natural key (a list's slug, a party's code), any case; unknown is a 400."""

    field_class = KeyField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(**{f"{self.field_name}__pk": value}).distinct()


class KeyOrderingFilter(filters.ChoiceFilter):
    """``ordering``: one sort key from a fixed list, ``-`` for descending, empty values last,
    ties broken by ``tie`` so that pages never shift. One key, given once: a schema enum of
    plain strings (each with a member name for generated clients)."""

    def __init__(self, *args, fields, default, tie, **kwargs):
        self.param_map = dict(fields)
        self.default, self.tie = default, tie
        values = [v for name in self.param_map for v in (name, f"-{name}")]
        kwargs.setdefault("choices", [(v, v) for v in values])
        super().__init__(*args, **kwargs)
        set_override(
            self,
            "field",
            {
                "type": "string",
                "enum": values,
                "x-enum-varnames": [enum_member_name(v) for v in values],
                "description": self.extra.get("help_text", ""),
            },
        )

    def filter(self, qs, value):
        value = value or self.default
        expr = F(self.param_map[value.lstrip("-")])
        if value.startswith("-"):
            expr = expr.desc(nulls_last=True)
        else:
            expr = expr.asc(nulls_last=True)
        return qs.order_by(expr, self.tie)


class SearchFilter(filters.CharFilter):
    """``q``: a documented maximum length (longer is a 400)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        set_override(
            self,
            "field",
            {
                "type": "string",
                "minLength": 1,
                "maxLength": self.extra["max_length"],
                "description": self.extra.get("help_text", ""),
            },
        )


class EnumChoiceFilter(filters.ChoiceFilter):
    """A choice documented as a string enum (drf-spectacular would guess ``boolean`` from
    values that read like booleans)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_override(
            self,
            "field",
            {
                "type": "string",
                "enum": [value for value, _ in self.extra["choices"]],
                "description": self.extra.get("help_text", ""),
            },
        )
