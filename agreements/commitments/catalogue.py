"""Commitments of the catalogue's records (format: agreements/data/catalogue/README.md,
"Commitments"), loaded exactly as researched."""

import datetime

from django.core.exceptions import ValidationError

from agreements.commitments.services import commitment_save
from agreements.models import Agreement, Commitment, Party


def commitment_data(item: dict) -> dict:
    """A record's commitment → the fields ``commitment_save`` takes."""
    due = item.get("due") or {}
    status_on = item.get("status_on")
    return {
        "text": item["text"],
        "kind": item["kind"],
        "status": item["status"],
        "status_on": datetime.date.fromisoformat(status_on) if status_on else None,
        "status_source_url": item.get("status_source") or "",
        "status_quote": item.get("status_quote") or "",
        "source_url": item["source"],
        "quote": item["quote"],
        "due_within": due.get("within"),
        "due_unit": due.get("unit") or "",
        "due_from": due.get("from") or "",
        "due_on": datetime.date.fromisoformat(due["date"]) if due.get("date") else None,
        "due_on_precision": due.get("precision") or "day",
    }


def load_commitments(record: dict, agreement: Agreement) -> list[str]:
    """Make the agreement's commitments those of the record; returns error messages.

    A commitment whose text is unchanged keeps its key (feeds and links stay valid); one
    no longer in the record is deleted."""
    existing: dict[str, list[Commitment]] = {}
    for commitment in Commitment.objects.filter(agreement=agreement):
        existing.setdefault(commitment.text, []).append(commitment)
    parties = {p.code: p for p in Party.objects.filter(agreement_parties__agreement=agreement)}
    errors, kept = [], set()
    for index, item in enumerate(record.get("commitments", [])):
        same_text = existing.get(item["text"]) or []
        commitment = same_text.pop(0) if same_text else None
        codes = item.get("responsible_parties") or []
        unknown = [c for c in codes if c not in parties]
        if unknown:
            errors.append(f"commitments[{index}]: not a party: {', '.join(unknown)}")
            continue
        try:
            saved = commitment_save(
                commitment=commitment,
                agreement=agreement,
                data=commitment_data(item),
                responsible_parties=[parties[c] for c in codes],
            )
        except (ValidationError, KeyError, ValueError) as exc:
            errors.append(f"commitments[{index}]: {exc}")
            continue
        kept.add(saved.pk)
    for leftovers in existing.values():
        for commitment in leftovers:
            if commitment.pk not in kept:
                commitment.delete()
    return errors


def loaded_before_commitments(agreement: Agreement, loaded_hash: str, state_hash) -> bool:
    """Whether the agreement was loaded before the loader knew commitments and is unedited
    since: its stored hash is that of its state without the (then absent) commitments.
    Such a record gets its commitments without being counted as an editor's change."""
    if agreement.commitments.exists():
        return False
    return state_hash(agreement, with_commitments=False) == loaded_hash
