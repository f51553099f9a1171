"""What a write costs in queries, and when it takes the write lock."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.api.serializers import AgreementSerializer
from agreements.sync.changelog import LOCK_ID

from .test_api import URL, detail, new, reread

SLUG = "uk-us-critical-minerals-mou-2026"


def five_changes(body: dict) -> dict:
    """The stored representation with five nested rows changed (two added, three edited)."""
    body = {k: v for k, v in body.items() if k not in {"url", "created_at", "updated_at"}}
    for name, extra in (("parties", "party_name"), ("signatures", "person_name")):
        for item in body[name]:
            item.pop(extra, None)
    for item in body["minerals"]:
        item.pop("mineral_name", None)
    body["parties"][0]["ratified_on"] = "2026-02-01"
    body["minerals"][0]["note"] = "Changed note."
    body["sources"][0]["title"] = "A changed title"
    body["sources"].append({"url": "https://example.org/added-1", "title": "Added one"})
    body["sources"].append({"url": "https://example.org/added-2", "title": "Added two"})
    return body


def test_put_changing_five_nested_rows_has_a_bounded_query_count(publisher_api):
    """A PUT that edits three nested rows and adds two: authentication, validation, the
    write (one change-log insert) and the answer.

    Before the write service (main at ce392bf): 122 queries on PostgreSQL, 121 on SQLite
    (the rows were re-read and validated twice, the representation built for an If-Match
    nobody sent, every event written on its own). With it: 53 on PostgreSQL, 55 on SQLite;
    with commitments embedded in the agreement (issue 17): 55 and 58.
    """
    body = five_changes(reread(publisher_api, detail(SLUG)))
    with CaptureQueriesContext(connection) as queries:
        response = publisher_api.put(detail(SLUG), body, format="json")
    assert response.status_code == 200, response.content
    assert len(queries) <= (55 if connection.vendor == "postgresql" else 58)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('INSERT INTO "agreements_changeevent"' in s for s in sql) == 1
    assert not any('UPDATE "agreements_changeevent"' in s for s in sql)


def test_post_with_nested_rows_has_a_bounded_query_count(publisher_api):
    """A POST with two parties, two signatures (one new person), two minerals, one source
    and one related agreement.

    Before the write service (main at ce392bf): 131 queries on PostgreSQL, 123 on SQLite.
    With it: 51 on PostgreSQL, 53 on SQLite; with commitments embedded (issue 17): 51 and 54."""
    with CaptureQueriesContext(connection) as queries:
        response = publisher_api.post(URL, new(), format="json")
    assert response.status_code == 201, response.content
    assert len(queries) <= (51 if connection.vendor == "postgresql" else 54)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('INSERT INTO "agreements_changeevent"' in s for s in sql) == 1


def _holds_write_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND classid = 0 AND objid = %s",
            [LOCK_ID],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgresql
@pytest.mark.parametrize("method", ["post", "put"])
def test_write_lock_is_taken_after_validation(publisher_api, monkeypatch, method):
    """Validation runs without the write lock (it never makes other writers wait); the lock
    is taken once, for the write itself."""
    body = new() if method == "post" else five_changes(reread(publisher_api, detail(SLUG)))
    url = URL if method == "post" else detail(SLUG)
    assert not _holds_write_lock()
    held_while_validating = []
    validate = AgreementSerializer.validate

    def spy(self, attrs):
        held_while_validating.append(_holds_write_lock())
        return validate(self, attrs)

    monkeypatch.setattr(AgreementSerializer, "validate", spy)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(publisher_api, method)(url, body, format="json")
    assert response.status_code in (200, 201), response.content
    assert held_while_validating == [False]
    locks = [q for q in queries.captured_queries if "pg_advisory_xact_lock" in q["sql"]]
    assert len(locks) == 1
    assert _holds_write_lock()  # until the (test's) transaction ends
