"""Rules that span an agreement and its nested collections.

Database constraints cannot see across rows, so these rules live here, in one place, and
both the admin (inline formsets) and the API (serializer) call them with plain values.
"""

from collections.abc import Sequence
from typing import NamedTuple

from .models import SignatureRole

# The most rows one agreement may hold in each nested collection (API schema ``maxItems``, the
# admin's inline ``max_num``, import_data): enough for any real instrument, small enough that a
# write stays short while it holds the write lock.
MAX_ITEMS = {"parties": 100, "signatures": 200, "minerals": 200, "sources": 100, "related": 100}


class CollectionError(NamedTuple):
    collection: str  # "parties", "signatures", "minerals", "sources" or "related"
    index: int | None  # row at fault, or None for the collection as a whole
    field: str | None  # field of the row at fault
    message: str


class SignatureKey(NamedTuple):
    person: str  # slug or name: whatever identifies the person in this submission
    role: str
    party: str | None  # party code, or None


def agreement_collection_errors(
    *,
    is_published: bool,
    parties: Sequence[str],
    signatures: Sequence[SignatureKey],
    minerals: Sequence[str],
    sources: Sequence[str],
    related: Sequence[str],
    slug: str | None = None,
) -> list[CollectionError]:
    """Every cross-row rule of the domain model, as a list of errors (empty when valid)."""
    collections = {
        "parties": parties,
        "signatures": signatures,
        "minerals": minerals,
        "sources": sources,
        "related": related,
    }
    errors = [
        CollectionError(name, None, None, f"Ensure this list has at most {MAX_ITEMS[name]} items.")
        for name, items in collections.items()
        if len(items) > MAX_ITEMS[name]
    ]
    if errors:
        return errors  # the row-by-row rules are not worth running over an oversized list
    errors += _duplicates(
        "parties", "party", parties, "{key} is already a party to this agreement."
    )
    errors += _duplicates(
        "minerals", "mineral", minerals, "{key} is already covered by this agreement."
    )
    errors += _duplicates("sources", "url", sources, "This source is already listed.")
    errors += _duplicates("related", "agreement", related, "This agreement is already linked.")
    errors += _signature_errors(signatures, set(parties))
    if slug:
        errors += [
            CollectionError("related", i, "agreement", "An agreement cannot relate to itself.")
            for i, other in enumerate(related)
            if other == slug
        ]
    if is_published and len(set(parties)) < 2:
        errors.append(
            CollectionError(
                "parties", None, None, "A published agreement needs at least two parties."
            )
        )
    if is_published and not sources:
        errors.append(
            CollectionError(
                "sources", None, None, "A published agreement needs at least one source."
            )
        )
    return errors


def _duplicates(collection: str, field: str, keys: Sequence, message: str):
    seen = set()
    for i, key in enumerate(keys):
        if key in seen:
            yield CollectionError(collection, i, field, message.format(key=key))
        seen.add(key)


def _signature_errors(signatures: Sequence[SignatureKey], party_set: set[str]):
    """A person signs once per role; a signatory represents one of the agreement's parties."""
    seen_people = set()
    for i, sig in enumerate(signatures):
        key = (sig.person.strip().casefold(), sig.role)
        if key in seen_people:
            message = f"{sig.person} is already a {sig.role} of this agreement."
            yield CollectionError("signatures", i, "person", message)
        seen_people.add(key)
    for i, sig in enumerate(signatures):
        if sig.role != SignatureRole.SIGNATORY:
            continue
        if not sig.party:
            message = "A signatory must represent one of the parties."
            yield CollectionError("signatures", i, "party", message)
        elif sig.party not in party_set:
            message = (
                f"{sig.party} is not a party to this agreement; a signatory represents "
                "one of the agreement's parties (record others as witnesses)."
            )
            yield CollectionError("signatures", i, "party", message)


def nested_errors(errors) -> dict:
    """Turn collection errors into DRF's nested error structure (attr ``signatures.1.party``)."""
    out: dict = {}
    for err in errors:
        if err.index is None:
            whole = out.setdefault(err.collection, [])
            if isinstance(whole, dict):  # row messages already there (a duplicate row)
                whole = whole.setdefault("non_field_errors", [])
            whole.append(err.message)
            continue
        rows = out.setdefault(err.collection, {})
        if isinstance(rows, list):  # a collection-level message already there
            rows = out[err.collection] = {"non_field_errors": rows}
        rows.setdefault(err.index, {}).setdefault(err.field or "non_field_errors", []).append(
            err.message
        )
    return out
