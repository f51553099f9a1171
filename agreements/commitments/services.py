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


# How many commitments a message names per party before it says "and N more".
NAMED_IN_MESSAGE = 10


def dropped_parties_messages(
    agreement: Agreement, kept: Iterable[str], *, ignore: Iterable[int] = ()
) -> list[str]:
    """Why a write leaving ``agreement`` with the parties ``kept`` (codes) is refused: one
    message per party that some of its commitments (other than those in ``ignore``, ids)
    still name as responsible, naming them by key and text. One query.

    Such a write is refused rather than the party silently dropped from the commitments,
    which would turn "the UK will fund" into "all the parties will fund"."""
    if agreement.pk is None:
        return []
    rows = (
        Commitment.responsible_parties.through.objects.filter(commitment__agreement=agreement)
        .exclude(party__code__in=set(kept))
        .exclude(commitment_id__in=set(ignore))
        .order_by("party__code", "commitment_id")
        .values_list("party__code", "commitment__key", "commitment__text")
    )
    named: dict[str, list[str]] = {}
    for code, key, text in rows:
        short = text if len(text) <= 60 else text[:59] + "…"
        named.setdefault(code, []).append(f"{key} (“{short}”)")
    messages = []
    for code, items in named.items():
        listed = ", ".join(items[:NAMED_IN_MESSAGE])
        if len(items) > NAMED_IN_MESSAGE:
            listed += f" and {len(items) - NAMED_IN_MESSAGE} more"
        messages.append(
            f"{code} cannot leave the agreement: it is responsible for {len(items)} of its "
            f"commitment(s): {listed}. Remove {code} from their responsible parties (or "
            "delete them) first."
        )
    return messages


def dropped_parties_error(agreement: Agreement, kept: Iterable[str]) -> ValidationError | None:
    """``dropped_parties_messages`` as the error on ``parties`` (None when there is none)."""
    messages = dropped_parties_messages(agreement, kept)
    if not messages:
        return None
    return ValidationError(
        {"parties": [ValidationError(m, code="responsible_party") for m in messages]}
    )


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
