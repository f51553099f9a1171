"""/api/v1/commitments/ and the commitments nested in an agreement's representation."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import ChangeEvent, Commitment

from .conftest import make_agreement, make_commitment

D = datetime.date.fromisoformat
URL = "/api/v1/commitments/"


def keys(response):
    """Texts of the listed commitments made here (the founding records have theirs too)."""
    assert response.status_code == 200, response.content
    ours = ("public-mou", "draft-mou")
    return [item["text"] for item in response.json()["results"] if item["agreement"] in ours]


@pytest.fixture
def several(public, draft):
    """Commitments of a public agreement (GB, US) and of a draft."""
    make_commitment(public, "Meet by June", due_on=D("2025-06-30"))
    make_commitment(
        public, "UK funds", kind="financing", responsible=["GB"], due_on=D("2025-07-01")
    )
    make_commitment(
        public, "Report in 2026", kind="review", due_on=D("2026-01-01"), due_on_precision="year"
    )
    make_commitment(public, "Kept promise", status="met", due_on=D("2025-01-01"))
    make_commitment(public, "No date at all", kind="working_group")
    make_commitment(draft, "Draft promise", due_on=D("2025-01-01"))


def test_agreement_embeds_its_commitments_with_party_codes(anon, public):
    """An agreement lists its commitments in stored order, parties by code, sorted."""
    make_commitment(public, "First", responsible=["US", "GB"], due_on=D("2025-03-01"))
    make_commitment(public, "Second", due_within=6, due_unit="months", due_from="signing")
    body = anon.get("/api/v1/agreements/public-mou/").json()
    first, second = body["commitments"]
    assert first["text"] == "First" and first["responsible_parties"] == ["GB", "US"]
    assert first["due_on"] == "2025-03-01" and first["due_within"] is None
    assert second["due_on"] == "2025-02-28"
    assert (second["due_within"], second["due_unit"], second["due_from"]) == (
        6,
        "months",
        "signing",
    )
    listed = anon.get("/api/v1/agreements/?limit=500").json()["results"]
    assert [a for a in listed if a["slug"] == "public-mou"][0]["commitments"] == body["commitments"]


def test_agreement_put_back_unchanged_keeps_its_commitments(publisher_api, public):
    """Commitments are read-only in the agreement: a PUT of the GET body changes nothing."""
    make_commitment(public, "Stay")
    before = publisher_api.get("/api/v1/agreements/public-mou/").json()
    response = publisher_api.put("/api/v1/agreements/public-mou/", before, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == before


def test_anonymous_clients_see_commitments_of_published_agreements_only(anon, editor_api, several):
    """The public never sees a draft's commitments; editors see all."""
    assert "Draft promise" not in keys(anon.get(URL))
    assert "Draft promise" in keys(editor_api.get(URL))
    draft_key = Commitment.objects.get(text="Draft promise").key
    assert anon.get(f"{URL}{draft_key}/").status_code == 404
    assert editor_api.get(f"{URL}{draft_key}/").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("overdue_on=2025-06-30", ["Meet by June"][:0]),  # due that very day: not overdue
        ("overdue_on=2025-07-01", ["Meet by June"]),
        ("overdue_on=2025-07-02", ["Meet by June", "UK funds"]),
        ("overdue_on=2026-12-31", ["Meet by June", "UK funds"]),  # the year 2026 is not over
        ("overdue_on=2027-01-01", ["Meet by June", "UK funds", "Report in 2026"]),
        ("due_before=2025-06-30", ["Kept promise", "Meet by June"]),
        ("due_after=2026-06-01", ["Report in 2026"]),  # a year-precision date: its whole year
        ("due_after=2025-07-01&due_before=2025-12-31", ["UK funds"]),
        ("kind=financing&kind=review", ["UK funds", "Report in 2026"]),
        ("status=met", ["Kept promise"]),
        ("q=uk+FUNDS", ["UK funds"]),
        ("agreement=PUBLIC-MOU&kind=working_group", ["No date at all"]),
    ],
)
def test_filters(anon, several, query, expected):
    """Each filter selects what its documentation says (met is never overdue)."""
    assert keys(anon.get(f"{URL}?{query}")) == expected


def test_party_filter_counts_all_parties_when_none_is_named(anon, several):
    """A party is responsible when named, or when none is named and it is a party."""
    us = keys(anon.get(f"{URL}?party=us"))
    assert "UK funds" not in us and "Meet by June" in us
    assert "UK funds" in keys(anon.get(f"{URL}?party=GB"))
    assert keys(anon.get(f"{URL}?party=JP")) == []


