"""Anonymous clients never see a draft, on any endpoint; editors do (DESIGN §4, Visibility)."""

import pytest
from django.core.cache import cache

from .fixtures import (
    DRAFTS,
    PUBLISHED,
    SPECS,
    agreements_fixture,  # noqa: F401
    module_agreements_fixture,  # noqa: F401
)

pytestmark = pytest.mark.usefixtures("agreements")

DRAFT_SPECS = [s for s in SPECS if not s["is_published"]]
# Text that only drafts contain: slugs, titles, summaries, places and draft-only people.
MARKERS = sorted(
    {s["slug"] for s in DRAFT_SPECS}
    | {s["title"] for s in DRAFT_SPECS}
    | {s["summary"] for s in DRAFT_SPECS}
    | {"Draftonly Person", "draftonly-person", "Bandar Alkhorayef", "bandar-alkhorayef"}
    | {"Chequers", "Riyadh"}
)

AGREEMENTS = "/api/v1/agreements/"
# Queries that would match a draft if drafts leaked.
DRAFT_MATCHING_QUERIES = [
    {},
    {"party": "IN"},
    {"party": "SA"},
    {"party": ["ZA", "GB"]},
    {"between": "GB,IN"},
    {"between": "GB,SA,ZA"},
    {"mineral": "gallium"},
    {"mineral": "zirconium"},
    {"status": "signed"},
    {"kind": "partnership"},
    {"kind": "memorandum_of_understanding"},
    {"legally_binding": "false"},
    {"signed_after": "2024-06-15"},
    {"signed_before": "2025-12-31"},
    {"in_force_on": "2025-08-01"},
    {"q": "Guild"},
    {"q": "Riyadh"},
    {"q": "Draftonly"},
    {"q": "zirconium"},
    {"updated_after": "2000-01-01T00:00:00Z"},
    {"ordering": "-updated_at"},
    {"ordering": "title"},
    {"limit": 1, "offset": 0},
]

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/parties/?limit=500",
    "/api/v1/parties/GB/",
    "/api/v1/parties/IN/",
    "/api/v1/parties/SA/",
    "/api/v1/parties/ZA/",
    "/api/v1/parties/?q=India",
    "/api/v1/people/?limit=500",
    "/api/v1/people/nusrat-ghani/",
    "/api/v1/minerals/?limit=500",
    "/api/v1/minerals/gallium/",
    "/api/v1/minerals/zirconium/",
    "/api/v1/mineral-lists/?limit=500",
    "/api/v1/mineral-lists/uk-2024/",
    f"{AGREEMENTS}australia-uk-us-rare-earth-magnet-framework-2024/",
    f"{AGREEMENTS}australia-uk-us-rare-earth-magnet-framework-2024/history/",
    f"{AGREEMENTS}export/?format=csv",
    f"{AGREEMENTS}export/?format=jsonl",
    "/api/v1/changes/",
    "/feeds/agreements/",
    "/feeds/parties/GB/",
    "/feeds/parties/IN/",
    "/feeds/minerals/gallium/",
    "/feeds/minerals/rare-earth-elements/",
]


def leaked(response) -> list[str]:
    if response.streaming:
        text = b"".join(response.streaming_content).decode()
    else:
        text = response.content.decode()
    return [m for m in MARKERS if m in text]


@pytest.mark.parametrize("params", DRAFT_MATCHING_QUERIES, ids=lambda p: str(p) or "none")
def test_agreement_list_never_shows_drafts_to_anonymous(anon, editor_api, params):
    """No list query, filter or search returns a draft to anonymous clients, and the count
    agrees; editors get the drafts on the same query."""
    response = anon.get(AGREEMENTS, params)
    assert response.status_code == 200
    body = response.json()
    assert leaked(response) == []
    assert {r["slug"] for r in body["results"]} <= PUBLISHED
    if params.get("limit") != 1:
        assert body["count"] == len(body["results"])
    cache.clear()
    seen_by_editor = editor_api.get(AGREEMENTS, {"limit": 500, **params}).json()
    if not params or params in ({"party": "IN"}, {"mineral": "zirconium"}, {"q": "Riyadh"}):
        assert {r["slug"] for r in seen_by_editor["results"]} & DRAFTS


