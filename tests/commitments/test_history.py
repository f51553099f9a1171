"""Commitments in their agreement's history: created, changed and deleted, as entries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Commitment, Party
from tests.agreements.test_admin import ADD_URL, agreement_post, two_parties

from .conftest import make_commitment
from .test_admin import commitment_row

URL = "/api/v1/commitments/"


def history(client, slug="public-mou"):
    response = client.get(f"/api/v1/agreements/{slug}/history/")
    assert response.status_code == 200, response.content
    return response.json()


def body(**extra):
    return {
        "agreement": "public-mou",
        "text": "Meet within a year",
        "kind": "meeting",
        "responsible_parties": ["GB"],
        "due_on": "2025-08-31",
        "source_url": "https://gov.example/public-mou",
        "quote": "the parties will meet within a year",
        **extra,
    }


def test_commitment_writes_are_entries_of_the_agreement(publisher_api, publisher, anon, public):
    """Recording, editing and deleting a commitment through its endpoint are three entries
    of the agreement's history, each naming the user and what changed."""
    before = history(anon)
    created = publisher_api.post(URL, body(), format="json")
    assert created.status_code == 201, created.content
    key = created.json()["key"]
    patch = {"status": "met", "responsible_parties": ["GB", "US"]}
    assert publisher_api.patch(f"{URL}{key}/", patch, format="json").status_code == 200
    assert publisher_api.delete(f"{URL}{key}/").status_code == 204

    entries = history(anon)
    assert len(entries) == len(before) + 3
    deleted, changed, added = entries[:3]
    for entry in (deleted, changed, added):
        assert entry["user"] == publisher.username
        assert entry["action"] == "updated"
        assert entry["changes"] == []  # the agreement's own fields did not change
    item = added["collections"]["commitments"]["added"][0]
    assert item == {
        "key": key,
        "text": "Meet within a year",
        "kind": "meeting",
        "responsible_parties": ["GB"],
        "due_on": "2025-08-31",
        "due_on_precision": "day",
        "due_within": None,
        "due_unit": "",
        "due_from": "",
        "status": "open",
        "status_on": None,
        "status_source_url": "",
        "status_quote": "",
        "source_url": "https://gov.example/public-mou",
        "quote": "the parties will meet within a year",
    }
    assert added["collections"] == {"commitments": {"added": [item]}}
    assert changed["collections"] == {
        "commitments": {
            "changed": [
                {
                    "key": key,
                    "changes": [
                        {"field": "responsible_parties", "old": ["GB"], "new": ["GB", "US"]},
                        {"field": "status", "old": "open", "new": "met"},
                    ],
                }
            ]
        }
    }
    assert deleted["collections"]["commitments"]["removed"][0]["key"] == key
    assert deleted["collections"]["commitments"]["removed"][0]["status"] == "met"
    assert len({e["at"] for e in entries[:3]}) == 3


def test_anonymous_history_never_shows_draft_commitments(publisher_api, anon, public):
    """A commitment written while the agreement is a draft reaches anonymous readers only as
    it stood when the agreement was published again, in the entry of that version."""
    agreement = "/api/v1/agreements/public-mou/"
    assert publisher_api.patch(agreement, {"is_published": False}, format="json").status_code == 200
    key = publisher_api.post(URL, body(text="SECRET DRAFT PROMISE"), format="json").json()["key"]
    publisher_api.patch(f"{URL}{key}/", {"text": "Public promise"}, format="json")
    assert publisher_api.patch(agreement, {"is_published": True}, format="json").status_code == 200

    editors, public_view = history(publisher_api), history(anon)
    assert "SECRET DRAFT PROMISE" in str(editors)
    assert "SECRET DRAFT PROMISE" not in str(public_view)
    newest = public_view[0]
    assert newest["action"] == "updated"  # from the last published state, as for fields
    assert newest["version"] == editors[0]["version"]
    assert [i["text"] for i in newest["collections"]["commitments"]["added"]] == ["Public promise"]
    assert len(public_view) < len(editors)


def test_admin_page_save_is_one_entry_with_its_commitments(client, editor):
    """An agreement recorded in the admin with a commitment: one entry, both in it."""
    client.force_login(editor)
    data = agreement_post(
        parties=two_parties(),
        commitments=[commitment_row(responsible_parties=[Party.objects.get(code="JP").pk])],
    )
    assert client.post(ADD_URL, data).status_code == 302
    [entry] = history(client, "uk-japan-critical-minerals-mou")
    assert entry["action"] == "created"
    [item] = entry["collections"]["commitments"]["added"]
    assert item["responsible_parties"] == ["JP"]
    assert item["due_on"] == "2025-09-10"
    stored = Commitment.objects.get(agreement__slug="uk-japan-critical-minerals-mou")
    assert item["key"] == str(stored.key)


def test_history_queries_do_not_grow_with_commitment_writes(editor_api, public):
    """Reading the history costs as many queries after one commitment write as after ten."""
    counts = []
    for n in (1, 9):
        for i in range(n):
            make_commitment(public, f"Promise {n}-{i}", responsible=["GB"] if i % 2 else [])
        with CaptureQueriesContext(connection) as queries:
            history(editor_api)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("slug", ["no-such-agreement", "draft-mou"])
