"""From the extractor's proposal to a record an unpublished draft can be saved from: gaps
filled, contradictions resolved towards less, rows the database cannot hold dropped, each
change reported as a warning for the editor."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from agreements.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    CommitmentKind,
    CommitmentStatus,
    DatePrecision,
    DueFrom,
    DueUnit,
    Party,
    SignatureRole,
    SourceKind,
    Stage,
    unique_slug,
)
from minerals.models import Mineral


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date) or value is None:
        return value
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def proposal_fixed(
    proposal: dict[str, Any], published_on: datetime.date, warnings: list[str]
) -> dict[str, Any]:
    """A copy of ``proposal`` that an unpublished draft can be saved from.

    Gaps the model does not allow are filled (title, kind), contradictions are resolved
    towards less (a status that needs a signing date it does not have becomes planned),
    and rows the database cannot hold are dropped. Each change adds a warning, so the
    editor knows what to check.
    """
    data = copy.deepcopy(proposal)
    data["is_published"] = False
    data["related"] = []
    _fill_title_and_kind(data, published_on, warnings)
    _fix_dates_and_status(data, warnings)
    _keep_known_parties(data, warnings)
    _keep_known_minerals(data, warnings)
    _keep_sources_with_urls(data, warnings)
    _keep_commitments_with_a_source(data, warnings)
    data["signed_place"] = (data.get("signed_place") or "")[:200]
    return data


def _fill_title_and_kind(data: dict, published_on: datetime.date, warnings: list[str]) -> None:
    headline = next((s.get("title") for s in data.get("sources") or [] if s.get("title")), "")
    if not (data.get("title") or "").strip():
        fallback = f"Agreement announced on {published_on.isoformat()}"
        data["title"] = (headline or fallback).strip()[:300]
        warnings.append(f"title not proposed: filled in as “{data['title']}”; please edit it")
    data["title"] = data["title"][:300]
    data["short_title"] = (data.get("short_title") or "")[:120]
    if data.get("kind") not in AgreementKind.values:
        data["kind"] = AgreementKind.OTHER
        warnings.append("kind not found: set to “other”; please choose the right kind")


def _fix_dates_and_status(data: dict, warnings: list[str]) -> None:
    """Invalid dates dropped; the status made consistent with the signing date (a status
    that needs one it does not have becomes planned); no later dates without a signing."""
    for field in ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on"):
        if data.get(field) is not None and _date(data[field]) is None:
            data[field] = None
            warnings.append(f"{field} dropped: not a valid date")
    if data.get("status") not in AgreementStatus.values:
        data["status"] = (
            AgreementStatus.SIGNED if data.get("signed_on") else AgreementStatus.PLANNED
        )
        warnings.append(f"status unclear: set to “{data['status']}” from the signing date")
    if data["status"] == AgreementStatus.PLANNED and data.get("signed_on"):
        warnings.append("signing date dropped: the signing is reported as planned")
        data["signed_on"] = None
    if data["status"] != AgreementStatus.PLANNED and not data.get("signed_on"):
        warnings.append(
            f"status “{data['status']}” needs a signing date, none was found: set to planned"
        )
        data["status"] = AgreementStatus.PLANNED
    if not data.get("signed_on"):
        for field in ("effective_on", "expires_on", "terminated_on"):
            data[field] = None
        for row in data.get("parties") or []:
            row["signed_on"] = None
        for row in data.get("signatures") or []:
            row["signed_on"] = None


def _keep_known_parties(data: dict, warnings: list[str]) -> None:
    """Parties (and the place's state) the database holds; signatories of those parties."""
    known_parties = set(
        Party.objects.filter(
            code__in=[p.get("party") for p in data.get("parties") or []]
            + [s.get("party") for s in data.get("signatures") or [] if s.get("party")]
            + ([data["signed_country"]] if data.get("signed_country") else [])
        ).values_list("code", flat=True)
    )
    if data.get("signed_country") and data["signed_country"] not in known_parties:
        warnings.append(f"place of signing {data['signed_country']} is not a known party: dropped")
        data["signed_country"] = None
    parties = []
    for row in data.get("parties") or []:
        if row.get("party") in known_parties:
            parties.append(row)
        else:
            warnings.append(f"party {row.get('party')} is not in the database: dropped")
    data["parties"] = parties
    codes = {p["party"] for p in parties}
    signatures = []
    for row in data.get("signatures") or []:
        who = row.get("person") or ""
        if not who.strip():
            continue
        if row.get("role") == SignatureRole.SIGNATORY and row.get("party") not in codes:
            warnings.append(
                f"signature of {who} dropped: the party they represent is not a party found"
            )
            continue
        signatures.append(row)
    data["signatures"] = signatures


def _keep_known_minerals(data: dict, warnings: list[str]) -> None:
    mineral_slugs = set(
        Mineral.objects.filter(
            slug__in=[m.get("mineral") for m in data.get("minerals") or []]
        ).values_list("slug", flat=True)
    )
    minerals = []
    for row in data.get("minerals") or []:
        if row.get("mineral") not in mineral_slugs:
            warnings.append(f"mineral {row.get('mineral')} is not in the database: dropped")
            continue
        row["stages"] = [s for s in Stage.values if s in set(row.get("stages") or [])]
        minerals.append(row)
    data["minerals"] = minerals


def _keep_sources_with_urls(data: dict, warnings: list[str]) -> None:
    sources = []
    for row in data.get("sources") or []:
        if not row.get("url"):
            warnings.append("no source URL given: add the press release as a source")
            continue
        row["kind"] = row.get("kind") or SourceKind.PRESS_RELEASE
        row["title"] = (row.get("title") or "")[:300]
        row["publisher"] = (row.get("publisher") or "")[:300]
        sources.append(row)
    data["sources"] = sources


#: Longest commitment text the model holds (Commitment.text).
COMMITMENT_TEXT_CHARS = 300


def _valid_due(due: Any) -> bool:
    if due is None:
        return True
    if not isinstance(due, dict):
        return False
    if "within" in due:
        within = due.get("within")
        return (
            isinstance(within, int)
            and not isinstance(within, bool)
            and within > 0
            and due.get("unit") in DueUnit.values
            and due.get("from") in DueFrom.values
        )
    return _date(due.get("date")) is not None and due.get("precision") in DatePrecision.values


def _keep_commitments_with_a_source(data: dict, warnings: list[str]) -> None:
    """Commitments the draft can hold: each needs the release as its source (a source URL),
    a known kind, a text of at most 300 characters and a due date of the model's form."""
    commitments = [c for c in data.get("commitments") or [] if (c.get("text") or "").strip()]
    if commitments and not data.get("sources"):
        warnings.append(
            f"{len(commitments)} proposed commitment(s) not kept: a commitment needs the "
            "release's address as its source"
        )
        commitments = []
    for item in commitments:
        item["text"] = item["text"].strip()[:COMMITMENT_TEXT_CHARS]
        if item.get("kind") not in CommitmentKind.values:
            item["kind"] = CommitmentKind.OTHER
        if not _valid_due(item.get("due")):
            warnings.append(f"due date of the commitment “{item['text'][:60]}” dropped: invalid")
            item["due"] = None
    data["commitments"] = commitments


def commitment_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The fixed proposal's commitments as the fields ``commitment_save`` takes: open, the
    release (the draft's first source) as source, the commitment's words in the release
    (its first evidence) as the quote. A relative due date is counted from the draft's
    dates by the service."""
    source_url = next((s["url"] for s in data.get("sources") or [] if s.get("url")), "")
    rows = []
    for item in data.get("commitments") or []:
        due = item.get("due") or {}
        evidence = item.get("evidence") or []
        rows.append(
            {
                "text": item["text"],
                "kind": item["kind"],
                "status": CommitmentStatus.OPEN,
                "source_url": source_url,
                "quote": (evidence[0].get("quote") if evidence else "") or item["text"],
                "due_within": due.get("within"),
                "due_unit": due.get("unit") or "",
                "due_from": due.get("from") or "",
                "due_on": _date(due.get("date")),
                "due_on_precision": due.get("precision") or DatePrecision.DAY,
            }
        )
    return rows


def draft_slug(data: dict[str, Any]) -> str:
    """A free slug from the short title and year ("uk-us-mou-2026"); dashes kept readable."""
    base = data.get("short_title") or data.get("title") or "draft"
    for dash in ("–", "—"):
        base = base.replace(dash, "-")
    year = (data.get("signed_on") or data.get("announced_on") or "")[:4]
    return unique_slug(Agreement, f"{base} {year}".strip(), max_length=120)


def drop_invalid(data: dict[str, Any], errors: dict, warnings: list[str]) -> bool:
    """Remove from ``data`` what ``errors`` (AgreementSerializer errors) point at.

    Returns False when nothing could be dropped, so the caller stops trying.
    """
    dropped = False
    for name, detail in errors.items():
        if name in ("parties", "signatures", "minerals", "sources", "related"):
            rows = data.get(name) or []
            if isinstance(detail, dict) or (
                isinstance(detail, list) and any(isinstance(d, dict) and d for d in detail)
            ):
                bad = (
                    {int(i) for i in detail if str(i).isdigit()}
                    if isinstance(detail, dict)
                    else {i for i, d in enumerate(detail) if d}
                )
                for i in sorted(bad, reverse=True):
                    if i < len(rows):
                        warnings.append(f"{name} row {i + 1} dropped: {_first_message(detail, i)}")
                        del rows[i]
                        dropped = True
                if isinstance(detail, dict) and "non_field_errors" in detail and rows:
                    warnings.append(f"{name} dropped: {_first_message(detail, 'non_field_errors')}")
                    data[name] = []
                    dropped = True
            elif rows:
                warnings.append(f"{name} dropped: {_first_message({0: detail}, 0)}")
                data[name] = []
                dropped = True
        elif name in ("status", "signed_on"):
            if data.get("status") != AgreementStatus.PLANNED or data.get("signed_on"):
                warnings.append(
                    f"{name}: {_first_message({0: detail}, 0)} Set to planned, no date."
                )
                data["status"], data["signed_on"] = AgreementStatus.PLANNED, None
                dropped = True
        elif name in data and name not in ("title", "kind") and data[name] not in (None, ""):
            warnings.append(f"{name} dropped: {_first_message({0: detail}, 0)}")
            data[name] = "" if isinstance(data[name], str) else None
            dropped = True
    return dropped


def _first_message(detail, key) -> str:
    value = detail[key] if isinstance(detail, dict) else detail[key]
    while isinstance(value, dict | list) and value:
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return str(value)
