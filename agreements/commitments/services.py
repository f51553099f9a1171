"""Writes of commitments: one door for the API, the admin and the catalogue loader."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from agreements.commitments.dates import due_for
from agreements.models import Agreement, AgreementParty, Commitment, Party
from agreements.sync.changelog import lock_writes

# The fields a client or a record file sets (the due date is derived when relative).
COMMITMENT_FIELDS = (
    "text",
    "kind",
    "due_on",
    "due_on_precision",
    "due_within",
    "due_unit",
    "due_from",
    "status",
    "status_on",
    "status_source_url",
    "status_quote",
    "source_url",
    "quote",
)


def responsible_parties_errors(agreement: Agreement, parties: Iterable[Party]) -> str | None:
    """A message when a responsible party is not a party to the agreement, else None."""
    codes = {p.code for p in parties}
    if not codes:
        return None
    members = set(
        AgreementParty.objects.filter(agreement=agreement).values_list("party__code", flat=True)
    )
    outside = sorted(codes - members)
    if outside:
        return "Not a party to the agreement: " + ", ".join(outside) + "."
    return None


@transaction.atomic
def commitment_save(
    *,
    commitment: Commitment | None = None,
    agreement: Agreement,
    data: dict[str, Any],
    responsible_parties: list[Party] | None = None,
) -> Commitment:
    """Create or update a commitment of ``agreement``.

    ``data`` holds validated fields (see COMMITMENT_FIELDS); ``responsible_parties``
    replaces the stored list when given. A relative due date (``due_within``) is computed
    from the agreement's dates; a write that changes nothing saves nothing."""
    lock_writes()
    commitment = commitment or Commitment()
    changed = commitment.pk is None or commitment.agreement_id != agreement.pk
    commitment.agreement = agreement
    for name in COMMITMENT_FIELDS:
        if name in data and getattr(commitment, name) != data[name]:
            setattr(commitment, name, data[name])
            changed = True
    if commitment.due_within is not None:
        commitment.due_on, commitment.due_on_precision = due_for(commitment, agreement)
    commitment.full_clean(exclude=["agreement", "responsible_parties"], validate_unique=False)
    parties_changed = False
    if responsible_parties is not None:
        message = responsible_parties_errors(agreement, responsible_parties)
        if message:
            raise ValidationError({"responsible_parties": message})
        stored = (
            set()
            if commitment.pk is None
            else set(commitment.responsible_parties.values_list("pk", flat=True))
        )
        parties_changed = stored != {p.pk for p in responsible_parties}
    if changed or parties_changed:
        commitment.save()  # also when only the parties change: the version and the event
    if parties_changed:
        commitment.responsible_parties.set(responsible_parties)
    return commitment


@transaction.atomic
def commitment_delete(*, commitment: Commitment) -> None:
    lock_writes()
    commitment.delete()


def commitments_refresh_due(agreement: Agreement) -> None:
    """Recompute relative due dates after the agreement's dates changed (the agreement
    service calls this when they do); only commitments whose date moves are saved."""
    for commitment in Commitment.objects.filter(agreement=agreement, due_within__isnull=False):
        if due_for(commitment, agreement) != (commitment.due_on, commitment.due_on_precision):
            commitment.agreement = agreement
            commitment.save()
