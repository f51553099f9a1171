"""Nested collections are bounded, their references are looked up in bulk, removing nested
rows needs the delete permission, and people given twice or named concurrently resolve to one
person."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from agreements.api.serializers import AgreementSerializer
from agreements.models import Agreement, Person
from agreements.validation import MAX_ITEMS

from ..conftest import token_client
from ..factories import UserFactory
from .fixtures import assert_error, table_counts
from .test_api import URL, detail, new


@pytest.mark.parametrize(
    "collection, item",
    [
        ("parties", lambda i: {"party": "GB"}),
        ("signatures", lambda i: {"person": f"Person {i}", "role": "witness"}),
        ("minerals", lambda i: {"mineral": "lithium"}),
        ("sources", lambda i: {"url": f"https://example.org/{i}"}),
        ("related", lambda i: {"agreement": "no-such-agreement", "kind": "follows"}),
    ],
)
def test_oversized_collection_is_refused_before_its_items_are_read(editor_api, collection, item):
    """One item over the cap is a 400 naming the collection, and 10 000 items cost no more
    queries than one over the cap: the list is refused before any item is looked up."""
    cap = MAX_ITEMS[collection]
    counts = []
    for size in (cap + 1, 10_000):
        with CaptureQueriesContext(connection) as queries:
            response = editor_api.post(
                URL, new(**{collection: [item(i) for i in range(size)]}), format="json"
            )
        body = assert_error(response, 400, collection)
        assert any(e["attr"] == collection for e in body["errors"]), body
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not Agreement.objects.filter(title=new()["title"]).exists()


def test_collection_at_its_cap_is_accepted(editor_api):
    """A collection exactly at its cap is written."""
    sources = [{"url": f"https://example.org/{i}"} for i in range(MAX_ITEMS["sources"])]
    response = editor_api.post(URL, new(sources=sources), format="json")
    assert response.status_code == 201, response.content
    assert len(response.json()["sources"]) == MAX_ITEMS["sources"]


def test_schema_states_the_caps(anon):
    """The schema documents each cap as maxItems on the agreement's collections."""
    schema = anon.get("/api/schema/?format=json").json()
    props = schema["components"]["schemas"]["AgreementRequest"]["properties"]
    assert {name: props[name]["maxItems"] for name in MAX_ITEMS} == MAX_ITEMS


def test_references_are_looked_up_in_bulk(editor_api):
    """Validating 3 or 90 parties and minerals costs the same number of queries (the request
    is refused at the end, on a duplicate, so only validation runs)."""
    from agreements.models import Party
    from minerals.models import Mineral

    codes = list(Party.objects.filter(kind="state").values_list("code", flat=True)[:90])
    slugs = list(Mineral.objects.values_list("slug", flat=True)[:90])
    counts = []
    for n in (3, 90):
        payload = new(
            parties=[{"party": c} for c in codes[:n]] + [{"party": codes[0]}],
            minerals=[{"mineral": m} for m in slugs[:n]],
            signatures=[],
            related=[],
        )
        with CaptureQueriesContext(connection) as queries:
            assert_error(editor_api.post(URL, payload, format="json"), 400, f"parties.{n}")
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Removing nested rows needs the delete permission ---------------------------------


