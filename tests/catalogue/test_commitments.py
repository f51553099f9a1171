"""The catalogue's researched commitments load as researched, keep their keys across
reloads, and reach databases loaded before agreements had commitments."""

import json

import pytest

from agreements import catalogue
from agreements.models import Agreement, CatalogueRecord, Commitment

pytestmark = pytest.mark.django_db(transaction=False)

RECORDS = {p.stem: json.loads(p.read_text()) for p in catalogue.record_files()}


@pytest.fixture
def loaded(ref):
    return catalogue.load()


def test_every_researched_commitment_is_loaded_as_researched(loaded):
    """Each record's commitments are its agreement's, in order, with text, kind, status,
    evidence and responsible parties unchanged."""
    total = 0
    for slug, record in RECORDS.items():
        stored = list(Commitment.objects.filter(agreement__slug=slug).order_by("id"))
        assert len(stored) == len(record.get("commitments", [])), slug
        for item, commitment in zip(record.get("commitments", []), stored, strict=True):
            total += 1
            assert (commitment.text, commitment.kind, commitment.status) == (
                item["text"],
                item["kind"],
                item["status"],
            )
            assert (commitment.source_url, commitment.quote) == (item["source"], item["quote"])
            assert commitment.status_quote == (item["status_quote"] or "")
            codes = sorted(commitment.responsible_parties.values_list("code", flat=True))
            assert codes == sorted(item["responsible_parties"])
            due = item["due"] or {}
            assert commitment.due_within == due.get("within")
            if "date" in due:
                assert commitment.due_on.isoformat() == due["date"]
                assert commitment.due_on_precision == due["precision"]
    assert total == Commitment.objects.count() >= 100


def test_the_founding_mous_180_days_fall_due_on_3_august_2026(loaded, anon):
    """UK–US MoU signed 2026-02-04: 'within 180 days' is 2026-08-03, shown on the agreement."""
    body = anon.get("/api/v1/agreements/uk-us-critical-minerals-mou-2026/").json()
    due = [c for c in body["commitments"] if c["due_within"] == 180]
    assert [c["due_on"] for c in due] == ["2026-08-03"]


def test_a_reload_keeps_commitment_keys(loaded):
    before = dict(Commitment.objects.values_list("pk", "key"))
    outcome = catalogue.load()
    assert outcome.updated == []
    assert dict(Commitment.objects.values_list("pk", "key")) == before


def test_a_record_loaded_before_commitments_existed_gets_them(loaded):
    """A database loaded by the previous loader (no commitments, its hash without them)
    gains the commitments on the next load; an editor's change there would still win."""
    slug = catalogue.FOUNDING[0]
    agreement = Agreement.objects.get(slug=slug)
    Commitment.objects.filter(agreement=agreement).delete()
    CatalogueRecord.objects.filter(slug=slug).update(
        loaded_hash=catalogue.state_hash(agreement, with_commitments=False)
    )
    outcome = catalogue.load()
    assert slug in outcome.updated
    assert agreement.commitments.count() == len(RECORDS[slug]["commitments"]) > 0
    assert slug in catalogue.load().unchanged


def test_commitments_an_editor_deleted_are_not_brought_back(loaded, publisher_api):
    slug = catalogue.FOUNDING[0]
    for key in Commitment.objects.filter(agreement__slug=slug).values_list("key", flat=True):
        assert publisher_api.delete(f"/api/v1/commitments/{key}/").status_code == 204
    outcome = catalogue.load()
    assert slug in outcome.unchanged
    assert not Commitment.objects.filter(agreement__slug=slug).exists()
