"""The public explorer: every page type renders published data only, with the same numbers
as the anonymous API, dates read with their precision, provenance on demand, and caching
like the API's."""

import datetime
import json
import re
from html import unescape

import pytest
from django.test import Client

from agreements.models import (
    AgreementKind,
    Claim,
    ClaimStatus,
    DatePrecision,
    Party,
    RelatedAgreement,
    RelationKind,
)
from config.api.data_version import bump_data_version
from minerals.models import Mineral

from ..factories import (
    AgreementFactory,
    AgreementMineralFactory,
    AgreementPartyFactory,
    PersonFactory,
    SignatureFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

SOURCE = "https://www.gov.uk/government/news/example-uk-us-lithium-mou"


def agreement(title, parties, minerals=(), published=True, **fields):
    item = AgreementFactory(title=title, is_published=published, **fields)
    for code in parties:
        AgreementPartyFactory(agreement=item, party=Party.objects.get(code=code))
    for slug, stages in minerals:
        AgreementMineralFactory(
            agreement=item, mineral=Mineral.objects.get(slug=slug), stages=stages
        )
    SourceFactory(agreement=item, url=SOURCE if "Lithium" in title else f"{SOURCE}/{item.pk}")
    return item


@pytest.fixture
def catalogue(ref):
    """Two published agreements (one dated to the month), one linked to the other, and a
    draft that must never show."""
    mou = agreement(
        "UK-US Lithium Memorandum",
        ["GB", "US"],
        [("lithium", ["mining", "processing"]), ("rare-earth-elements", [])],
        signed_on=datetime.date(2024, 3, 1),
        signed_on_precision=DatePrecision.MONTH,
        signed_place="Washington DC",
    )
    SignatureFactory(
        agreement=mou,
        person=PersonFactory(name="Ada Minister"),
        party=Party.objects.get(code="GB"),
        office="Minister for Trade",
    )
    Claim.objects.create(
        agreement=mou,
        field="signed_on",
        value="2024-03-01",
        source_url=SOURCE,
        quote="The memorandum was signed in March 2024.",
        status=ClaimStatus.VERIFIED,
    )
    Claim.objects.create(
        agreement=mou,
        field="signed_on",
        value="2024-04-01",
        source_url=f"{SOURCE}/other",
        quote="signed last April",
        status=ClaimStatus.DISPUTED,
        chosen=False,
    )
    roadmap = agreement(
        "UK-US Minerals Roadmap",
        ["GB", "US", "AU"],
        [("neodymium", ["processing"]), ("nickel", ["refining"])],
        kind=AgreementKind.ROADMAP,
        signed_on=datetime.date(2025, 6, 10),
    )
    RelatedAgreement.objects.create(
        from_agreement=roadmap, to_agreement=mou, kind=RelationKind.ROADMAP_FOR
    )
    draft = agreement(
        "Secret Cobalt Draft",
        ["GB", "JP"],
        [("cobalt", [])],
        published=False,
        signed_on=datetime.date(2025, 1, 5),
    )
    bump_data_version()
    return {"mou": mou, "roadmap": roadmap, "draft": draft}


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def api(client, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def shown_value(html, name):
    match = re.search(rf'data-testid="{name}">([^<]*)<', html)
    assert match, f"no {name} in page"
    return unescape(match.group(1))


def facet(html, key, value):
    """The count shown next to a facet value (its link toggles ``key=value``)."""
    match = re.search(
        rf'href="\?[^"]*\b{key}={re.escape(value)}\b[^"]*"[^>]*><span class="value">[^<]*</span> '
        r'<span class="count">(\d+)</span>',
        html,
    )
    assert match, f"no facet {key}={value}"
    return int(match.group(1))


def test_home_counts_equal_the_api(catalogue):
    """The home page's total and its facet counts are the API's counts for the same filters."""
    client = Client()
    html = page(client, "/")
    assert int(shown_value(html, "result-count")) == api(client, "/api/v1/agreements/")["count"]
    for key, value in [
        ("party", "GB"),
        ("party", "US"),
        ("mineral", "lithium"),
        ("mineral", "rare-earth-elements"),
        ("kind", "roadmap"),
        ("status", "signed"),
    ]:
        expected = api(client, f"/api/v1/agreements/?{key}={value}")["count"]
        assert facet(html, key, value) == expected, (key, value)
    expected_2024 = api(
        client, "/api/v1/agreements/?signed_after=2024-01-01&signed_before=2024-12-31"
    )["count"]
    assert facet(html, "year", "2024") == expected_2024
    assert "Secret Cobalt Draft" not in html


def test_home_filters_are_the_apis_and_link_to_it(catalogue):
    """Filters in the page address are the API's; the page links to the same query in the API,
    which returns the same count."""
    client = Client()
    html = page(client, "/?party=GB&mineral=lithium&year=2024")
    assert shown_value(html, "result-count") == "1"
    assert "UK-US Lithium Memorandum" in html and "UK-US Minerals Roadmap" not in html
    link = re.search(r'class="api-links">[^<]*<a href="([^"]+)"', html).group(1)
    api_url = unescape(link)
    assert api_url.startswith("/api/v1/agreements/?")
    assert "signed_after=2024-01-01" in api_url and "signed_before=2024-12-31" in api_url
    assert api(client, api_url)["count"] == 1
    assert 'href="/api/docs/"' in html


def test_home_refuses_unknown_filter_values(catalogue):
    """An unknown party code is a 400 page naming the filter, not a 500 or an empty list."""
    html = page(Client(), "/?party=ZZ", status=400)
    assert "Unknown party code: ZZ" in html and "<strong>party</strong>" in html


def test_agreement_page_facts_precision_and_provenance(catalogue):
    """Dates are read with their precision, and every fact with claims carries them, disputed
    ones marked, in a <details> element."""
    html = page(Client(), f"/agreements/{catalogue['mou'].slug}/")
    assert "March 2024" in html and "(known to the month)" in html
    assert "1 March 2024" not in html
    assert "Sources for this fact (2)" in html and "status-disputed" in html
    assert "The memorandum was signed in March 2024." in html
    assert "Ada Minister" in html and "Minister for Trade" in html
    assert "Lithium" in html and "Mining, Processing" in html
    assert SOURCE in html
    # The lineage: the roadmap links to this memorandum.
    assert "UK-US Minerals Roadmap" in html and "roadmap for" in html
    assert f'href="/api/v1/agreements/{catalogue["mou"].slug}/"' in html


def test_drafts_are_invisible(catalogue):
    """A draft has no page and counts nowhere, as for anonymous API clients."""
    client = Client()
    page(client, f"/agreements/{catalogue['draft'].slug}/", status=404)
    jp = page(client, "/parties/JP/")
    assert "Secret Cobalt Draft" not in jp
    assert (
        int(shown_value(jp, "agreement-count"))
        == api(client, "/api/v1/parties/JP/")["agreement_count"]
    )
    cobalt = page(client, "/minerals/cobalt/")
    assert "Secret Cobalt Draft" not in cobalt


def test_party_page_partners_equal_the_api(catalogue):
    """The party page's count and partner table are the API's party detail."""
    client = Client()
    html = page(client, "/parties/GB/")
    detail = api(client, "/api/v1/parties/GB/")
    assert int(shown_value(html, "agreement-count")) == detail["agreement_count"]
    shown = dict(re.findall(r'data-partner="([A-Z0-9-]+)">(\d+)<', html))
    assert {code: int(n) for code, n in shown.items()} == {
        p["code"]: p["agreement_count"] for p in detail["partners"]
    }
    graph = json.loads(re.search(r'id="network-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert {"GB", "US", "AU"} <= {n["id"] for n in graph["nodes"]}
    # The party index shows the same count.
    index = page(client, "/parties/")
    assert re.search(rf'>GB</td><td class="num">{detail["agreement_count"]}<', index)


def test_party_network_filters_by_mineral_and_year(catalogue):
    """Filtering by mineral or year keeps only the agreements that match: the roadmap alone
    covers nickel and brings Australia in."""
    client = Client()
    html = page(client, "/parties/GB/?mineral=nickel")
    graph = json.loads(re.search(r'id="network-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert {n["id"] for n in graph["nodes"]} == {"AU", "GB", "US"}
    assert {(e["source"], e["target"], e["weight"]) for e in graph["edges"]} == {
        ("AU", "GB", 1),
        ("AU", "US", 1),
        ("GB", "US", 1),
    }
    html = page(client, "/parties/AU/?year=2024")
    assert "No published agreement matches" in html
    html = page(client, "/parties/GB/?year=notayear")
    assert "is not a year" in html


def test_mineral_pages_count_as_the_api(catalogue):
    """A mineral's count is the API's agreement_count (a group counts its members' agreements)."""
    client = Client()
    for slug in ("lithium", "rare-earth-elements", "neodymium", "cobalt"):
        html = page(client, f"/minerals/{slug}/")
        expected = api(client, f"/api/v1/minerals/{slug}/")["agreement_count"]
        assert int(shown_value(html, "agreement-count")) == expected, slug
    index = page(client, "/minerals/")
    listed = {
        m["slug"]: m["agreement_count"]
        for m in api(client, "/api/v1/minerals/?limit=500")["results"]
    }
    shown = {slug: int(n) for slug, n in re.findall(r'data-mineral="([^"]+)">(\d+)<', index)}
    assert shown == listed
    page(client, "/minerals/unobtainium/", status=404)


def coverage_row(html, slug):
    row = re.search(rf'<tr><th scope="row"><a href="/minerals/{slug}/">.*?</tr>', html, re.S)
    assert row, f"{slug} is not a covered row"
    return set(re.findall(r'aria-label="(\d+) agreements? with ([A-Z]+) covering', row.group(0)))


def uncovered(html):
    return re.search(r'data-testid="uncovered">(.*?)</p>', html, re.S).group(1)


def test_coverage_matrix_and_uncovered_minerals(catalogue):
    """Cells count agreements in force with each partner covering the listed mineral, its
    group or, for a group, a member; listed minerals no agreement covers are called out."""
    html = page(Client(), "/coverage/?list=uk-2021&party=GB&on=2025-07-01")
    assert ("1", "US") in coverage_row(html, "lithium")
    # The memorandum names rare earths; the roadmap names neodymium, a member.
    assert {("2", "US"), ("1", "AU")} <= coverage_row(html, "rare-earth-elements")
    assert "Lithium" not in uncovered(html)
    assert "Tin" in uncovered(html)
    # Before the memorandum was signed, nothing covers lithium.
    earlier = page(Client(), "/coverage/?list=uk-2021&party=GB&on=2020-01-01")
    assert "Lithium" in uncovered(earlier)
    bad = page(Client(), "/coverage/?list=nope&party=ZZ&on=yesterday")
    assert "Unknown list" in bad and "Unknown party code" in bad and "is not a date" in bad


def test_timeline_counts_per_month_and_kind(catalogue):
    """Months with agreements appear with their count per kind; the total is every published
    agreement dated to the month or day."""
    client = Client()
    html = page(client, "/timeline/")
    data = json.loads(re.search(r'id="timeline-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    labels = data["labels"]
    roadmap = next(s for s in data["series"] if s["name"] == "Roadmap")
    assert roadmap["data"][labels.index("Jun 2025")] == 1
    mou = next(s for s in data["series"] if s["name"] == "Memorandum of understanding")
    assert mou["data"][labels.index("Mar 2024")] >= 1
    signed = api(client, "/api/v1/agreements/?signed_after=1900-01-01")["count"]
    assert int(shown_value(html, "total")) == signed
    assert "<table>" in html


def test_pages_are_cached_like_the_api(catalogue):
    """Pages carry a strong ETag and Cache-Control public; a matching If-None-Match is a 304;
    a write changes the page."""
    client = Client()
    response = client.get("/parties/GB/")
    assert response["Cache-Control"] == "public, max-age=60"
    etag = response["ETag"]
    assert etag.startswith('"')
    again = client.get("/parties/GB/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    agreement("UK-US Third Memorandum", ["GB", "US"], signed_on=datetime.date(2025, 9, 1))
    bump_data_version()
    changed = client.get("/parties/GB/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and b"UK-US Third Memorandum" in changed.content


def test_query_counts_do_not_grow_with_the_results(ref):
    """The home page and a party page make as many queries for 30 agreements as for 1."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..factories import PartyFactory

    party = PartyFactory(code="TQ1")

    def add(n):
        for i in range(n):
            item = AgreementFactory(title=f"Test agreement {party.code} {i} {n}")
            AgreementPartyFactory(agreement=item, party=party)
            AgreementPartyFactory(agreement=item, party=Party.objects.get(code="FR"))
            AgreementMineralFactory(agreement=item, mineral=Mineral.objects.get(slug="lithium"))
            SourceFactory(agreement=item)
        bump_data_version()

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert Client().get(url).status_code == 200
        return len(captured)

    add(1)
    few = [queries("/?party=TQ1"), queries("/parties/TQ1/")]
    add(29)
    assert [queries("/?party=TQ1"), queries("/parties/TQ1/")] == few


def test_pages_answer_on_an_empty_database(db):
    """Without reference data or agreements every page still answers (no 500)."""
    from agreements.models import Agreement
    from minerals.models import MineralList

    Agreement.objects.all().delete()
    MineralList.objects.all().delete()
    bump_data_version()
    client = Client()
    for url in ["/", "/parties/", "/minerals/", "/coverage/", "/timeline/"]:
        assert client.get(url).status_code == 200, url
    assert "No published agreement has a signing date" in page(client, "/timeline/")
