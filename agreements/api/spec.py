"""The agreement representation as data, derived from ``AgreementSerializer``.

The serializer (and its nested serializers) is the one declaration of the agreement's JSON:
its fields, their names and sources, and (``Meta.ordering`` on each nested serializer) the
order of the nested rows. ``spec_of()`` walks it and returns what the fast read paths
(``agreements.api.representation``) need to build the same JSON without a serializer object
per row: for each key, in the serializer's order, the ORM path of its value and how the value
is written. ``agreement_spec()`` is the API's, built once per process.

Adding a field to the agreement or to a nested row takes the model field, its migration and
its name in the serializer's ``Meta.fields``; a field of a kind not handled here is refused
when the spec is built, not silently written differently.
"""

import functools
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Prefetch
from rest_framework import serializers

Kind = Literal["plain", "str", "date", "datetime", "list", "many"]


@dataclass(frozen=True)
class Scalar:
    key: str  # the output key
    path: str  # the ORM path of its value, for .values() and F()
    kind: Kind  # how the value is written: as is, ISO date, DRF's datetime, list


@dataclass(frozen=True)
class Children:
    key: str  # the output key
    model: type  # the nested rows' model
    accessor: str  # the reverse relation on the agreement (the nested serializer's source)
    parent: str  # its foreign key to the agreement
    ordering: tuple[str, ...]  # the order of the rows within one agreement
    fields: tuple[Scalar, ...]
    # Filter (lookup, value pairs) for readers who may not see drafts, e.g. links to them.
    public_filter: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Url:
    key: str
    view_name: str
    lookup_field: str


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key on every read
class Spec:
    members: tuple[Scalar | Children, ...]  # every key but the URL, in the output's order
    url: Url  # the last key: it depends on the request's host

    @property
    def scalars(self) -> tuple[Scalar, ...]:
        return tuple(m for m in self.members if isinstance(m, Scalar))

    @property
    def children(self) -> tuple[Children, ...]:
        return tuple(m for m in self.members if isinstance(m, Children))


# Field classes whose representation is the value as stored (JSON-compatible as it is).
PLAIN_FIELDS = (
    serializers.CharField,
    serializers.ChoiceField,
    serializers.BooleanField,
    serializers.IntegerField,
)


def _plain(field: serializers.Field) -> bool:
    # A multiple choice is written as a set, not as stored.
    return isinstance(field, PLAIN_FIELDS) and not isinstance(
        field, serializers.MultipleChoiceField
    )


def _path(field: serializers.Field) -> str:
    return "__".join(field.source_attrs)


def _stored_as_text(field: serializers.Field, model: type) -> bool:
    """Whether the model field behind a serializer field holds text (or is not a model
    field at all, e.g. an annotation)."""
    for attr in field.source_attrs[:-1]:
        model = model._meta.get_field(attr).related_model
    try:
        stored = model._meta.get_field(field.source_attrs[-1])
    except FieldDoesNotExist:  # not a model field
        return True
    return stored.get_internal_type() in {"CharField", "TextField", "SlugField", "URLField"}


def _check_relations(field: serializers.Field, model: type) -> None:
    """DRF leaves out a field whose source goes through a null relation (``party.name`` of a
    signature without a party) unless it allows null; the fast paths would write null."""
    for attr in field.source_attrs[:-1]:
        relation = model._meta.get_field(attr)
        if relation.null and not field.allow_null:
            raise ImproperlyConfigured(
                f"{field.field_name}: {attr} may be null; declare the field allow_null=True."
            )
        model = relation.related_model


def scalar(field: serializers.Field, model: type) -> Scalar:
    """The spec of one non-nested serializer field of a serializer of ``model``."""
    key = field.field_name
    _check_relations(field, model)
    if isinstance(field, serializers.ManyRelatedField):
        # A many-to-many written as its rows' natural keys (``party.code``), in that order.
        slug_field = getattr(field.child_relation, "slug_field", None)
        if slug_field is None:
            raise ImproperlyConfigured(f"{key}: a many-to-many needs a slug field.")
        return Scalar(key, f"{_path(field)}__{slug_field}", "many")
    # A reference written as one of its fields: SlugRelatedField, PersonField, …
    slug_field = getattr(field, "slug_field", None)
    if slug_field is not None:
        return Scalar(key, f"{_path(field)}__{slug_field}", "plain")
    if isinstance(field, serializers.DateTimeField):
        kind = "datetime"
    elif isinstance(field, serializers.DateField):
        kind = "date"
    elif isinstance(field, serializers.ListField) and _plain(field.child):
        kind = "list"
    elif isinstance(field, serializers.CharField) and not _stored_as_text(field, model):
        kind = "str"  # DRF writes str(value): a UUID, say
    elif _plain(field):
        kind = "plain"
    else:
        raise ImproperlyConfigured(
            f"{key}: {type(field).__name__} has no fast-path representation (agreements.api.spec)."
        )
    if getattr(field, "format", None) not in (None, serializers.empty):
        raise ImproperlyConfigured(f"{key}: a date or time format of its own is not supported.")
    return Scalar(key, _path(field), kind)


