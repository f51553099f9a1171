"""The shipped catalogue files obey the honesty rules: every fact has a claim from a cited
source with a short quote, names and places appear in their quotes, nothing is recorded twice.
These tests read the files alone; test_loading.py loads them through the model rules."""

import datetime
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from agreements.catalogue import CATALOGUE_DIR, FOUNDING, record_files
from agreements.models import (
    CLAIM_FIELDS,
    CLAIM_ROW_FIELDS,
    QUOTE_MAX_WORDS,
    AgreementKind,
    AgreementStatus,
    ClaimStatus,
    CommitmentKind,
    CommitmentStatus,
    DatePrecision,
    DueFrom,
    DueUnit,
    RelationKind,
    SourceKind,
    Stage,
)

MINERALS = {
    m["slug"]
    for m in json.loads(
        (CATALOGUE_DIR.parents[2] / "minerals" / "data" / "minerals.json").read_text()
    )["minerals"]
}
DATES = ("announced_on", "signed_on", "effective_on", "expires_on", "terminated_on")
SCALAR_FACTS = (
    "title",
    "kind",
    "status",
    "legally_binding",
    *DATES,
    "signed_place",
    "signed_country",
    "text_url",
)
FILES = record_files()
RECORDS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in FILES}


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def claims(record, field, row=None):
    return [
        c for c in record["claims"] if c["field"] == field and (row is None or c.get("row") == row)
    ]


def test_the_catalogue_holds_at_least_80_instruments_including_the_founding_ones():
    assert len(RECORDS) >= 80
    assert set(FOUNDING) <= set(RECORDS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_record_shape(path):
    record = RECORDS[path.stem]
    assert record["slug"] == path.stem
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record["slug"]) and len(record["slug"]) <= 100
    assert record["kind"] in AgreementKind.values
    assert record["status"] in AgreementStatus.values
    assert record["legally_binding"] in (True, False, None)
    assert (record["status"] == "planned") == (record["signed_on"] is None)
    for name in DATES:
        value, precision = record.get(name), record.get(f"{name}_precision")
        assert (value is None) == (precision is None), name
        if precision == DatePrecision.MONTH:
            assert value.endswith("-01"), name
        if precision == DatePrecision.YEAR:
            assert value.endswith("-01-01"), name
    assert len({p["party"] for p in record["parties"]}) == len(record["parties"]) >= 2
    assert record["summary"].strip(), "every record has a summary in our own words"
    for mineral in record["minerals"]:
        assert mineral["mineral"] in MINERALS
        assert set(mineral.get("stages", [])) <= set(Stage.values)
    for source in record["sources"]:
        assert source["url"].startswith("https://"), source["url"]
        assert source["kind"] in SourceKind.values
    assert record["sources"], "every record cites a source"
    for link in record.get("related", []):
        assert link["kind"] in RelationKind.values
        assert link["agreement"] in RECORDS, f"related to an unknown record {link['agreement']}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_fact_has_a_claim_from_a_cited_source_with_a_short_quote(path):
    record = RECORDS[path.stem]
    urls = {s["url"] for s in record["sources"]}
    for name in SCALAR_FACTS:
        if record.get(name) not in (None, "", []):
            assert claims(record, name), f"{name} has no claim"
    for party in record["parties"]:
        assert claims(record, "parties", party["party"]), f"party {party['party']}"
    for signature in record["signatures"]:
        assert claims(record, "signatures", signature["person"]), signature["person"]
    for mineral in record["minerals"]:
        assert claims(record, "minerals", mineral["mineral"]), mineral["mineral"]
    for link in record.get("related", []):
        assert claims(record, "related", link["agreement"]), link["agreement"]
    for claim in record["claims"]:
        assert claim["field"] in CLAIM_FIELDS
        assert bool(claim.get("row")) == (claim["field"] in CLAIM_ROW_FIELDS), claim
        assert claim["source"] in urls, f"claim cites an uncited source {claim['source']}"
        words = claim["quote"].split()
        assert 0 < len(words) <= QUOTE_MAX_WORDS, claim["quote"]
        assert claim.get("status", "verified") in ClaimStatus.values


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_quotes_back_the_value_they_claim(path):
    """A signature's quote names the person as the record spells them; a place's quote names
    the place; a chosen claim's value is the record's value."""
    record = RECORDS[path.stem]
    for claim in claims(record, "signatures"):
        assert norm(claim["row"]) in norm(claim["quote"]), claim["row"]
    for claim in claims(record, "signed_place"):
        place = norm(str(claim["value"])).replace(".", "")
        assert place in norm(claim["quote"]).replace(".", ""), claim
    for name in ("title", "kind", "status", "signed_place", "signed_country", "legally_binding"):
        chosen = [c for c in claims(record, name) if c.get("chosen", True)]
        for claim in chosen:
            assert claim["value"] == record[name], (name, claim["value"], record[name])
    for name in DATES:
        chosen = [c for c in claims(record, name) if c.get("chosen", True)]
        for claim in chosen:
            assert claim["value"] == record[name], (name, claim["value"], record[name])