def test_history_of_what_anonymous_cannot_see_is_a_404(anon, draft, slug):
    make_commitment(draft, "Hidden")
    assert anon.get(f"/api/v1/agreements/{slug}/history/").status_code == 404


def test_admin_history_page_lists_commitment_writes(client, publisher, publisher_api, public):
    """The agreement's history page in the admin shows a commitment's changes too."""
    key = publisher_api.post(URL, body(), format="json").json()["key"]
    publisher_api.patch(f"{URL}{key}/", {"status": "met"}, format="json")
    client.force_login(publisher)
    page = client.get(reverse("admin:agreements_agreement_history", args=[public.pk]))
    assert page.status_code == 200
    changed, added = page.context["timeline"][:2]
    assert [i["what"] for i in changed["items"]] == ["commitment “Meet within a year”"]
    assert changed["items"][0]["changes"] == [{"field": "status", "old": "Open", "new": "Met"}]
    assert added["items"][0]["action"] == "added"


# --- /api/v1/commitments/{key}/history/ ----------------------------------------------------


def commitment_history(client, key):
    response = client.get(f"{URL}{key}/history/")
    assert response.status_code == 200, response.content
    return response.json()


def test_commitment_history_has_one_entry_per_write(editor_api, editor, anon, public):
    """Each write is one entry (a change of parties too, which simple-history versions
    apart), newest first, with the fields it changed."""
    key = editor_api.post(URL, body(), format="json").json()["key"]
    patch = {"status": "met", "responsible_parties": ["US"]}
    assert editor_api.patch(f"{URL}{key}/", patch, format="json").status_code == 200
    entries = commitment_history(anon, key)
    assert [e["action"] for e in entries] == ["updated", "created"]
    assert {e["user"] for e in entries} == {editor.username}
    assert entries[0]["changes"] == [
        {"field": "responsible_parties", "old": ["GB"], "new": ["US"]},
        {"field": "status", "old": "open", "new": "met"},
    ]
    created = {c["field"]: c["new"] for c in entries[1]["changes"]}
    assert created["text"] == "Meet within a year" and created["responsible_parties"] == ["GB"]
    assert all(c["old"] is None for c in entries[1]["changes"])


def test_commitment_history_hides_draft_time_writes_from_anonymous(publisher_api, anon, public):
    """Writes made while the agreement was a draft: editors see them, anonymous readers
    see only the state the agreement was published again with."""
    key = publisher_api.post(URL, body(), format="json").json()["key"]
    agreement = "/api/v1/agreements/public-mou/"
    publisher_api.patch(agreement, {"is_published": False}, format="json")
    assert anon.get(f"{URL}{key}/history/").status_code == 404
    publisher_api.patch(f"{URL}{key}/", {"text": "SECRET DRAFT WORDING"}, format="json")
    publisher_api.patch(f"{URL}{key}/", {"text": "Public wording"}, format="json")
    publisher_api.patch(agreement, {"is_published": True}, format="json")
    editors, public_view = commitment_history(publisher_api, key), commitment_history(anon, key)
    assert "SECRET DRAFT WORDING" in str(editors)
    assert "SECRET DRAFT WORDING" not in str(public_view)
    assert len(editors) == 3 and len(public_view) == 2
    republished, created = public_view
    assert created["action"] == "created"
    # The change made meanwhile, as of the republication (dated then, by the publisher).
    assert republished["action"] == "updated"
    assert republished["changes"] == [
        {"field": "text", "old": "Meet within a year", "new": "Public wording"}
    ]
    assert republished["at"] > editors[0]["at"]


def test_commitment_history_of_unknown_key_is_a_404(anon, ref):
    response = anon.get(f"{URL}00000000-0000-0000-0000-000000000000/history/")
    assert response.status_code == 404
    assert response.json()["type"] == "client_error"


def test_commitment_recorded_on_a_draft_reads_as_published(publisher_api, anon, public):
    """Recorded while the agreement was a draft: anonymous readers' first entry is the
    state it was published with, and says so."""
    agreement = "/api/v1/agreements/public-mou/"
    publisher_api.patch(agreement, {"is_published": False}, format="json")
    key = publisher_api.post(URL, body(), format="json").json()["key"]
    publisher_api.patch(agreement, {"is_published": True}, format="json")
    publisher_api.patch(f"{URL}{key}/", {"status": "met"}, format="json")
    assert [e["action"] for e in commitment_history(publisher_api, key)] == [
        "updated",
        "created",
    ]
    public_view = commitment_history(anon, key)
    assert [e["action"] for e in public_view] == ["updated", "published"]
    assert public_view[0]["changes"] == [{"field": "status", "old": "open", "new": "met"}]


def test_commitment_history_queries_do_not_grow_with_writes(editor_api, public):
    """One write or nine: the same number of queries."""
    key = editor_api.post(URL, body(), format="json").json()["key"]
    counts = []
    for n in (1, 8):
        for i in range(n):
            editor_api.patch(f"{URL}{key}/", {"text": f"Meet ({n}, {i})"}, format="json")
        with CaptureQueriesContext(connection) as queries:
            entries = commitment_history(editor_api, key)
        assert entries[0]["changes"][0]["new"] == f"Meet ({n}, {n - 1})"
        counts.append(len(queries))
    assert counts[0] == counts[1]