@pytest.mark.parametrize("slug", sorted(DRAFTS))
def test_draft_detail_is_404_for_anonymous_and_200_for_editors(
    anon, editor_api, outsider_api, slug
):
    """A draft's detail (and its history) are 404 for anonymous clients and users without
    view permission, and visible to editors."""
    for client in (anon, outsider_api):
        for path in (f"{AGREEMENTS}{slug}/", f"{AGREEMENTS}{slug}/history/"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert leaked(response) == []
    body = editor_api.get(f"{AGREEMENTS}{slug}/").json()
    assert body["slug"] == slug and body["is_published"] is False


@pytest.mark.parametrize("path", ENDPOINTS)
def test_no_endpoint_leaks_a_draft_to_anonymous(anon, outsider_api, path):
    """Parties, partners, people, minerals, lists, related links, history, export, changes
    and feeds: no draft's slug, title, summary, place or draft-only signatory appears."""
    for client in (anon, outsider_api):
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert leaked(response) == [], path


def test_party_counts_and_partners_ignore_drafts(anon, editor_api):
    """agreement_count and partners count published agreements only for anonymous clients."""
    india = anon.get("/api/v1/parties/IN/").json()
    assert india["agreement_count"] == 0 and india["partners"] == []
    assert editor_api.get("/api/v1/parties/IN/").json()["agreement_count"] == 1
    gb = anon.get("/api/v1/parties/GB/").json()
    assert gb["agreement_count"] == sum(
        1
        for s in PUBLISHED
        if s != "japan-us-critical-minerals-agreement-2023"
        and s != "canada-eu-strategic-partnership-raw-materials-2021"
    )
    partners = {p["code"]: p["agreement_count"] for p in gb["partners"]}
    assert not {"IN", "SA", "ZA"} & set(partners)
    assert partners["US"] == 2 and partners["KZ"] == 2 and partners["AU"] == 2
    cache.clear()
    editor_partners = {
        p["code"]: p["agreement_count"]
        for p in editor_api.get("/api/v1/parties/GB/").json()["partners"]
    }
    assert editor_partners["IN"] == 1 and editor_partners["SA"] == 1
    listed = {
        p["code"]: p["agreement_count"]
        for p in anon.get("/api/v1/parties/", {"limit": 500}).json()["results"]
    }
    assert listed["IN"] == 0 and listed["ZA"] == 0 and listed["GB"] == gb["agreement_count"]


def test_mineral_counts_ignore_drafts(anon, editor_api):
    """A mineral's agreement_count counts visible agreements, a group's its members' too."""
    assert anon.get("/api/v1/minerals/gallium/").json()["agreement_count"] == 0
    assert editor_api.get("/api/v1/minerals/gallium/").json()["agreement_count"] == 1
    assert anon.get("/api/v1/minerals/rare-earth-elements/").json()["agreement_count"] == 3
    listed = {
        m["slug"]: m["agreement_count"]
        for m in anon.get("/api/v1/minerals/", {"limit": 500}).json()["results"]
    }
    assert listed["zirconium"] == 0 and listed["lithium"] == 4


def test_people_show_only_published_signatures(anon, editor_api):
    """People who signed only drafts are hidden; others show published signatures only."""
    assert anon.get("/api/v1/people/draftonly-person/").status_code == 404
    assert editor_api.get("/api/v1/people/draftonly-person/").status_code == 200
    people = {p["slug"] for p in anon.get("/api/v1/people/", {"limit": 500}).json()["results"]}
    assert "draftonly-person" not in people and "seema-malhotra" in people
    ghani = anon.get("/api/v1/people/nusrat-ghani/").json()
    assert {s["agreement"] for s in ghani["signatures"]} <= PUBLISHED
    assert len(ghani["signatures"]) == 3
    cache.clear()
    ghani = editor_api.get("/api/v1/people/nusrat-ghani/").json()
    assert "saudi-arabia-uk-mining-mou-draft" in {s["agreement"] for s in ghani["signatures"]}


def test_related_link_to_a_draft_is_hidden(anon, editor_api):
    """A published agreement's link to a draft is shown to editors only."""
    path = f"{AGREEMENTS}australia-uk-us-rare-earth-magnet-framework-2024/"
    assert anon.get(path).json()["related"] == []
    assert editor_api.get(path).json()["related"] == [
        {"agreement": "india-uk-critical-minerals-partnership-draft", "kind": "follows"}
    ]
    listed = anon.get(AGREEMENTS, {"between": "GB,AU,US"}).json()["results"]
    assert listed[0]["related"] == []
