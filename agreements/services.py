"""Writes that span an agreement and its nested records: one service for the aggregate.

``agreement_save`` is the one way an agreement and its collections are written, from the
API (the view calls it after validation), the admin (its form and inline formsets feed
it), the catalogue loader and the drafting endpoint. Each call is one ``write()``: its own
transaction, one history revision, the write lock, and one change log whose events it
computes itself (``agreements.sync.affected``) when the write closes.
"""

import functools
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Lower

from agreements.api.spec import agreement_write_spec
from agreements.commitments.services import commitments_refresh_due, dropped_parties_error
from agreements.sync.affected import IDENTITY, AgreementTouched, agreement_events
from agreements.sync.changelog import lock_writes, write
from agreements.validation import SignatureKey, agreement_collection_errors
from minerals.models import Mineral

from .models import (
    Agreement,
    Person,
    Signature,
)


def agreement_fields() -> tuple[str, ...]:
    """The agreement's writable fields, as the API's serializer declares them."""
    return agreement_write_spec().scalars


@functools.cache
def collection_fields() -> dict[str, tuple[Any, str, tuple[str, ...], tuple[str, ...]]]:
    """Each nested collection: (model, parent field, key fields, value fields), as the API's
    serializers declare them (``Meta.row_key`` names the key), so a replacement updates rows
    in place and the history shows "signature added" rather than delete-all-insert-all."""
    return {
        c.name: (c.model, c.parent, c.keys, c.values)
        for c in agreement_write_spec().collections.values()
    }


def _value(obj, field: str):
    """A row's value of a field; the id for a foreign key (without fetching the row)."""
    return getattr(obj, field + "_id") if hasattr(obj, field + "_id") else getattr(obj, field)


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


def _key(obj, fields: tuple[str, ...]) -> tuple:
    return tuple(_value(obj, f) for f in fields)


def default_of(model, field: str):
    """A field's default: declared on the model, nowhere else."""
    return model._meta.get_field(field).get_default()


def _item_key(model, item: dict, fields: tuple[str, ...]) -> tuple:
    return tuple(_plain(item[f]) if f in item else default_of(model, f) for f in fields)


def people_lookup(values: Iterable[str]) -> dict[str, Person | None]:
    """Each value (a person's slug or name) → the person with that slug, else the first with
    that name (any case), else None; two queries whatever the number of values."""
    values = {v.strip() for v in values}
    by_slug = {p.slug: p for p in Person.objects.filter(slug__in=values)}
    by_name: dict[str, Person] = {}
    names = {v.casefold() for v in values if v not in by_slug}
    if names:
        named = Person.objects.annotate(lname=Lower("name")).filter(lname__in=names)
        for person in named.order_by("-pk"):  # the oldest wins
            by_name[person.name.casefold()] = person
    return {v: by_slug.get(v.strip()) or by_name.get(v.strip().casefold()) for v in values}


def people_for(values: Iterable[str]) -> dict[str, Person]:
    """Each value → its person (see ``people_lookup``), creating the people not found.

    Call it inside the write's transaction: it takes the write lock first, so two requests
    naming the same new person cannot both create it (the second finds the first's)."""
    lock_writes()
    found = people_lookup(values)
    created: dict[str, Person] = {}
    for value, person in found.items():
        if person is None:
            name = value.strip()
            person = created.get(name.casefold())
            if person is None:
                person = Person(name=name)
                person.full_clean(exclude=["slug"])
                person.save()
                created[name.casefold()] = person
            found[value] = person
    return found


def person_for(name_or_slug: str) -> Person:
    """The person with this slug, else with this name, else a new person."""
    return people_for([name_or_slug])[name_or_slug.strip()]


# The agreement's dates that commitments' relative due dates count from.
DUE_FROM_FIELDS = ("signed_on", "signed_on_precision", "effective_on", "effective_on_precision")


@functools.cache
def aggregate_models() -> frozenset:
    """The models whose changes the agreement service accounts for itself (no signal
    handlers)."""
    return frozenset({Agreement, *(model for model, *_ in collection_fields().values())})


def _replace_collection(touched: AgreementTouched, name: str, items: Iterable[dict]) -> None:
    """Make the stored collection equal ``items``, recording each row saved or deleted."""
    agreement = touched.agreement
    model, parent, key_fields, value_fields = collection_fields()[name]
    stored = model.objects.filter(**{parent: agreement}) if touched.before is not None else []
    existing = {_key(obj, key_fields): obj for obj in stored}
    if name == "parties" and existing:
        items = list(items)
        _check_dropped_parties(agreement, existing, items)
    keep = set()
    for item in items:
        key = _item_key(model, item, key_fields)
        obj = existing.get(key)
        if obj is None:
            obj = model(**{parent: agreement}, **{f: item[f] for f in key_fields if f in item})
        changed = obj.pk is None
        for field in value_fields:
            if field in item and _value(obj, field) != _plain(item[field]):
                setattr(obj, field, item[field])
                changed = True
        if name == "signatures" and obj.signed_on is None and agreement.signed_on:
            changed = True  # Signature.save fills the date in from the agreement
        if changed:
            _stamp_user(obj, touched)
            obj.save()
            touched.row_changed(name, obj)
        keep.add(key)
    for key, obj in existing.items():
        if key not in keep:
            _stamp_user(obj, touched)
            obj.delete()
            touched.row_changed(name, obj)


def _check_dropped_parties(agreement: Agreement, existing: dict, items: list[dict]) -> None:
    """A party leaves only once no commitment of the agreement names it (checked here,
    under the lock and before any row is written: a commitment may have named it since the
    caller checked). The parties collection is replaced first, so nothing is saved yet."""
    kept = {(item["party"].pk,) for item in items}
    if set(existing) - kept:
        error = dropped_parties_error(agreement, (item["party"].code for item in items))
        if error is not None:
            raise error


