"""The extractor's accuracy on real use: proposals kept, and what editors made of them.

``record_proposal()`` stores what the extractor proposed when a draft is created from a
press release. When that agreement is first published (by the admin's action, its form or
the API), ``review_published()`` compares the proposal with the published record field by
field, with the same scoring as the development set (agreements/extraction/evaluate.py):

- ``kept``: proposed and published alike;
- ``changed``: proposed, and published with another value (scalar fields);
- ``added``: published but not proposed (an item the extractor missed);
- ``removed``: proposed but not published (an item the editors took out).

Commitments are compared by text (most words of the shorter text in the other) and kind;
a proposed commitment published with its words but another kind is ``changed``. Proposals
stored before the extractor proposed commitments are not scored on them.

``history_scores()`` adds the reviews up into precision and recall per field, as
``evaluate_extraction --from-history`` and the admin show them.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from agreements.extraction.evaluate import (
    FIELDS,
    commitments_changed,
    expected_commitments,
    proposed_commitments,
    score_release,
)
from agreements.models import Agreement, Commitment, DraftProposal, SignatureRole

SCALARS = {"signed_on", "signed_place", "kind"}


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_proposal(
    agreement: Agreement,
    proposal: dict[str, Any],
    *,
    source: str,
    text: str | None = None,
    text_sha256: str = "",
    user=None,
) -> DraftProposal:
    """Keep the extractor's proposal for a draft created from a release."""
    return DraftProposal.objects.create(
        agreement=agreement,
        proposal=proposal,
        text_sha256=text_hash(text) if text is not None else text_sha256,
        source=source,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def published_facts(agreement: Agreement) -> dict[str, Any]:
    """The published record in the shape of a release's expected facts."""
    signatures = agreement.signatures.filter(role=SignatureRole.SIGNATORY).select_related(
        "person", "party"
    )
    return {
        "parties": sorted(agreement.parties.values_list("code", flat=True)),
        "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else None,
        "signed_place": agreement.signed_place or None,
        "kind": agreement.kind or None,
        "signatories": [
            {"name": s.person.name, "party": s.party.code if s.party else None, "office": s.office}
            for s in signatures
        ],
        "minerals": sorted(agreement.minerals.values_list("slug", flat=True)),
        "commitments": [
            {"text": c.text, "kind": c.kind, "due": _due(c)}
            for c in Commitment.objects.filter(agreement=agreement).order_by("id")
        ],
    }


def _due(commitment: Commitment) -> dict[str, Any] | None:
    """A commitment's due date in the proposal's format."""
    if commitment.due_within is not None:
        return {
            "within": commitment.due_within,
            "unit": commitment.due_unit,
            "from": commitment.due_from,
        }
    if commitment.due_on is not None:
        return {"date": commitment.due_on.isoformat(), "precision": commitment.due_on_precision}
    return None


def compare(proposal: dict[str, Any], facts: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per field: what the editors kept, changed, added and removed, with tp/fp/fn."""
    scores = score_release(facts, proposal)
    review = {}
    for field in FIELDS:
        tp, fp, fn = scores[field]
        if field in SCALARS:
            changed = min(fp, fn)
            review[field] = {
                "kept": tp,
                "changed": changed,
                "added": fn - changed,
                "removed": fp - changed,
            }
        elif field == "commitments" and "commitments" in facts and "commitments" in proposal:
            changed = commitments_changed(
                expected_commitments(facts["commitments"], None),
                proposed_commitments(proposal["commitments"]),
            )
            review[field] = {
                "kept": tp,
                "changed": changed,
                "added": fn - changed,
                "removed": fp - changed,
            }
        else:
            review[field] = {"kept": tp, "changed": 0, "added": fn, "removed": fp}
        review[field].update(tp=tp, fp=fp, fn=fn)
    return review


def review_published(agreement_id: int) -> int:
    """Review the proposals of an agreement that is now published; returns how many."""
    agreement = Agreement.objects.filter(pk=agreement_id, is_published=True).first()
    if agreement is None:
        return 0
    pending = list(agreement.draft_proposals.filter(reviewed_at__isnull=True))
    if not pending:
        return 0
    facts = published_facts(agreement)
    now = timezone.now()
    for item in pending:
        item.review = compare(item.proposal, facts)
        item.reviewed_at = now
        item.save(update_fields=["review", "reviewed_at"])
    return len(pending)


@receiver(post_save, sender=Agreement, dispatch_uid="draft_proposal_review")
def _agreement_saved(sender, instance: Agreement, **kwargs) -> None:
    """On publication, review after the commit, when the parties, signatures and minerals
    saved with it (admin inlines, nested API rows) are in place too."""
    if kwargs.get("raw") or not instance.is_published:
        return
    if DraftProposal.objects.filter(agreement=instance, reviewed_at__isnull=True).exists():
        pk = instance.pk
        transaction.on_commit(lambda: review_published(pk))


def history_scores(queryset=None) -> dict[str, Any]:
    """Precision and recall per field over all reviewed proposals, with the counts.

    Same shape as ``evaluate()`` (``fields``, ``count``), plus kept/changed/added/removed.
    """
    reviewed = (queryset if queryset is not None else DraftProposal.objects).filter(
        reviewed_at__isnull=False
    )
    totals = {
        f: dict.fromkeys(("tp", "fp", "fn", "kept", "changed", "added", "removed"), 0)
        for f in FIELDS
    }
    count = 0
    for review in reviewed.values_list("review", flat=True).iterator():
        count += 1
        for field in FIELDS:
            for key, value in (review.get(field) or {}).items():
                if key in totals[field]:
                    totals[field][key] += int(value)
    fields = {}
    for field, t in totals.items():
        tp, fp, fn = t["tp"], t["fp"], t["fn"]
        fields[field] = {
            **t,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
        }
    return {"fields": fields, "count": count}


def format_history(results: dict[str, Any]) -> str:
    """Plain-text table of the history scores."""
    head = ("precision", "recall", "tp", "fp", "fn", "kept", "changed", "added", "removed")
    lines = [f"{'field':<14}" + "".join(f"{h:>10}" for h in head)]
    for field, r in results["fields"].items():
        lines.append(
            f"{field:<14}{r['precision']:>10.2f}{r['recall']:>10.2f}"
            + "".join(f"{r[h]:>10}" for h in head[2:])
        )
    lines.append(f"published drafts reviewed: {results['count']}")
    return "\n".join(lines)
