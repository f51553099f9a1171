"""The catalogue: the agreements the project ships as reviewable data, one JSON file each.

``load(...)`` brings the database up to the shipped files without ever overwriting an
editor's work: each loaded record remembers the hash of the file it came from and of the
agreement as it stood right after loading. On the next load a record is

* created when it is missing and was never loaded (a deleted one is not brought back);
* updated when its file changed and nobody has edited the agreement since the last load;
* left alone, and reported, when an editor changed it (``conflict``) or deleted it;
* unchanged otherwise, without a write (no history entry, no change event).

The file format is documented in ``agreements/data/catalogue/README.md``.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from agreements import services
from agreements.api.provenance import ClaimSerializer, claims_replace, provenance
from agreements.api.serializers import AgreementSerializer
from agreements.commitments.catalogue import load_commitments, loaded_before_commitments
from agreements.sync.changelog import revision_scope

from .models import Agreement, CatalogueRecord, Person, Signature

CATALOGUE_DIR = Path(__file__).resolve().parent / "data" / "catalogue"

# The founding records: the three agreements the project started with.
FOUNDING = (
    "uk-us-critical-minerals-mou-2026",
    "australia-uk-critical-minerals-statement-of-intent-2023",
    "canada-uk-critical-minerals-joint-statement-2023",
)

# Keys of a record file that are not part of the API representation. ``commitments`` are
# loaded after the record (agreements/commitments/catalogue.py).
RECORD_ONLY = ("claims", "research_notes", "related", "commitments")
PRECISE_DATES = ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on")


class CatalogueError(Exception):
    pass


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # edited by an editor: kept
    deleted: list[str] = field(default_factory=list)  # deleted by an editor: not recreated


def record_files(directory: Path = CATALOGUE_DIR) -> list[Path]:
    return sorted(directory.glob("*.json"))


def read_record(path: Path) -> tuple[dict, str]:
    raw = path.read_bytes()
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CatalogueError(f"{path.name}: not valid JSON ({exc})") from exc
    if record.get("slug") + ".json" != path.name:
        raise CatalogueError(f"{path.name}: the file name must be the record's slug")
    return record, hashlib.sha256(raw).hexdigest()


def representation(record: dict) -> dict:
    """The API representation a record file stands for (without its related links)."""
    data = {k: v for k, v in record.items() if k not in RECORD_ONLY}
    for name in PRECISE_DATES:
        if data.get(f"{name}_precision") is None:
            data[f"{name}_precision"] = "day"
    data["is_published"] = True
    return data


def claim_value(claim: dict):
    """A date's value in its precision, as ISO 8601 writes it (2024-03 is March 2024)."""
    value = claim.get("value")
    if claim["field"] in PRECISE_DATES and isinstance(value, str):
        precision = claim.get("precision") or "day"
        return {"day": value, "month": value[:7], "year": value[:4]}[precision]
    return value


def claims_of(record: dict, agreement: Agreement) -> list[dict]:
    """The record's claims in the API's form: signature rows keyed by the person's slug."""
    people = {
        name.casefold(): slug
        for name, slug in Signature.objects.filter(agreement=agreement).values_list(
            "person__name", "person__slug"
        )
    }
    out = []
    for claim in record.get("claims", []):
        row = claim.get("row") or ""
        if claim["field"] == "signatures" and row:
            row = people.get(row.casefold()) or (
                Person.objects.filter(name__iexact=row).values_list("slug", flat=True).first()
                or row
            )
        out.append(
            {
                "field": claim["field"],
                "row": row,
                "value": claim_value(claim),
                "source_url": claim["source"],
                "quote": claim["quote"],
                "status": claim.get("status", "verified"),
                "chosen": claim.get("chosen", True),
                "note": claim.get("note", ""),
            }
        )
    return out


class _StateSerializer(AgreementSerializer):
    class Meta(AgreementSerializer.Meta):
        fields = [f for f in AgreementSerializer.Meta.fields if f != "url"]


