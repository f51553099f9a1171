"""List filters of /api/v1/agreements/ (DESIGN §4), proved on a realistic fixture."""

import datetime

import pytest
from django.utils import timezone

from agreements.models import Agreement, AgreementKind, AgreementStatus

from .fixtures import DRAFTS, PUBLISHED, agreements_fixture, module_agreements_fixture  # noqa: F401

URL = "/api/v1/agreements/"

UK_US = "uk-us-critical-minerals-mou-2026"
AU_UK = "australia-uk-critical-minerals-statement-of-intent-2023"
CA_UK = "canada-uk-critical-minerals-joint-statement-2023"
JP_US = "japan-us-critical-minerals-agreement-2023"
AU_UK_US = "australia-uk-us-rare-earth-magnet-framework-2024"
GH_UK = "ghana-uk-minerals-dialogue-2024"
KZ_MOU = "kazakhstan-uk-critical-minerals-mou-2023"
KZ_ROADMAP = "kazakhstan-uk-critical-minerals-roadmap-2024"
DE_UK = "germany-uk-raw-materials-partnership-2024"
CL_UK = "chile-uk-lithium-mou-2019"
ZM_UK = "uk-zambia-copper-agreement-2020"
CA_EU = "canada-eu-strategic-partnership-raw-materials-2021"
EU_UK_PLANNED = "eu-uk-critical-minerals-roadmap-planned"
IN_UK_DRAFT = "india-uk-critical-minerals-partnership-draft"
SA_UK_DRAFT = "saudi-arabia-uk-mining-mou-draft"


def listing(client, params=None):
    response = client.get(URL, {"limit": 500, **(params or {})})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return [row["slug"] for row in body["results"]]


def slugs(client, params=None):
    return set(listing(client, params))


pytestmark = pytest.mark.usefixtures("agreements")


def test_unfiltered_list_is_published_for_anonymous_and_everything_for_editors(anon, editor_api):
    """Without filters, anonymous clients get the published agreements and editors all of them."""
    assert slugs(anon) == PUBLISHED
    assert slugs(editor_api) == PUBLISHED | DRAFTS


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"party": "US"}, {UK_US, JP_US, AU_UK_US}),
        ({"party": ["US", "CA"]}, {UK_US, JP_US, AU_UK_US, CA_UK, CA_EU}),
        ({"party": "EU"}, {CA_EU, EU_UK_PLANNED}),
        ({"party": "IN"}, set()),  # only a draft
        ({"between": "GB,US"}, {UK_US, AU_UK_US}),
        ({"between": "GB,AU,US"}, {AU_UK_US}),
        ({"between": "US,GB"}, {UK_US, AU_UK_US}),
        ({"between": "CA,GB"}, {CA_UK}),
        ({"mineral": "rare-earth-elements"}, {UK_US, AU_UK_US, CA_EU}),
        ({"mineral": "neodymium"}, {AU_UK_US}),
        ({"mineral": ["cobalt", "nickel"]}, {CA_UK, DE_UK, JP_US}),
        ({"mineral": "gallium"}, set()),  # only a draft
        ({"status": "expired"}, {CL_UK}),
        ({"status": ["planned", "terminated"]}, {EU_UK_PLANNED, ZM_UK}),
        ({"kind": "roadmap"}, {KZ_ROADMAP, EU_UK_PLANNED}),
        ({"kind": ["roadmap", "treaty"]}, {KZ_ROADMAP, EU_UK_PLANNED, ZM_UK}),
        ({"legally_binding": "true"}, {JP_US, ZM_UK}),
        ({"legally_binding": "unknown"}, {AU_UK_US, EU_UK_PLANNED, AU_UK, CA_UK}),
        (
            {"legally_binding": "false"},
            PUBLISHED - {JP_US, ZM_UK, AU_UK_US, EU_UK_PLANNED, AU_UK, CA_UK},
        ),
        ({"signed_after": "2024-01-01"}, {KZ_ROADMAP, AU_UK_US, GH_UK, DE_UK, UK_US}),
        ({"signed_after": "2024-01-02"}, {AU_UK_US, GH_UK, DE_UK, UK_US}),
        ({"signed_before": "2019-01-10"}, {CL_UK}),
        ({"signed_before": "2019-01-09"}, set()),
        (
            {"signed_after": "2024-01-01", "signed_before": "2024-12-31"},
            {KZ_ROADMAP, AU_UK_US, GH_UK, DE_UK},
        ),
        ({"signed_after": "2024-06-15", "signed_before": "2024-06-15"}, {AU_UK_US, GH_UK}),
        ({"party": "GB", "mineral": "lithium", "status": "signed"}, {AU_UK, CA_UK}),
        ({"between": "GB,KZ", "kind": "memorandum_of_understanding"}, {KZ_MOU}),
    ],
)
def test_filter_semantics(anon, params, expected):
    """Each list filter selects exactly the agreements DESIGN §4 says it does."""
    assert slugs(anon, params) == expected


