"""What a write costs in queries, and when it takes the write lock."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .test_api import URL, detail, new, reread

SLUG = "uk-us-critical-minerals-mou-2026"


def five_changes(body: dict) -> dict:
    """The stored representation with five nested rows changed (two added, three edited)."""
    body = {k: v for k, v in body.items() if k not in {"url", "created_at", "updated_at"}}
    for item in body["parties"]:
        item.pop("party_name", None)
    for item in body["signatures"]:
        item.pop("person_name", None)
    for item in body["minerals"]:
        item.pop("mineral_name", None)
    body["parties"][0]["ratified_on"] = "2026-02-01"
    body["minerals"][0]["note"] = "Changed note."
    body["sources"][0]["title"] = "A changed title"
    body["sources"].append({"url": "https://example.org/added-1", "title": "Added one"})
    body["sources"].append({"url": "https://example.org/added-2", "title": "Added two"})
    return body


def test_put_changing_five_nested_rows_has_a_bounded_query_count(publisher_api):
    """A PUT that edits three nested rows and adds two.

    Measured on PostgreSQL (SQLite counts the same but for the lock): before the write
    service, BEFORE_PUT queries; with it, AFTER_PUT."""
    body = five_changes(reread(publisher_api, detail(SLUG)))
    with CaptureQueriesContext(connection) as queries:
        response = publisher_api.put(detail(SLUG), body, format="json")
    assert response.status_code == 200, response.content
    print("PUT queries:", len(queries))
    assert len(queries) <= 999


def test_post_with_nested_rows_has_a_bounded_query_count(publisher_api):
    """A POST with two parties, two signatures (one new person), two minerals, one source
    and one related agreement: before the write service BEFORE_POST queries; with it,
    AFTER_POST."""
    with CaptureQueriesContext(connection) as queries:
        response = publisher_api.post(URL, new(), format="json")
    assert response.status_code == 201, response.content
    print("POST queries:", len(queries))
    assert len(queries) <= 999
