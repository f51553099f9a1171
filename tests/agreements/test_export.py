"""Streaming export of the filtered agreement list as CSV and JSON Lines."""

import csv
import io
import json

from django.core.cache import cache

from agreements.models import Agreement

from .fixtures import DRAFTS, PUBLISHED, agreements_fixture, module_agreements_fixture  # noqa: F401


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_csv_has_one_row_per_visible_agreement(agreements, anon):
    """CSV: a header and one row per published agreement, nested data joined."""
    response = anon.get("/api/v1/agreements/export/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert {r["slug"] for r in rows} == PUBLISHED
    mou = next(r for r in rows if r["slug"] == "uk-us-critical-minerals-mou-2026")
    assert mou["parties"] == "GB; US"
    assert "Seema Malhotra (GB, Foreign Office Minister, signatory)" in mou["signatories"]
    assert mou["minerals"] == "rare-earth-elements [mining, processing]"
    assert mou["signed_on"] == "2026-02-04"


def test_jsonl_lines_equal_the_api_representation(agreements, editor_api):
    """JSON Lines: one API representation per line; editors get drafts too."""
    text = body(editor_api.get("/api/v1/agreements/export/?format=jsonl&party=GB"))
    items = [json.loads(line) for line in text.splitlines()]
    assert DRAFTS & {i["slug"] for i in items}
    detail = editor_api.get("/api/v1/agreements/uk-us-critical-minerals-mou-2026/").json()
    assert detail in items
    assert all("GB" in [p["party"] for p in i["parties"]] for i in items)


def test_export_applies_filters_and_refuses_bad_ones(agreements, anon):
    """Filters narrow the export; a bad filter or format is a 400 in the error shape."""
    rows = list(
        csv.DictReader(io.StringIO(body(anon.get("/api/v1/agreements/export/?between=GB,US"))))
    )
    assert {r["slug"] for r in rows} >= {"uk-us-critical-minerals-mou-2026"}
    assert all("GB" in r["parties"] and "US" in r["parties"] for r in rows)
    for query, attr in (("format=xml", "format"), ("party=XX", "party")):
        response = anon.get(f"/api/v1/agreements/export/?{query}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == attr


def test_csv_cells_never_start_a_formula(publisher_api, anon):
    """A cell that a spreadsheet would run as a formula (=, +, -, @, tab, CR) is written as
    text with a leading apostrophe; booleans are true/false (OWASP CSV injection)."""
    payload = {
        "title": "=cmd|' /C calc'!A0",
        "short_title": "+Formula short",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "legally_binding": True,
        "signed_on": "2025-03-10",
        "signed_place": "@SUM(1+1)",
        "is_published": True,
        "parties": [{"party": "CL"}, {"party": "GB"}],
        "signatures": [{"person": "=Formula Person", "party": "GB", "office": "-Minister"}],
        "sources": [{"url": "https://example.org/formula", "kind": "press_release"}],
    }
    response = publisher_api.post("/api/v1/agreements/", payload, format="json")
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    # Forms and serializers trim leading whitespace; a stored value may still have it.
    Agreement.objects.filter(slug=slug).update(summary="\tTabbed\rsummary", text_url="")
    cache.clear()
    rows = list(csv.DictReader(io.StringIO(body(anon.get("/api/v1/agreements/export/")))))
    row = next(r for r in rows if r["slug"] == slug)
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["short_title"] == "'+Formula short"
    assert row["signed_place"] == "'@SUM(1+1)"
    assert row["summary"] == "'\tTabbed\rsummary"
    assert row["signatories"] == "'=Formula Person (GB, -Minister, signatory)"
    assert row["legally_binding"] == "true"
    assert row["is_published"] == "true"
    for cells in rows:
        assert not any(v and v[0] in "=+-@\t\r" for v in cells.values()), cells