def test_filters_show_drafts_to_editors(anon, editor_api):
    """Editors filter over drafts too; anonymous clients never get them."""
    assert slugs(editor_api, {"party": "IN"}) == {IN_UK_DRAFT}
    assert slugs(editor_api, {"between": "GB,US"}) == {UK_US, AU_UK_US}
    assert slugs(editor_api, {"mineral": "zirconium"}) == {SA_UK_DRAFT}
    assert slugs(anon, {"mineral": "zirconium"}) == set()


@pytest.mark.parametrize(
    "day, slug, in_force",
    [
        ("2023-03-28", JP_US, True),  # on the effective date
        ("2023-03-27", JP_US, False),  # the day before
        ("2021-06-21", CA_EU, False),  # signed, but not yet effective
        ("2021-08-31", CA_EU, False),
        ("2021-09-01", CA_EU, True),  # effective date
        ("2026-08-31", CA_EU, True),  # day before expiry
        ("2026-09-01", CA_EU, False),  # on the expiry date
        ("2024-01-09", CL_UK, True),
        ("2024-01-10", CL_UK, False),
        ("2023-04-30", ZM_UK, True),
        ("2023-05-01", ZM_UK, False),  # on the termination date
        ("2023-03-06", CA_UK, True),  # signed that day, no effective date
        ("2023-03-05", CA_UK, False),
        ("2030-01-01", EU_UK_PLANNED, False),  # planned never
        ("1990-01-01", EU_UK_PLANNED, False),
    ],
)
def test_in_force_on_edges(anon, day, slug, in_force):
    """in_force_on: start date inclusive, expiry and termination dates exclusive."""
    assert (slug in slugs(anon, {"in_force_on": day})) is in_force


def test_in_force_on_whole_set(anon):
    """On 2024-01-09 exactly the started, unexpired, unterminated agreements are in force."""
    assert slugs(anon, {"in_force_on": "2024-01-09"}) == {
        CL_UK,
        CA_EU,
        CA_UK,
        AU_UK,
        JP_US,
        KZ_MOU,
        KZ_ROADMAP,
    }


@pytest.mark.parametrize(
    "q, expected",
    [
        ("Magnet", {AU_UK_US}),  # title word
        ("helberg", {UK_US}),  # signatory name
        ("Jacob Helberg", {UK_US}),
        ("Astana", {KZ_MOU}),  # place
        ("Washington", {UK_US, JP_US}),
        ("neodymium", {AU_UK_US}),  # mineral name
        ("tungsten", {KZ_MOU, KZ_ROADMAP}),
        ("brine", {CL_UK}),  # summary
        ("zirconium", set()),  # only in a draft
        ("no-such-word-anywhere", set()),
    ],
)
def test_search(anon, q, expected):
    """q searches title, summary, signatories' names, place and minerals of visible records."""
    assert slugs(anon, {"q": q}) == expected


def test_search_finds_witnesses_and_drafts_for_editors(editor_api):
    """Editors' search covers drafts; witnesses' names are searchable too."""
    assert slugs(editor_api, {"q": "zirconium"}) == {SA_UK_DRAFT}
    assert slugs(editor_api, {"q": "Cameron"}) == {KZ_MOU}


