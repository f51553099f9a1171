"""Writes that span an agreement and its nested records."""

from collections.abc import Iterable
from typing import Any

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Lower

from agreements.sync.changelog import lock_writes
from minerals.models import Mineral

from .models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    Person,
    RelatedAgreement,
    Signature,
    SignatureRole,
    Source,
)

AGREEMENT_FIELDS = (
    "slug",
    "title",
    "short_title",
    "kind",
    "status",
    "legally_binding",
    "announced_on",
    "announced_on_precision",
    "signed_on",
    "signed_on_precision",
    "effective_on",
    "effective_on_precision",
    "expires_on",
    "expires_on_precision",
    "terminated_on",
    "terminated_on_precision",
    "signed_place",
    "signed_country",
    "summary",
    "text_url",
    "is_published",
)

# How each nested collection is keyed, so a replacement updates rows in place and the
# history shows "signature added" / "mineral removed" rather than delete-all-insert-all.
COLLECTIONS: dict[str, tuple[Any, str, tuple[str, ...], tuple[str, ...]]] = {
    # name: (model, parent field, key fields, value fields)
    "parties": (
        AgreementParty,
        "agreement",
        ("party",),
        ("signed_on", "ratified_on", "withdrawn_on"),
    ),
    "signatures": (Signature, "agreement", ("person", "role"), ("party", "office", "signed_on")),
    "minerals": (AgreementMineral, "agreement", ("mineral",), ("stages", "note")),
    "sources": (Source, "agreement", ("url",), ("title", "publisher", "published_on", "kind")),
    "related": (RelatedAgreement, "from_agreement", ("to_agreement",), ("kind",)),
}


def _key(obj, fields: tuple[str, ...]) -> tuple:
    return tuple(
        getattr(obj, f + "_id") if hasattr(obj, f + "_id") else getattr(obj, f) for f in fields
    )


def _item_key(model, item: dict, fields: tuple[str, ...]) -> tuple:
    values = [item[f] if f in item else model._meta.get_field(f).get_default() for f in fields]
    return tuple(v.pk if hasattr(v, "pk") else v for v in values)


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


def _replace_collection(agreement: Agreement, name: str, items: Iterable[dict]) -> bool:
    """Make the stored collection equal ``items``; returns whether anything changed."""
    model, parent, key_fields, value_fields = COLLECTIONS[name]
    existing = {_key(obj, key_fields): obj for obj in model.objects.filter(**{parent: agreement})}
    keep = set()
    any_change = False
    for item in items:
        key = _item_key(model, item, key_fields)
        obj = existing.get(key)
        if obj is None:
            obj = model(**{parent: agreement}, **{f: item[f] for f in key_fields if f in item})
        changed = obj.pk is None
        for field in value_fields:
            if field in item and getattr(obj, field) != item[field]:
                setattr(obj, field, item[field])
                changed = True
        if name == "signatures" and obj.signed_on is None and agreement.signed_on:
            obj.signed_on = agreement.signed_on
            changed = True
        if changed:
            obj.save()
            any_change = True
        keep.add(key)
    for key, obj in existing.items():
        if key not in keep:
            obj.delete()
            any_change = True
    return any_change


def agreement_save(
    *, agreement: Agreement | None = None, data: dict[str, Any], collections: dict[str, list[dict]]
) -> Agreement:
    """Create or update an agreement and replace the nested collections given.

    ``data`` holds validated scalar fields (model instances for foreign keys);
    ``collections`` maps a collection name to its validated items, and a collection that
    is absent is left as it is. Everything happens in one transaction, and a write that
    changes nothing saves nothing (no new version, ``updated_at`` unchanged).
    """
    agreement = agreement or Agreement()
    is_new = agreement.pk is None
    changed = is_new
    for field in AGREEMENT_FIELDS:
        if field in data and getattr(agreement, field) != data[field]:
            setattr(agreement, field, data[field])
            changed = True
    agreement.full_clean(exclude=["slug"] if not agreement.slug else None, validate_unique=False)
    if is_new:
        agreement.save()
    for name in COLLECTIONS:
        if name in collections:
            changed = _replace_collection(agreement, name, collections[name]) or changed
    if changed:
        if not is_new:
            agreement.save()
        agreement_refresh_search(agreement)
    return agreement


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


def agreement_set_published(agreement: Agreement, published: bool) -> None:
    agreement.is_published = published
    agreement.save(update_fields=["is_published", "updated_at"])


__all__ = ["agreement_save", "agreement_refresh_search", "person_for", "SignatureRole"]