def children(field: serializers.ListSerializer, model: type) -> Children:
    """The spec of a nested ``many=True`` serializer: a reverse foreign key of ``model``."""
    relation = model._meta.get_field(field.source)
    child = field.child
    meta = child.Meta
    if meta.model is not relation.related_model:
        raise ImproperlyConfigured(f"{field.field_name}: {meta.model} is not {relation}.")
    ordering = getattr(meta, "ordering", None)
    if not ordering:
        raise ImproperlyConfigured(f"{field.field_name}: declare Meta.ordering.")
    fields = tuple(scalar(f, meta.model) for f in child.fields.values() if not f.write_only)
    if sum(f.kind == "many" for f in fields) > 1:
        raise ImproperlyConfigured(f"{field.field_name}: at most one many-to-many per row.")
    return Children(
        key=field.field_name,
        model=meta.model,
        accessor=field.source,
        parent=relation.field.name,
        ordering=tuple(ordering),
        fields=fields,
        public_filter=tuple(getattr(meta, "public_filter", {}).items()),
    )


def spec_of(serializer_class: type[serializers.ModelSerializer]) -> Spec:
    """Walk a serializer class (one level of nested ``many=True`` serializers) into a Spec."""
    model = serializer_class.Meta.model
    members, url = [], None
    for field in serializer_class().fields.values():
        if field.write_only:
            continue
        if url is not None:
            raise ImproperlyConfigured(f"{url.key}: the URL must be the last field.")
        if isinstance(field, serializers.HyperlinkedIdentityField):
            url = Url(field.field_name, field.view_name, field.lookup_field)
        elif isinstance(field, serializers.ListSerializer):
            members.append(children(field, model))
        else:
            member = scalar(field, model)
            if member.kind == "many":
                raise ImproperlyConfigured(f"{member.key}: a many-to-many only in nested rows.")
            members.append(member)
    if url is None:
        raise ImproperlyConfigured(f"{serializer_class.__name__}: no URL field.")
    return Spec(members=tuple(members), url=url)


@functools.cache
def agreement_spec() -> Spec:
    """The spec of the API's agreement representation (built once per process)."""
    from agreements.api.serializers import AgreementSerializer

    return spec_of(AgreementSerializer)


def _joins(fields: tuple[Scalar, ...]) -> list[str]:
    """The relations the fields' paths go through (``party__code`` → ``party``); not the
    many-to-many ones, which are prefetched."""
    return list(
        dict.fromkeys(
            f.path.rsplit("__", 1)[0] for f in fields if "__" in f.path and f.kind != "many"
        )
    )


def select_related(spec: Spec) -> list[str]:
    """What the agreement query joins for the serializer's scalar fields."""
    return _joins(spec.scalars)


def prefetches(spec: Spec, *, include_drafts: bool) -> list[Prefetch]:
    """The serializer's nested rows, one query per collection, in the declared order."""
    out = []
    for child in spec.children:
        rows = child.model._default_manager.select_related(*_joins(child.fields))
        if not include_drafts:
            rows = rows.filter(**dict(child.public_filter))
        out.append(Prefetch(child.accessor, queryset=rows.order_by(*child.ordering)))
        for many in (f for f in child.fields if f.kind == "many"):
            # In the order the fast paths write them: by the natural key.
            relation, slug_field = many.path.rsplit("__", 1)
            related = child.model._meta.get_field(relation).related_model
            out.append(
                Prefetch(
                    f"{child.accessor}__{relation}",
                    queryset=related._default_manager.order_by(slug_field),
                )
            )
    return out


# The write side of the same declaration: which fields a write may set, and how each nested
# collection is keyed (``Meta.row_key`` of its serializer: the fields that identify a row, so
# a replacement updates rows in place and history says "signature added", not "replaced").


@dataclass(frozen=True)
class Collection:
    name: str  # the representation's key: parties, signatures, …
    model: type
    parent: str  # the rows' foreign key to the agreement
    keys: tuple[str, ...]  # model fields identifying a row (``Meta.row_key``)
    values: tuple[str, ...]  # the other writable model fields, in the serializer's order
    fields: dict  # model field → the serializer field writing it (names, relations)


@dataclass(frozen=True)
class WriteSpec:
    scalars: tuple[str, ...]  # the agreement's writable model fields, in the serializer's order
    collections: dict[str, Collection]


def write_spec_of(serializer_class: type[serializers.ModelSerializer]) -> WriteSpec:
    model = serializer_class.Meta.model
    scalars, collections = [], {}
    for field in serializer_class().fields.values():
        if field.read_only:
            continue
        if not isinstance(field, serializers.ListSerializer):
            scalars.append(field.source)
            continue
        child, relation = field.child, model._meta.get_field(field.source)
        keys = tuple(getattr(child.Meta, "row_key", ()))
        if not keys:
            raise ImproperlyConfigured(f"{field.field_name}: declare Meta.row_key.")
        writable = {f.source: f for f in child.fields.values() if not f.read_only}
        collections[field.field_name] = Collection(
            name=field.field_name,
            model=child.Meta.model,
            parent=relation.field.name,
            keys=keys,
            values=tuple(s for s in writable if s not in keys),
            fields=writable,
        )
    return WriteSpec(scalars=tuple(scalars), collections=collections)


@functools.cache
def agreement_write_spec() -> WriteSpec:
    """The writable fields of the API's agreement (built once per process)."""
    from agreements.api.serializers import AgreementSerializer

    return write_spec_of(AgreementSerializer)
