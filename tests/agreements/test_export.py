"""Streaming export of the filtered agreement list as CSV and JSON Lines."""

import csv
import io
import json

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