def test_editor_cannot_remove_nested_rows_by_patch(editor_api, publisher_api):
    """Without the delete permission (editors), a PATCH that drops signatures or minerals is a
    403 and changes nothing, as the admin offers editors no delete box; changing a row into
    another and adding rows are allowed; a publisher may drop rows."""
    created = editor_api.post(URL, new(), format="json")
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]
    for payload in ({"signatures": [], "minerals": []}, {"minerals": []}, {"sources": []}):
        response = editor_api.patch(detail(slug), payload, format="json")
        assert_error(response, 403)
    stored = editor_api.get(detail(slug)).json()
    assert len(stored["signatures"]) == 2 and len(stored["minerals"]) == 2
    # Replacing one mineral by another (the admin's "change the row") and adding one.
    swap = [{"mineral": "cobalt"}, {"mineral": "copper"}, {"mineral": "nickel"}]
    response = editor_api.patch(detail(slug), {"minerals": swap}, format="json")
    assert response.status_code == 200, response.content
    assert [m["mineral"] for m in response.json()["minerals"]] == ["cobalt", "copper", "nickel"]
    response = publisher_api.patch(detail(slug), {"signatures": [], "minerals": []}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["signatures"] == [] and response.json()["minerals"] == []


def test_editor_put_without_a_stored_row_is_refused(editor_api):
    """PUT follows the same rule: leaving a stored source out is a 403 for an editor."""
    created = editor_api.post(URL, new(), format="json").json()
    body = {k: v for k, v in created.items() if k not in ("created_at", "updated_at", "url")}
    body["sources"] = []
    assert_error(editor_api.put(detail(created["slug"]), body, format="json"), 403)


# --- People ---------------------------------------------------------------------------


def test_same_person_by_slug_and_by_name_is_400(editor_api):
    """One person given by slug and by name in one request is a duplicate: 400 naming the
    field, not a 409 from the database."""
    signatures = [
        {"person": "seema-malhotra", "party": "GB"},
        {"person": "Seema Malhotra", "party": "GB"},
    ]
    response = editor_api.post(URL, new(signatures=signatures), format="json")
    assert_error(response, 400, "signatures.1.person")


@pytest.mark.postgresql
def test_concurrent_posts_naming_the_same_new_person_all_succeed(
    django_db_setup, django_db_blocker, monkeypatch
):
    """Twelve concurrent POSTs (real transactions, one connection each) naming the same new
    person, all validated before any saves: all succeed and share one person."""
    n = 12
    with django_db_blocker.unblock():
        counts = table_counts()
        marks = {}
        with connection.cursor() as cursor:
            for table in counts:
                columns = [
                    c.name for c in connection.introspection.get_table_description(cursor, table)
                ]
                if "id" in columns:
                    cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
                    marks[table] = cursor.fetchone()[0]
        user = UserFactory(username="person-racer", groups=["editors"])
        clients = [token_client(user) for _ in range(n)]
        barrier = threading.Barrier(n, timeout=60)
        original = AgreementSerializer.validate

        def validate_then_wait(self, attrs):
            attrs = original(self, attrs)
            barrier.wait()
            return attrs

        monkeypatch.setattr(AgreementSerializer, "validate", validate_then_wait)
        statuses = [None] * n

        def post(i: int):
            try:
                payload = new(
                    title=f"Concurrent agreement {i}",
                    signatures=[{"person": "Brand New Person", "party": "GB"}],
                    related=[],
                )
                statuses[i] = clients[i].post(URL, payload, format="json").status_code
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post, args=(i,)) for i in range(n)]
        try:
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            assert statuses == [201] * n
            assert Person.objects.filter(name="Brand New Person").count() == 1
        finally:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute('DELETE FROM "knox_authtoken" WHERE user_id = %s', [user.pk])
                for table, mark in marks.items():
                    cursor.execute(f'DELETE FROM "{table}" WHERE id > %s', [mark])
            assert table_counts() == counts


@pytest.mark.postgresql
def test_invalid_writes_do_not_wait_for_the_write_lock(editor_api, django_db_blocker):
    """While another connection holds the write lock, an invalid POST or PATCH is refused
    at once (400): validation never waits for the lock (here a wait would end in a lock
    timeout, not a 400)."""
    from agreements.sync.changelog import LOCK_ID

    # No write before the lock is taken: this test's own transaction would hold the lock.
    slug = "uk-us-critical-minerals-mou-2026"
    taken, release = threading.Event(), threading.Event()

    def hold():
        with django_db_blocker.unblock():
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
                    if not cursor.fetchone()[0]:
                        return
                    taken.set()
                    release.wait(30)
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
            finally:
                other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        oversized = [{"url": f"https://example.org/{i}"} for i in range(MAX_ITEMS["sources"] + 1)]
        assert_error(editor_api.post(URL, new(sources=oversized), format="json"), 400, "sources")
        response = editor_api.patch(detail(slug), {"sources": oversized}, format="json")
        assert_error(response, 400, "sources")
        response = editor_api.patch(detail(slug), {"parties": [{"party": "XX"}]}, format="json")
        assert_error(response, 400, "parties.0.party")
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