def test_updated_after_uses_full_precision(anon):
    """updated_after is strict and keeps microseconds, for incremental sync."""
    base = timezone.make_aware(datetime.datetime(2025, 1, 1, 12, 0, 0, 500_000))
    Agreement.objects.update(updated_at=base)
    Agreement.objects.filter(slug=GH_UK).update(
        updated_at=base + datetime.timedelta(microseconds=1)
    )
    Agreement.objects.filter(slug=IN_UK_DRAFT).update(updated_at=base + datetime.timedelta(days=1))
    assert slugs(anon, {"updated_after": base.isoformat()}) == {GH_UK}
    earlier = (base - datetime.timedelta(microseconds=1)).isoformat()
    assert slugs(anon, {"updated_after": earlier}) == PUBLISHED
    assert slugs(anon, {"updated_after": "2025-01-01T12:00:00.500001Z"}) == set()


def test_default_ordering_newest_signed_first_ties_by_slug_unsigned_last(anon):
    """Default order: -signed_on, ties broken by slug, agreements without a date last."""
    order = listing(anon)
    assert order[:3] == [UK_US, DE_UK, AU_UK_US]
    assert order.index(AU_UK_US) + 1 == order.index(GH_UK)  # same date, slug order
    assert order[-1] == EU_UK_PLANNED
    assert listing(anon, {"ordering": "-signed_on"}) == order


def test_ascending_ordering_keeps_unsigned_last(anon):
    """ordering=signed_on: oldest first, ties by slug, and the planned agreement still last."""
    order = listing(anon, {"ordering": "signed_on"})
    assert order[0] == CL_UK
    assert order[-1] == EU_UK_PLANNED
    assert order.index(AU_UK_US) + 1 == order.index(GH_UK)


def test_ordering_by_title_and_updated_at(anon):
    """ordering=title sorts by title; ordering=-updated_at puts the latest change first."""
    titles = [
        r["title"] for r in anon.get(URL, {"ordering": "title", "limit": 500}).json()["results"]
    ]
    assert titles == sorted(titles)
    now = timezone.now()
    Agreement.objects.update(updated_at=now)  # all tied: slug decides
    Agreement.objects.filter(slug=ZM_UK).update(updated_at=now + datetime.timedelta(seconds=1))
    order = listing(anon, {"ordering": "-updated_at"})
    assert order[0] == ZM_UK
    assert order[1:] == sorted(PUBLISHED - {ZM_UK})


def test_pages_are_stable_and_disjoint(anon):
    """Walking the list with limit/offset yields every visible agreement exactly once."""
    seen = []
    for offset in range(0, 20, 4):
        body = anon.get(URL, {"limit": 4, "offset": offset}).json()
        seen += [r["slug"] for r in body["results"]]
    assert seen == listing(anon)


def test_envelope_and_links(anon):
    """The list envelope is {count, next, previous, results} with working links."""
    body = anon.get(URL, {"limit": 5, "offset": 5}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == len(PUBLISHED)
    assert len(body["results"]) == 5
    assert "limit=5" in body["next"] and "offset=10" in body["next"]
    assert "limit=5" in body["previous"]
    follow = anon.get(body["next"]).json()
    assert follow["results"][0]["slug"] == listing(anon)[10]
    last = anon.get(URL, {"limit": 5, "offset": 10}).json()
    assert last["next"] is None and len(last["results"]) == len(PUBLISHED) - 10


@pytest.fixture
def many_agreements(agreements):
    Agreement.objects.bulk_create(
        Agreement(
            slug=f"bulk-{i:03d}",
            title=f"Bulk agreement {i}",
            kind=AgreementKind.OTHER,
            status=AgreementStatus.SIGNED,
            signed_on=datetime.date(2010, 1, 1),
            is_published=True,
        )
        for i in range(500)
    )


def test_limit_default_50_and_maximum_500(anon, many_agreements):
    """Pages hold 50 by default and up to 500 on request; more than 500 is refused."""
    body = anon.get(URL).json()
    assert body["count"] == 500 + len(PUBLISHED)
    assert len(body["results"]) == 50
    assert "limit=50" in body["next"]
    assert len(anon.get(URL, {"limit": 500}).json()["results"]) == 500
    response = anon.get(URL, {"limit": 501})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "limit"
    tail = anon.get(URL, {"limit": 500, "offset": 500}).json()
    assert len(tail["results"]) == len(PUBLISHED)
    assert tail["previous"] is not None and tail["next"] is None