def state_hash(agreement: Agreement, with_commitments: bool = True) -> str:
    """A hash of everything an editor can change: the representation and the claims.
    ``with_commitments=False``: as it was computed before agreements had commitments."""
    data = _StateSerializer(agreement).data
    for key in ("created_at", "updated_at"):
        data.pop(key, None)
    if not with_commitments:
        data.pop("commitments", None)
    text = json.dumps(
        {"agreement": data, "claims": provenance(agreement)["claims"]},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _save(record: dict, agreement: Agreement | None, path: Path) -> Agreement:
    serializer = AgreementSerializer(
        agreement, data=representation(record), context={"publish_allowed": True}
    )
    if not serializer.is_valid():
        raise CatalogueError(f"{path.name}: {serializer.errors}")
    try:
        return services.agreement_save(agreement=agreement, **serializer.write_arguments())
    except ValidationError as exc:  # the rules the service checks under the lock
        raise CatalogueError(f"{path.name}: {exc.message_dict}") from exc


def _save_links_and_claims(record: dict, agreement: Agreement, path: Path) -> None:
    serializer = AgreementSerializer(
        agreement,
        data={"related": record.get("related", [])},
        partial=True,
        context={"publish_allowed": True},
    )
    if not serializer.is_valid():
        raise CatalogueError(f"{path.name}: {serializer.errors}")
    services.agreement_save(agreement=agreement, **serializer.write_arguments())
    claims = ClaimSerializer(data=claims_of(record, agreement), many=True)
    if not claims.is_valid():
        raise CatalogueError(f"{path.name}: claims: {claims.errors}")
    claims_replace(agreement=agreement, items=claims.validated_data)
    # Commitments (issue 17).
    errors = load_commitments(record, agreement)
    if errors:
        raise CatalogueError(f"{path.name}: " + "; ".join(errors))


@transaction.atomic
def load(*, only: tuple[str, ...] | None = None, directory: Path = CATALOGUE_DIR) -> Outcome:
    """Bring the database up to the shipped records (``only``: these slugs alone)."""
    outcome = Outcome()
    todo: list[tuple[dict, str, Path, Agreement]] = []
    with revision_scope():
        for path in record_files(directory):
            record, file_hash = read_record(path)
            slug = record["slug"]
            if only is not None and slug not in only:
                continue
            loaded = CatalogueRecord.objects.filter(slug=slug).first()
            agreement = Agreement.objects.filter(slug=slug).first()
            if agreement is None and loaded is not None:
                outcome.deleted.append(slug)
                continue
            if agreement is not None and loaded is not None and record.get("commitments"):
                if loaded_before_commitments(agreement, loaded.loaded_hash, state_hash):
                    # Issue 17: loaded before commitments existed, unedited: add them.
                    outcome.updated.append(slug)
                    todo.append((record, file_hash, path, _save(record, agreement, path)))
                    continue
            if agreement is not None:
                if loaded is None or state_hash(agreement) != loaded.loaded_hash:
                    # Made or changed by an editor since the last load: theirs to keep.
                    if loaded is None or loaded.file_hash != file_hash:
                        outcome.conflicts.append(slug)
                    else:
                        outcome.unchanged.append(slug)
                    continue
                if loaded.file_hash == file_hash:
                    outcome.unchanged.append(slug)
                    continue
                outcome.updated.append(slug)
            else:
                outcome.created.append(slug)
            todo.append((record, file_hash, path, _save(record, agreement, path)))
        # Links and claims once every record exists, since links may point at any of them.
        for record, _, path, agreement in todo:
            _save_links_and_claims(record, agreement, path)
        for _, file_hash, _, agreement in todo:
            agreement.refresh_from_db()
            CatalogueRecord.objects.update_or_create(
                slug=agreement.slug,
                defaults={"file_hash": file_hash, "loaded_hash": state_hash(agreement)},
            )
    return outcome