def _stamp_user(obj, touched: AgreementTouched) -> None:
    if touched.user is not None:
        obj._history_user = touched.user  # simple-history's "who" outside a request


def _resolve_people(collections: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Signatures naming a person by slug or name get the person, created if new (under
    the write lock, so two writes naming the same new person create it once)."""
    signatures = collections.get("signatures")
    if not signatures:
        return collections
    people = people_for(s["person"] for s in signatures if isinstance(s["person"], str))
    resolved = [
        {**s, "person": people[s["person"].strip()]} if isinstance(s["person"], str) else s
        for s in signatures
    ]
    return {**collections, "signatures": resolved}


# collection → (stored rows' key values as the rules take them, the same from an item)
RULE_KEYS = {
    "parties": ("party__code", lambda i: i["party"].code),
    "signatures": (
        ("person__slug", "role", "party__code"),
        lambda i: (
            i["person"].slug,
            i.get("role") or default_of(Signature, "role"),
            i["party"].code if i.get("party") else None,
        ),
    ),
    "minerals": ("mineral__slug", lambda i: i["mineral"].slug),
    "sources": ("url", lambda i: i["url"]),
    "related": ("to_agreement__slug", lambda i: i["to_agreement"].slug),
}


def _check_rules(agreement: Agreement, collections: dict[str, list[dict]]) -> None:
    """The cross-row rules over the agreement as this write leaves it, under the lock: the
    caller validated before taking it, and a concurrent write may have changed the rows
    this one keeps. Collections given cost no query; the others are read."""
    keys = {}
    for name, (stored, from_item) in RULE_KEYS.items():
        if name in collections:
            keys[name] = [from_item(item) for item in collections[name]]
        else:
            model, parent = collection_fields()[name][:2]
            fields = stored if isinstance(stored, tuple) else (stored,)
            rows = model.objects.filter(**{parent: agreement}).order_by("pk")
            keys[name] = list(rows.values_list(*fields, flat=len(fields) == 1))
    keys["signatures"] = [SignatureKey(*key) for key in keys["signatures"]]
    errors = agreement_collection_errors(
        is_published=bool(agreement.is_published), slug=agreement.slug or None, **keys
    )
    if errors:
        messages: dict[str, list[str]] = {}
        for error in errors:
            messages.setdefault(error.collection, []).append(error.message)
        raise ValidationError(messages)


def agreement_save(
    *,
    agreement: Agreement | None = None,
    data: dict[str, Any],
    collections: dict[str, list[dict]],
    user=None,
) -> Agreement:
    """Create or update an agreement and replace the nested collections given, atomically.

    ``data`` holds validated scalar fields (model instances for foreign keys);
    ``collections`` maps a collection name to its validated items (a signature's person
    may be a slug or a name), and a collection that is absent is left as it is. One
    transaction, one revision, one change log; a write that changes nothing saves nothing
    (no new version, no event, ``updated_at`` unchanged). ``user`` is who the history
    names when there is no request (commands).
    """
    with write(handled=aggregate_models()) as log:
        agreement = agreement or Agreement()
        before = None if agreement.pk is None else {f: getattr(agreement, f) for f in IDENTITY}
        touched = AgreementTouched(agreement, before, changed=before is None, user=user)
        dates = {f: getattr(agreement, f) for f in DUE_FROM_FIELDS}
        log.before_close.append(partial(agreement_events, touched=touched))
        for field in agreement_fields():
            if field in data and getattr(agreement, field) != data[field]:
                setattr(agreement, field, data[field])
                touched.changed = True
        # The rules, as the API and the admin check them before calling (clean() words the
        # check constraints; the database still enforces them).
        exclude = ["slug"] if not agreement.slug else None
        agreement.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        _stamp_user(agreement, touched)
        if before is None:
            agreement.save()
        collections = _resolve_people(collections)
        if touched.changed or collections:
            _check_rules(agreement, collections)
        for name in collection_fields():
            if name in collections:
                _replace_collection(touched, name, collections[name])
        if touched.changed:
            if before is not None:
                agreement.save()
            agreement_refresh_search(agreement)
        if before is not None and any(getattr(agreement, f) != v for f, v in dates.items()):
            # Relative due dates ("within six months of signing") follow the agreement's.
            commitments_refresh_due(agreement)
    return agreement


def agreement_delete(*, agreement: Agreement) -> None:
    """Delete an agreement and its nested rows in one write (the cascade's events come from
    the safety-net handlers, into this write's change log)."""
    with write():
        agreement.delete()


def agreement_search_text(agreement: Agreement) -> str:
    """The text that full-text search looks in: title, summary, place, people, minerals."""
    parts = [agreement.title, agreement.short_title, agreement.summary, agreement.signed_place]
    parts += Signature.objects.filter(agreement=agreement).values_list("person__name", flat=True)
    minerals = Mineral.objects.filter(agreement_minerals__agreement=agreement)
    parts += minerals.values_list("name", flat=True)
    parts += minerals.values_list("aliases__name", flat=True)
    return " ".join(p for p in parts if p)


def agreement_refresh_search(agreement: Agreement) -> None:
    """Keep the stored search text (and, on PostgreSQL, its tsvector) in step with the record."""
    text = agreement_search_text(agreement)
    update: dict[str, Any] = {"search_text": text}
    if connection.vendor == "postgresql":
        update["search_vector"] = SearchVector(Value(text), config="english")
    Agreement.objects.filter(pk=agreement.pk).update(**update)
    agreement.search_text = text


def agreement_set_published(agreement: Agreement, published: bool, *, user=None) -> None:
    agreement_save(agreement=agreement, data={"is_published": published}, collections={}, user=user)
