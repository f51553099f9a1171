"""Writing agreements through the API: nested collections, round trips, atomicity and
permissions (DESIGN §4)."""

import copy

import pytest
from django.core.cache import cache

from agreements.models import Agreement, Person

from .fixtures import (
    ALL,
    agreements_fixture,  # noqa: F401
    assert_error,
    module_agreements_fixture,  # noqa: F401
    table_counts,
)

URL = "/api/v1/agreements/"


def detail(slug):
    return f"{URL}{slug}/"


def reread(client, url):
    """GET that bypasses the response cache: test transactions never commit, so the data
    version (bumped on commit) does not move within a test."""
    cache.clear()
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


NEW = {
    "title": "Chile–United Kingdom Memorandum of Understanding on Lithium and Copper",
    "short_title": "Chile–UK Lithium MoU",
    "kind": "memorandum_of_understanding",
    "status": "signed",
    "legally_binding": False,
    "signed_on": "2025-03-10",
    "signed_place": "Santiago",
    "signed_country": "CL",
    "summary": "Cooperation on lithium brine and copper concentrate.",
    "parties": [{"party": "CL"}, {"party": "GB"}],
    "signatures": [
        {"person": "Aurora Williams", "party": "CL", "office": "Minister of Mining"},
        {"person": "seema-malhotra", "party": "GB", "office": "Foreign Office Minister"},
    ],
    "minerals": [
        {"mineral": "lithium", "stages": ["refining", "mining"]},
        {"mineral": "copper", "stages": []},
    ],
    "sources": [
        {
            "url": "https://www.gov.uk/government/news/chile-uk-lithium",
            "title": "UK and Chile sign lithium memorandum",
            "publisher": "GOV.UK",
            "published_on": "2025-03-11",
            "kind": "press_release",
        }
    ],
    "related": [
        {"agreement": "canada-uk-critical-minerals-joint-statement-2023", "kind": "follows"}
    ],
}


def new(**overrides):
    return {**copy.deepcopy(NEW), **overrides}


# --- Creating -------------------------------------------------------------------------