@pytest.mark.parametrize(
    ("query", "attr"),
    [
        ("overdue=2025-01-01", "overdue"),
        ("overdue_on=2025-13-01", "overdue_on"),
        ("kind=promise", "kind"),
        ("party=XX", "party"),
        ("agreement=no-such-agreement", "agreement"),
        ("agreement=draft-mou", "agreement"),  # a draft is unknown to the public
    ],
)
def test_bad_query_parameters_are_400s_naming_them(anon, several, query, attr):
    response = anon.get(f"{URL}?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr


def body_for(slug, **extra):
    return {
        "agreement": slug,
        "text": "Establish a working group",
        "kind": "working_group",
        "source_url": f"https://gov.example/{slug}",
        "quote": "will establish a working group",
        **extra,
    }


def test_writes_need_the_model_permissions(anon, outsider_api, editor_api, publisher_api, public):
    """Anonymous clients get 401, users outside the groups 403; editors add and change,
    only publishers delete."""
    assert anon.post(URL, body_for("public-mou"), format="json").status_code in (401, 403)
    assert outsider_api.post(URL, body_for("public-mou"), format="json").status_code == 403
    created = editor_api.post(
        URL, body_for("public-mou", responsible_parties=["US"]), format="json"
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["responsible_parties"] == ["US"] and item["status"] == "open"
    assert created["Location"] == item["url"]
    detail = f"{URL}{item['key']}/"
    assert editor_api.patch(detail, {"status": "met"}, format="json").json()["status"] == "met"
    assert editor_api.delete(detail).status_code == 403
    assert publisher_api.delete(detail).status_code == 204
    assert not Commitment.objects.filter(key=item["key"]).exists()


def test_responsible_parties_must_be_parties_to_the_agreement(editor_api, public):
    response = editor_api.post(
        URL, body_for("public-mou", responsible_parties=["JP"]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "responsible_parties"


def test_a_relative_due_date_is_computed_and_a_sent_due_on_ignored(editor_api, public):
    response = editor_api.post(
        URL,
        body_for(
            "public-mou", due_within=6, due_unit="months", due_from="signing", due_on="2000-01-01"
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["due_on"] == "2025-02-28"
    half = editor_api.post(URL, body_for("public-mou", due_within=6), format="json")
    assert half.status_code == 400


def test_etags_and_if_match(editor_api, public):
    """GET carries an ETag; If-None-Match gives 304; a stale If-Match gives 412."""
    key = make_commitment(public).key
    detail = f"{URL}{key}/"
    first = editor_api.get(detail)
    etag = first["ETag"]
    assert editor_api.get(detail, HTTP_IF_NONE_MATCH=etag).status_code == 304
    changed = editor_api.patch(detail, {"status": "met"}, format="json", HTTP_IF_MATCH=etag)
    assert changed.status_code == 200
    stale = editor_api.patch(detail, {"status": "missed"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert editor_api.get(detail).json()["status"] == "met"
    put_back = editor_api.put(detail, changed.json(), format="json", HTTP_IF_MATCH=changed["ETag"])
    assert put_back.status_code == 200 and put_back.json() == changed.json()


def test_each_write_keeps_a_version_and_a_change_event(editor_api, public):
    """Edits are in the history and in the changes feed, with the agreement's event."""
    commitment = make_commitment(public)
    editor_api.patch(f"{URL}{commitment.key}/", {"status": "missed"}, format="json")
    assert [h.status for h in commitment.history.order_by("history_id")] == ["open", "missed"]
    events = ChangeEvent.objects.filter(resource="commitment", key=str(commitment.key))
    assert list(events.values_list("action", flat=True)) == ["created", "updated"]
    feed = editor_api.get("/api/v1/changes/?resource=commitment&limit=1000").json()["results"]
    assert [e["action"] for e in feed if e["key"] == str(commitment.key)] == ["created", "updated"]
    last = ChangeEvent.objects.order_by("-id").first()
    assert (last.resource, last.key) == ("agreement", "public-mou")


@pytest.mark.parametrize("client_name", ["anon", "editor_api"])
def test_list_query_count_does_not_grow(request, ref, client_name):
    """A page of 20 commitments takes as many queries as a page of 1."""
    client = request.getfixturevalue(client_name)
    agreement = make_agreement("many-mou")
    for i in range(20):
        make_commitment(agreement, f"Promise {i}", responsible=["GB"] if i % 2 else [])
    client.get(f"{URL}?party=GB")  # warms the cached party codes
    counts = []
    for limit in (1, 20):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?limit={limit}&party=GB")
        assert len(response.json()["results"]) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_commitment_stays_with_its_agreement(editor_api, public, draft):
    key = make_commitment(public).key
    response = editor_api.patch(f"{URL}{key}/", {"agreement": "draft-mou"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "agreement"
