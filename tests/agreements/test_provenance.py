"""Provenance: claims per field, readable by the public for published agreements only,
replaced by editors, refused when they break the rules."""

import pytest

from agreements.models import Claim

from .fixtures import assert_error

pytestmark = pytest.mark.django_db

URL = "https://example.gov/release"
OTHER = "https://example.org/news"


@pytest.fixture
def agreement(publisher_api):
    body = {
        "title": "Test MoU",
        "slug": "test-mou",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "signed_on": "2024-03-01",
        "signed_on_precision": "month",
        "signed_place": "London",
        "parties": [{"party": "GB"}, {"party": "KZ"}],
        "signatures": [{"person": "Ann Example", "party": "GB", "office": "Minister"}],
        "sources": [
            {"url": URL, "kind": "press_release"},
            {"url": OTHER, "kind": "news"},
        ],
    }
    response = publisher_api.post("/api/v1/agreements/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


CLAIMS = [
    {
        "field": "signed_on",
        "value": "2024-03",
        "source_url": URL,
        "quote": "signed in March 2024",
        "status": "disputed",
        "chosen": True,
        "note": "The official release; the news report gives April.",
    },
    {
        "field": "signed_on",
        "value": "2024-04",
        "source_url": OTHER,
        "quote": "signed in April 2024",
        "status": "disputed",
        "chosen": False,
    },
    {"field": "parties", "row": "KZ", "value": "KZ", "source_url": URL, "quote": "with Kazakhstan"},
    {
        "field": "signatures",
        "row": "ann-example",
        "value": {"person": "Ann Example", "party": "GB", "office": "Minister"},
        "source_url": URL,
        "quote": "Minister Ann Example signed",
    },
]


def put(client, claims, slug="test-mou", **headers):
    return client.put(
        f"/api/v1/agreements/{slug}/provenance/", {"claims": claims}, format="json", **headers
    )


def test_editor_replaces_claims_and_disputed_fields_are_listed(editor_api, agreement):
    response = put(editor_api, CLAIMS)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agreement"] == "test-mou"
    assert body["disputed"] == ["signed_on"]
    assert len(body["claims"]) == 4
    assert {c["status"] for c in body["claims"]} == {"disputed", "verified"}
    # A second PUT with one claim fewer removes it, keeping the rest in place.
    ids = dict(
        Claim.objects.filter(agreement__slug="test-mou", field="parties").values_list("row", "id")
    )
    response = put(editor_api, CLAIMS[:3])
    assert response.status_code == 200
    assert Claim.objects.filter(agreement__slug="test-mou").count() == 3
    assert (
        dict(
            Claim.objects.filter(agreement__slug="test-mou", field="parties").values_list(
                "row", "id"
            )
        )
        == ids
    )


def test_anonymous_reads_claims_of_published_agreements_only(
    anon, editor_api, publisher_api, agreement
):
    put(editor_api, CLAIMS)
    assert anon.get("/api/v1/agreements/test-mou/provenance/").status_code == 404  # a draft
    publisher_api.patch("/api/v1/agreements/test-mou/", {"is_published": True}, format="json")
    response = anon.get("/api/v1/agreements/test-mou/provenance/")
    assert response.status_code == 200
    assert len(response.json()["claims"]) == 4
    etag = response["ETag"]
    again = anon.get("/api/v1/agreements/test-mou/provenance/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("claim", "attr"),
    [
        ({"source_url": "https://elsewhere.example/x"}, "claims.0.source_url"),
        ({"quote": " ".join(["word"] * 41)}, "claims.0.quote"),
        ({"quote": ""}, "claims.0.quote"),
        ({"field": "parties", "row": "", "value": "GB"}, "claims.0.row"),
        ({"field": "parties", "row": "FR", "value": "FR"}, "claims.0.row"),
        ({"field": "title", "row": "x"}, "claims.0.row"),
        ({"field": "summary"}, "claims.0.field"),
        ({"status": "probable"}, "claims.0.status"),
        ({"quote": 12}, "claims.0.quote"),
    ],
)
def test_bad_claims_are_refused_and_nothing_changes(editor_api, agreement, claim, attr):
    put(editor_api, CLAIMS)
    good = {"field": "title", "value": "Test MoU", "source_url": URL, "quote": "the Test MoU"}
    response = put(editor_api, [{**good, **claim}])
    assert_error(response, 400, attr)
    assert Claim.objects.filter(agreement__slug="test-mou").count() == 4


def test_writing_claims_needs_the_change_permission(anon, outsider_api, agreement):
    assert put(anon, CLAIMS).status_code == 401
    assert put(outsider_api, CLAIMS).status_code == 403
    assert Claim.objects.filter(agreement__slug="test-mou").count() == 0


def test_stale_if_match_is_refused(editor_api, agreement):
    first = put(editor_api, CLAIMS)
    etag = first["ETag"]
    put(editor_api, CLAIMS[:2])
    response = put(editor_api, CLAIMS, HTTP_IF_MATCH=etag)
    assert response.status_code == 412


def test_conflicts_list_in_admin_shows_only_disputed_claims(
    client, editor_api, publisher, agreement
):
    put(editor_api, CLAIMS)
    client.force_login(publisher)
    page = client.get("/admin/agreements/conflict/", {"q": "test-mou"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 conflicts" in html or "2 conflict" in html
    assert "2024-04" in html and "with Kazakhstan" not in html
    agreement = Claim.objects.filter(agreement__slug="test-mou").first().agreement
    change = client.get(f"/admin/agreements/agreement/{agreement.pk}/change/")
    assert "claims-TOTAL_FORMS" in change.content.decode()