def test_post_creates_agreement_with_every_collection(editor_api):
    """POST creates the agreement with its parties, signatures, minerals, sources and links."""
    people_before = Person.objects.count()
    response = editor_api.post(URL, new(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "chile-uk-lithium-mou"
    assert body["is_published"] is False
    assert [p["party"] for p in body["parties"]] == ["CL", "GB"]
    assert body["parties"][0]["party_name"] == "Chile"
    signatures = {s["person"]: s for s in body["signatures"]}
    assert set(signatures) == {"aurora-williams", "seema-malhotra"}
    assert signatures["aurora-williams"]["person_name"] == "Aurora Williams"
    assert signatures["aurora-williams"]["signed_on"] == "2025-03-10"  # the agreement's date
    assert signatures["seema-malhotra"]["person_name"] == "Seema Malhotra"
    assert {m["mineral"]: m["stages"] for m in body["minerals"]} == {
        "lithium": ["mining", "refining"],  # canonical order
        "copper": [],
    }
    assert body["sources"][0]["url"] == NEW["sources"][0]["url"]
    assert body["related"] == NEW["related"]
    assert body["url"].endswith(detail(body["slug"]))
    # Only the unknown name created a person; the slug linked the existing one.
    assert Person.objects.count() == people_before + 1
    assert Person.objects.get(slug="aurora-williams").name == "Aurora Williams"
    assert reread(editor_api, detail(body["slug"])) == body


def test_slug_from_title_when_absent_and_given_slug_kept(editor_api):
    """The slug is generated from the (short) title when absent; a given slug is kept."""
    body = editor_api.post(URL, new(short_title=""), format="json").json()
    assert body["slug"].startswith("chile-united-kingdom-memorandum")
    body = editor_api.post(URL, new(slug="my-own-slug"), format="json").json()
    assert body["slug"] == "my-own-slug"


def test_person_given_by_name_matches_existing_person(editor_api):
    """A name that matches an existing person links that person instead of a duplicate."""
    before = Person.objects.count()
    data = new(signatures=[{"person": "Seema Malhotra", "party": "GB", "office": "Minister"}])
    body = editor_api.post(URL, data, format="json").json()
    assert body["signatures"][0]["person"] == "seema-malhotra"
    assert Person.objects.count() == before


# --- Round trip -----------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(ALL))
def test_get_put_round_trip_is_identical_and_saves_nothing(publisher_api, agreements, slug):
    """A representation sent back unchanged with PUT comes back identical, and a no-op write
    changes nothing (not even updated_at)."""
    before = reread(publisher_api, detail(slug))
    counts = table_counts()
    response = publisher_api.put(detail(slug), before, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == before
    assert reread(publisher_api, detail(slug)) == before
    after = table_counts()
    changed = {t: (counts[t], after[t]) for t in counts if counts[t] != after[t]}
    assert changed == {}


def test_put_round_trip_for_editor_keeps_publication(editor_api, agreements):
    """An editor may PUT back a published agreement unchanged: is_published is not a change."""
    slug = "uk-us-critical-minerals-mou-2026"
    before = reread(editor_api, detail(slug))
    response = editor_api.put(detail(slug), before, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == before


# --- Atomicity ------------------------------------------------------------------------

BAD_LAST_ITEM = {
    "last-source-bad-url": {
        "sources": NEW["sources"] + [{"url": "not a url", "kind": "news"}],
    },
    "last-signature-unknown-party": {
        "signatures": NEW["signatures"]
        + [{"person": "Nobody Newname", "party": "XX", "office": "Minister"}],
    },
    "last-signature-not-a-party": {
        "signatures": NEW["signatures"]
        + [{"person": "Nobody Newname", "party": "US", "office": "Minister"}],
    },
    "last-mineral-unknown": {"minerals": NEW["minerals"] + [{"mineral": "kryptonite"}]},
    "last-related-unknown": {
        "related": NEW["related"] + [{"agreement": "no-such-agreement", "kind": "follows"}]
    },
    "last-party-duplicate": {"parties": NEW["parties"] + [{"party": "GB"}]},
}


def expected_attr(case):
    return {
        "last-source-bad-url": "sources.1.url",
        # A new witness goes first, so the bad signature stays last (index 3).
        "last-signature-unknown-party": "signatures.3.party",
        "last-signature-not-a-party": "signatures.3.party",
        "last-mineral-unknown": "minerals.2.mineral",
        "last-related-unknown": "related.1.agreement",
        "last-party-duplicate": "parties.2.party",
    }[case]


@pytest.mark.parametrize("case", sorted(BAD_LAST_ITEM))
def test_post_with_invalid_last_item_changes_nothing(editor_api, case):
    """A POST whose last nested item is invalid is a 400 and writes no row anywhere (no new
    person either)."""
    data = new(**BAD_LAST_ITEM[case])
    data["signatures"] = data["signatures"] + [
        {"person": "Brand New Person", "role": "witness", "party": None}
    ]
    if case.startswith("last-signature"):
        data["signatures"] = [data["signatures"][-1]] + data["signatures"][:-1]
    counts = table_counts()
    response = editor_api.post(URL, data, format="json")
    assert_error(response, 400, expected_attr(case))
    assert table_counts() == counts
    assert not Person.objects.filter(name__in=["Brand New Person", "Nobody Newname"]).exists()


@pytest.mark.parametrize("case", sorted(BAD_LAST_ITEM))
def test_put_with_invalid_last_item_changes_nothing(publisher_api, case):
    """A PUT whose last nested item is invalid is a 400 and changes no row anywhere."""
    slug = "uk-us-critical-minerals-mou-2026"
    before = reread(publisher_api, detail(slug))
    data = {**copy.deepcopy(before), **new(**BAD_LAST_ITEM[case])}
    data["slug"] = slug
    data["signatures"] = [{"person": "Brand New Person", "role": "witness", "party": None}] + data[
        "signatures"
    ]
    counts = table_counts()
    response = publisher_api.put(detail(slug), data, format="json")
    assert_error(response, 400, expected_attr(case))
    assert table_counts() == counts
    assert reread(publisher_api, detail(slug)) == before


# --- Partial updates ------------------------------------------------------------------


def test_patch_with_a_collection_replaces_only_that_collection(publisher_api, agreements):
    """PATCH with minerals replaces the minerals; parties, signatures and sources stay.
    (Dropping rows needs the delete permission: a publisher's.)"""
    editor_api = publisher_api
    slug = "japan-us-critical-minerals-agreement-2023"
    before = reread(editor_api, detail(slug))
    response = editor_api.patch(
        detail(slug), {"minerals": [{"mineral": "cobalt", "stages": ["trade"]}]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(m["mineral"], m["stages"]) for m in body["minerals"]] == [("cobalt", ["trade"])]
    for key in ("parties", "signatures", "sources", "related", "title", "signed_on"):
        assert body[key] == before[key], key
    assert body["updated_at"] > before["updated_at"]
    assert reread(editor_api, detail(slug)) == body


def test_patch_scalar_keeps_collections(editor_api, agreements):
    """PATCH of one field leaves every collection as it was."""
    slug = "kazakhstan-uk-critical-minerals-mou-2023"
    before = reread(editor_api, detail(slug))
    body = editor_api.patch(detail(slug), {"summary": "Revised."}, format="json").json()
    assert body["summary"] == "Revised."
    assert {k: body[k] for k in ("parties", "signatures", "minerals", "sources")} == {
        k: before[k] for k in ("parties", "signatures", "minerals", "sources")
    }


def test_patch_empty_collection_clears_it(publisher_api, agreements):
    """PATCH with an empty list empties that collection (on a draft; a publisher, who may
    delete rows)."""
    slug = "india-uk-critical-minerals-partnership-draft"
    body = publisher_api.patch(detail(slug), {"minerals": []}, format="json").json()
    assert body["minerals"] == []


def test_patch_cannot_leave_a_published_agreement_without_sources(publisher_api):
    """Removing every source of a published agreement is refused."""
    slug = "uk-us-critical-minerals-mou-2026"
    before = reread(publisher_api, detail(slug))["sources"]
    assert before
    response = publisher_api.patch(detail(slug), {"sources": []}, format="json")
    assert_error(response, 400, "sources")
    assert reread(publisher_api, detail(slug))["sources"] == before


# --- Permissions ----------------------------------------------------------------------


def test_delete_needs_delete_permission(editor_api, publisher_api, agreements):
    """Editors cannot delete (403); publishers can (204), then the agreement is gone."""
    slug = "ghana-uk-minerals-dialogue-2024"
    assert_error(editor_api.delete(detail(slug)), 403)
    assert Agreement.objects.filter(slug=slug).exists()
    response = publisher_api.delete(detail(slug))
    assert response.status_code == 204
    assert not Agreement.objects.filter(slug=slug).exists()
    cache.clear()
    assert_error(publisher_api.get(detail(slug)), 404)


def test_editor_cannot_publish_or_unpublish(editor_api, agreements):
    """Setting is_published needs the publish permission: editors get 403 and nothing changes."""
    assert_error(editor_api.post(URL, new(is_published=True), format="json"), 403)
    assert not Agreement.objects.filter(title=NEW["title"]).exists()
    draft = "india-uk-critical-minerals-partnership-draft"
    assert_error(editor_api.patch(detail(draft), {"is_published": True}, format="json"), 403)
    published = "uk-us-critical-minerals-mou-2026"
    assert_error(editor_api.patch(detail(published), {"is_published": False}, format="json"), 403)
    assert Agreement.objects.get(slug=draft).is_published is False
    assert Agreement.objects.get(slug=published).is_published is True


def test_publisher_publishes(publisher_api, anon, agreements):
    """A publisher may publish a complete draft; anonymous clients then see it."""
    draft = "india-uk-critical-minerals-partnership-draft"
    response = publisher_api.patch(detail(draft), {"is_published": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_published"] is True
    cache.clear()
    assert anon.get(detail(draft)).json()["slug"] == draft


def test_publishing_incomplete_draft_is_refused(publisher_api, agreements):
    """A draft without sources cannot be published, even by a publisher."""
    draft = "saudi-arabia-uk-mining-mou-draft"
    response = publisher_api.patch(detail(draft), {"is_published": True}, format="json")
    assert_error(response, 400, "sources")


def test_anonymous_writes_are_401(anon, agreements):
    """Anonymous clients cannot write anything."""
    slug = "uk-us-critical-minerals-mou-2026"
    title = Agreement.objects.get(slug=slug).title
    assert_error(anon.post(URL, new(), format="json"), 401)
    assert_error(anon.put(detail(slug), new(), format="json"), 401)
    assert_error(anon.patch(detail(slug), {"title": "x"}, format="json"), 401)
    assert_error(anon.delete(detail(slug)), 401)
    assert Agreement.objects.get(slug=slug).title == title


def test_outsider_writes_are_403(outsider_api, agreements):
    """An authenticated user without model permissions cannot write."""
    slug = "uk-us-critical-minerals-mou-2026"
    title = Agreement.objects.get(slug=slug).title
    assert_error(outsider_api.post(URL, new(), format="json"), 403)
    assert_error(outsider_api.patch(detail(slug), {"title": "x"}, format="json"), 403)
    assert_error(outsider_api.delete(detail(slug)), 403)
    assert Agreement.objects.get(slug=slug).title == title


REFERENCE = [
    (
        "/api/v1/parties/",
        {"code": "US-DOE", "name": "US DOE", "kind": "government_body", "country": "US"},
        "US-DOE",
    ),
    (
        "/api/v1/minerals/",
        {"slug": "unobtainium", "name": "Unobtainium", "aliases": ["unob"]},
        "unobtainium",
    ),
    (
        "/api/v1/mineral-lists/",
        {
            "slug": "gb-test-list",
            "name": "Test list",
            "jurisdiction": "GB",
            "entries": [{"mineral": "lithium", "label": "Lithium", "note": ""}],
        },
        "gb-test-list",
    ),
    ("/api/v1/people/", {"name": "Test Person"}, "test-person"),
]


@pytest.mark.parametrize("url, data, key", REFERENCE, ids=[r[0].split("/")[3] for r in REFERENCE])
def test_reference_data_writable_only_with_model_permissions(
    anon, outsider_api, editor_api, publisher_api, url, data, key
):
    """Parties, minerals, lists and people: anonymous 401, no permission 403, editors may add
    and change but not delete, publishers may delete."""
    assert_error(anon.post(url, data, format="json"), 401)
    assert_error(outsider_api.post(url, data, format="json"), 403)
    response = editor_api.post(url, data, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["name"] == data["name"]
    item = f"{url}{key}/"
    assert_error(outsider_api.patch(item, {"name": "Changed"}, format="json"), 403)
    response = editor_api.patch(item, {"name": "Changed"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Changed"
    assert_error(editor_api.delete(item), 403)
    assert_error(anon.delete(item), 401)
    assert publisher_api.delete(item).status_code == 204
    assert_error(publisher_api.get(item), 404)


# --- Query counts ---------------------------------------------------------------------


def queries_for(client, url):
    """Number of queries one uncached GET takes, and its body."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context), response.json()


@pytest.fixture
def fifty_agreements(ref):
    """50 published agreements with every nested collection, and 50 people who signed them."""
    import datetime

    from agreements.models import (
        AgreementMineral,
        AgreementParty,
        Party,
        RelatedAgreement,
        Signature,
        Source,
    )
    from minerals.models import Mineral

    made = Agreement.objects.bulk_create(
        Agreement(
            slug=f"bulk-{i:02d}",
            title=f"Bulk agreement {i}",
            kind="memorandum_of_understanding",
            status="signed",
            signed_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            signed_country=Party.objects.get(code="GB"),
            is_published=i % 2 == 0,
        )
        for i in range(50)
    )
    gb, us, fr = (Party.objects.get(code=c) for c in ("GB", "US", "FR"))
    lithium, cobalt = Mineral.objects.get(slug="lithium"), Mineral.objects.get(slug="cobalt")
    people = Person.objects.bulk_create(
        Person(slug=f"bulk-person-{i:02d}", name=f"Bulk Person {i}") for i in range(50)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=a, party=p) for a in made for p in (gb, us, fr)
    )
    Signature.objects.bulk_create(
        Signature(agreement=a, person=person, party=gb, office="Minister", signed_on=a.signed_on)
        for a, person in zip(made, people, strict=True)
    )
    AgreementMineral.objects.bulk_create(
        AgreementMineral(agreement=a, mineral=m, stages=["mining"])
        for a in made
        for m in (lithium, cobalt)
    )
    Source.objects.bulk_create(
        Source(agreement=a, url=f"https://gov.example/{a.slug}/{n}") for a in made for n in (1, 2)
    )
    RelatedAgreement.objects.bulk_create(
        RelatedAgreement(from_agreement=a, to_agreement=b, kind="follows")
        for a, b in zip(made[1:], made[:-1], strict=True)
    )
    return made


LIST_ENDPOINTS = [
    "/api/v1/agreements/",
    "/api/v1/agreements/?party=GB&mineral=lithium&ordering=title",
    "/api/v1/parties/",
    "/api/v1/people/",
]


@pytest.mark.parametrize("client_name", ["anon", "editor_api"])
@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_list_query_count_does_not_grow_with_page_size(request, fifty_agreements, client_name, url):
    """A list page of 50 takes exactly as many queries as a page of 1."""
    client = request.getfixturevalue(client_name)
    joiner = "&" if "?" in url else "?"
    one, body_one = queries_for(client, f"{url}{joiner}limit=1")
    fifty, body_fifty = queries_for(client, f"{url}{joiner}limit=50")
    assert len(body_one["results"]) == 1
    assert len(body_fifty["results"]) == min(50, body_fifty["count"]) >= 25
    assert fifty == one


@pytest.mark.parametrize("url", ["/api/v1/parties/GB/", "/api/v1/people/seema-malhotra/"])
def test_reference_round_trip_saves_nothing(publisher_api, url):
    """A party or person sent back unchanged with PUT comes back identical (no new version)."""
    before = reread(publisher_api, url)
    counts = table_counts()
    response = publisher_api.put(url, before, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == before
    assert table_counts() == counts


def test_patch_parties_cannot_strand_a_signatory(publisher_api):
    """Replacing the parties so that a signatory's party is gone is refused on the signature."""
    slug = "uk-us-critical-minerals-mou-2026"
    counts = table_counts()
    response = publisher_api.patch(
        detail(slug), {"parties": [{"party": "GB"}, {"party": "AU"}]}, format="json"
    )
    body = assert_error(response, 400)
    assert any(e["attr"].startswith("signatures.") for e in body["errors"]), body
    assert table_counts() == counts


def test_witness_may_represent_a_non_party(editor_api):
    """A witness may represent a party outside the agreement, or none."""
    data = new(
        signatures=NEW["signatures"]
        + [
            {"person": "Antony Blinken", "party": "US", "role": "witness"},
            {"person": "Ursula von der Leyen", "party": None, "role": "witness"},
        ]
    )
    response = editor_api.post(URL, data, format="json")
    assert response.status_code == 201, response.content
    witnesses = {
        s["person"]: s["party"] for s in response.json()["signatures"] if s["role"] == "witness"
    }
    assert witnesses == {"antony-blinken": "US", "ursula-von-der-leyen": None}