def dispute_key(claim):
    """A dispute over a field, or over who/what fills a collection (rows compete there)."""
    return claim["field"] if claim["field"] in CLAIM_ROW_FIELDS else (claim["field"], "")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_disputes_name_the_chosen_value_and_why(path):
    """A disputed fact has competing values; the record holds exactly one of them, marked
    chosen (several sources may back it), and a note says why."""
    record = RECORDS[path.stem]
    disputed = Counter(dispute_key(c) for c in record["claims"] if c.get("status") == "disputed")
    for key, count in disputed.items():
        group = [
            c for c in record["claims"] if dispute_key(c) == key and c.get("status") == "disputed"
        ]
        values = {json.dumps(c["value"], sort_keys=True) for c in group}
        chosen = {json.dumps(c["value"], sort_keys=True) for c in group if c.get("chosen", True)}
        assert count >= 2 and len(values) >= 2, f"a dispute on {key} needs competing values"
        assert len(chosen) == 1, key
        assert any(c.get("note") for c in group), f"say why the {key} value was chosen"


# Distinct instruments that share parties and signing day, each with the reason.
SAME_PARTIES_AND_DAY = {
    frozenset(
        {
            "china-indonesia-green-minerals-cooperation-mou-2024",
            "china-indonesia-mineral-resources-cooperation-mou-2024",
        }
    ): "two MoUs signed in Beijing the same day with two Chinese bodies (the Ministry of "
    "Commerce; the National Development and Reform Commission), on different subjects",
}


def test_no_two_records_describe_the_same_instrument():
    seen = {}
    for slug, record in RECORDS.items():
        if record["signed_on"] is None:
            continue
        key = (frozenset(p["party"] for p in record["parties"]), record["signed_on"])
        if key in seen:
            assert frozenset({slug, seen[key]}) in SAME_PARTIES_AND_DAY, f"{slug} and {seen[key]}"
        seen[key] = slug
    for pair in SAME_PARTIES_AND_DAY:
        records = [RECORDS[slug] for slug in pair]
        assert records[0]["title"] != records[1]["title"]


def test_at_least_ten_records_use_month_or_year_precision_or_a_dispute():
    def rough(record):
        return any(record.get(f"{d}_precision") in ("month", "year") for d in DATES) or any(
            c.get("status") == "disputed" for c in record["claims"]
        )

    assert sum(1 for r in RECORDS.values() if rough(r)) >= 10


def test_summaries_are_our_own_words():
    """No run of eight words of a summary is copied from a quote of its sources."""
    for slug, record in RECORDS.items():
        words = norm(record["summary"]).split()
        quotes = " ".join(norm(c["quote"]) for c in record["claims"])
        for i in range(len(words) - 7):
            assert " ".join(words[i : i + 8]) not in quotes, slug


def test_the_format_is_documented():
    readme = Path(CATALOGUE_DIR, "README.md").read_text()
    for key in ("claims", "precision", "disputed", "quote", "research_notes"):
        assert key in readme


# The model's choices (issue 17): what the loader accepts.
COMMITMENT_KINDS = set(CommitmentKind.values)
COMMITMENT_STATUSES = set(CommitmentStatus.values)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_commitments_quote_a_cited_source(path):
    record = RECORDS[path.stem]
    urls = {s["url"] for s in record["sources"]}
    codes = {p["party"] for p in record["parties"]}
    for item in record.get("commitments", []):
        assert 0 < len(item["text"]) <= 300
        assert item["kind"] in COMMITMENT_KINDS
        assert item["status"] in COMMITMENT_STATUSES
        assert set(item["responsible_parties"]) <= codes
        assert item["source"] in urls
        assert 0 < len(item["quote"].split()) <= QUOTE_MAX_WORDS
        if item["status"] in {"met", "missed", "withdrawn"}:
            assert item["status_source"].startswith("https://") and item["status_quote"]
            assert len(item["status_quote"].split()) <= QUOTE_MAX_WORDS
        due = item["due"]
        if due and "within" in due:
            assert isinstance(due["within"], int) and due["within"] > 0
            assert due["unit"] in DueUnit.values
            assert due["from"] in DueFrom.values
        elif due:
            assert due["precision"] in DatePrecision.values
            day = datetime.date.fromisoformat(due["date"])
            assert due["precision"] == "day" or day.day == 1
            assert due["precision"] != "year" or day.month == 1
        if item["status_on"]:
            datetime.date.fromisoformat(item["status_on"])


def test_at_least_25_commitments_are_researched():
    assert sum(len(r.get("commitments", [])) for r in RECORDS.values()) >= 25
