"""A realistic set of agreements for filter, visibility and round-trip tests.

Together with the three founding agreements of the reference data (UK–US 2026-02-04,
Australia–UK 2023-04-04, Canada–UK 2023-03-06) it holds bilateral agreements, one trilateral,
one with witnesses who represent no party, one covering neodymium (a member of the rare-earth
group), drafts, dates on filter boundaries, an expired, a terminated, a planned agreement and one
that took effect after signature.
"""

import datetime

import pytest
from django.db import transaction

from agreements import services
from agreements.models import Agreement, Party
from minerals.models import Mineral

D = datetime.date.fromisoformat

SEED_SLUGS = {
    "uk-us-critical-minerals-mou-2026",
    "australia-uk-critical-minerals-statement-of-intent-2023",
    "canada-uk-critical-minerals-joint-statement-2023",
}


def _source(slug, published_on=None):
    return {
        "url": f"https://www.gov.uk/government/news/{slug}",
        "title": f"Press release: {slug.replace('-', ' ')}",
        "publisher": "GOV.UK",
        "published_on": published_on,
        "kind": "press_release",
    }


# Each spec: scalar fields, then parties (codes), signatures (name, party, office, role),
# minerals (slug, stages), sources and related (slug, kind). Order matters for related links.
SPECS = [
    {
        "slug": "japan-us-critical-minerals-agreement-2023",
        "title": "Agreement between the United States and Japan on Strengthening Critical "
        "Minerals Supply Chains",
        "kind": "agreement",
        "status": "in_force",
        "legally_binding": True,
        "signed_on": D("2023-03-28"),
        "effective_on": D("2023-03-28"),
        "signed_place": "Washington DC",
        "signed_country": "US",
        "summary": "Commitments on export duties and labour standards for battery minerals.",
        "is_published": True,
        "parties": ["JP", "US"],
        "signatures": [
            ("Katherine Tai", "US", "United States Trade Representative", "signatory"),
            ("Koji Tomita", "JP", "Ambassador of Japan to the United States", "signatory"),
        ],
        "minerals": [
            ("lithium", ["processing", "recycling"]),
            ("nickel", ["processing"]),
            ("graphite", []),
        ],
    },
    {
        "slug": "australia-uk-us-rare-earth-magnet-framework-2024",
        "title": "Trilateral Framework on Rare Earth Magnet Supply Chains",
        "short_title": "AU–UK–US Rare Earth Magnet Framework",
        "kind": "framework",
        "status": "signed",
        "legally_binding": None,
        "signed_on": D("2024-06-15"),
        "signed_place": "Canberra",
        "signed_country": "AU",
        "summary": "Coordination of investment in magnet manufacturing outside single suppliers.",
        "is_published": True,
        "parties": ["AU", "GB", "US"],
        "signatures": [
            ("Madeleine King", "AU", "Minister for Resources", "signatory"),
            ("Nusrat Ghani", "GB", "Minister for Industry", "signatory"),
            ("Jose Fernandez", "US", "Under Secretary for Economic Growth", "signatory"),
        ],
        "minerals": [("neodymium", ["processing", "refining"]), ("dysprosium", ["refining"])],
    },
    {
        # Same signing date as the trilateral: ties are broken by slug.
        "slug": "ghana-uk-minerals-dialogue-2024",
        "title": "Ghana–UK Minerals Dialogue Joint Statement",
        "kind": "joint_statement",
        "status": "signed",
        "legally_binding": False,
        "signed_on": D("2024-06-15"),
        "signed_place": "Accra",
        "signed_country": "GH",
        "summary": "A dialogue on responsible sourcing of manganese.",
        "is_published": True,
        "parties": ["GB", "GH"],
        "signatures": [("Samuel Jinapor", "GH", "Minister for Lands", "signatory")],
        "minerals": [("manganese", ["mining"])],
    },
    {
        "slug": "kazakhstan-uk-critical-minerals-mou-2023",
        "title": "Memorandum of Understanding between the United Kingdom and Kazakhstan on "
        "Critical Minerals",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "legally_binding": False,
        "signed_on": D("2023-11-01"),
        "signed_place": "Astana",
        "signed_country": "KZ",
        "summary": "Cooperation on exploration and processing of critical minerals.",
        "is_published": True,
        "parties": ["GB", "KZ"],
        "signatures": [
            ("Nusrat Ghani", "GB", "Minister of State for Industry", "signatory"),
            ("Kanat Bozumbayev", "KZ", "Minister of Industry", "signatory"),
            # Witnesses represent no party.
            ("David Cameron", None, "Former Prime Minister", "witness"),
            ("Alikhan Smailov", None, "Prime Minister of Kazakhstan", "witness"),
        ],
        "minerals": [("tungsten", ["exploration", "mining"]), ("copper", [])],
    },
    {
        "slug": "kazakhstan-uk-critical-minerals-roadmap-2024",
        "title": "UK–Kazakhstan Critical Minerals Roadmap",
        "kind": "roadmap",
        "status": "signed",
        "legally_binding": False,
        "signed_on": D("2024-01-01"),
        "signed_place": "London",
        "signed_country": "GB",
        "summary": "A roadmap implementing the 2023 memorandum.",
        "is_published": True,
        "parties": ["GB", "KZ"],
        "minerals": [("tungsten", [])],
        "related": [("kazakhstan-uk-critical-minerals-mou-2023", "roadmap_for")],
    },
    {
        "slug": "germany-uk-raw-materials-partnership-2024",
        "title": "Germany–UK Raw Materials Partnership",
        "kind": "partnership",
        "status": "signed",
        "legally_binding": False,
        "signed_on": D("2024-12-31"),
        "signed_place": "Berlin",
        "signed_country": "DE",
        "summary": "Cooperation on recycling of battery materials.",
        "is_published": True,
        "parties": ["DE", "GB"],
        "minerals": [("cobalt", ["recycling"])],
    },
    {
        "slug": "chile-uk-lithium-mou-2019",
        "title": "Chile–UK Memorandum on Lithium",
        "kind": "memorandum_of_understanding",
        "status": "expired",
        "legally_binding": False,
        "signed_on": D("2019-01-10"),
        "expires_on": D("2024-01-10"),
        "signed_place": "Santiago",
        "signed_country": "CL",
        "summary": "Five years of cooperation on lithium extraction from brine.",
        "is_published": True,
        "parties": ["CL", "GB"],
        "signatures": [("Baldo Prokurica", "CL", "Minister of Mining", "signatory")],
        "minerals": [("lithium", ["mining"])],
    },
    {
        "slug": "uk-zambia-copper-agreement-2020",
        "title": "UK–Zambia Copper Investment Agreement",
        "kind": "treaty",
        "status": "terminated",
        "legally_binding": True,
        "signed_on": D("2020-05-01"),
        "terminated_on": D("2023-05-01"),
        "signed_place": "Lusaka",
        "signed_country": "ZM",
        "summary": "Investment protection for copper mining, terminated by mutual consent.",
        "is_published": True,
        "parties": ["GB", "ZM"],
        "minerals": [("copper", ["mining", "trade"])],
    },
    {
        "slug": "canada-eu-strategic-partnership-raw-materials-2021",
        "title": "EU–Canada Strategic Partnership on Raw Materials",
        "kind": "partnership",
        "status": "in_force",
        "legally_binding": False,
        "signed_on": D("2021-06-21"),
        "effective_on": D("2021-09-01"),
        "expires_on": D("2026-09-01"),
        "signed_place": "Brussels",
        "signed_country": "BE",  # signed outside every party
        "summary": "Integration of raw-materials value chains across the Atlantic.",
        "is_published": True,
        "parties": ["CA", "EU"],
        "minerals": [("rare-earth-elements", ["research"])],
    },
    {
        "slug": "eu-uk-critical-minerals-roadmap-planned",
        "title": "EU–UK Critical Minerals Roadmap",
        "kind": "roadmap",
        "status": "planned",
        "legally_binding": None,
        "announced_on": D("2025-05-19"),
        "summary": "Announced at the EU–UK summit; not yet signed.",
        "is_published": True,
        "parties": ["EU", "GB"],
        "minerals": [("graphite", [])],
    },
    {
        "slug": "india-uk-critical-minerals-partnership-draft",
        "title": "India–UK Critical Minerals Guild Partnership",
        "kind": "partnership",
        "status": "signed",
        "legally_binding": False,
        "signed_on": D("2025-07-24"),
        "signed_place": "Chequers",
        "signed_country": "GB",
        "summary": "Draft record: only editors see it until it is checked.",
        "is_published": False,
        "parties": ["GB", "IN"],
        "signatures": [("Draftonly Person", "IN", "Minister of Mines", "signatory")],
        "minerals": [("gallium", ["research"])],
    },
    {
        "slug": "saudi-arabia-uk-mining-mou-draft",
        "title": "Saudi Arabia–UK Mining Cooperation Memorandum",
        "kind": "memorandum_of_understanding",
        "status": "signed",
        "legally_binding": False,
        "signed_on": D("2024-06-15"),
        "signed_place": "Riyadh",
        "signed_country": "SA",
        "summary": "Draft: mining cooperation and zirconium processing.",
        "is_published": False,
        "parties": ["GB", "SA", "ZA"],
        "signatures": [
            ("Bandar Alkhorayef", "SA", "Minister of Industry", "signatory"),
            ("Nusrat Ghani", "GB", "Minister of State", "signatory"),
        ],
        "minerals": [("zirconium", ["processing"])],
        "sources": [],
    },
]

# Published agreements that link to a draft: anonymous clients must not see the link.
LINKS_TO_DRAFTS = [
    (
        "australia-uk-us-rare-earth-magnet-framework-2024",
        "india-uk-critical-minerals-partnership-draft",
        "follows",
    ),
]

DRAFTS = {s["slug"] for s in SPECS if not s["is_published"]}
PUBLISHED = SEED_SLUGS | {s["slug"] for s in SPECS if s["is_published"]}
ALL = PUBLISHED | DRAFTS


def _collections(spec):
    parties = {p.code: p for p in Party.objects.filter(code__in=spec["parties"])}
    minerals = {
        m.slug: m for m in Mineral.objects.filter(slug__in=[s for s, _ in spec["minerals"]])
    }
    collections = {
        "parties": [{"party": parties[code]} for code in spec["parties"]],
        "signatures": [
            {
                "person": services.person_for(name),
                "party": parties[party] if party else None,
                "office": office,
                "role": role,
            }
            for name, party, office, role in spec.get("signatures", [])
        ],
        "minerals": [
            {"mineral": minerals[slug], "stages": stages, "note": ""}
            for slug, stages in spec["minerals"]
        ],
        "sources": spec.get("sources", [_source(spec["slug"], spec.get("signed_on"))]),
        "related": [
            {"to_agreement": Agreement.objects.get(slug=slug), "kind": kind}
            for slug, kind in spec.get("related", [])
        ],
    }
    return collections


def build_agreements() -> dict[str, Agreement]:
    """Create the fixture agreements (the founding three come from the reference data)."""
    made = {}
    for spec in SPECS:
        data = {
            k: v
            for k, v in spec.items()
            if k not in {"parties", "signatures", "minerals", "sources", "related"}
        }
        if data.get("signed_country"):
            data["signed_country"] = Party.objects.get(code=data["signed_country"])
        made[spec["slug"]] = services.agreement_save(data=data, collections=_collections(spec))
    for from_slug, to_slug, kind in LINKS_TO_DRAFTS:
        made[from_slug].related_links.create(to_agreement=made[to_slug], kind=kind)
    for slug in SEED_SLUGS:
        made[slug] = Agreement.objects.get(slug=slug)
    return made


@pytest.fixture(scope="module", name="module_agreements")
def module_agreements_fixture(django_db_setup, django_db_blocker):
    """Built once per test module inside a transaction that is rolled back afterwards; each
    test runs in a savepoint within it (as Django's TestCase.setUpTestData does)."""
    from tests.conftest import load_reference_data

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            if not Party.objects.filter(code="GB").exists():
                load_reference_data()
            yield build_agreements()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(name="agreements")
def agreements_fixture(module_agreements, ref):
    """The realistic fixture: 12 agreements of our own plus the 3 founding ones, by slug."""
    return {slug: Agreement.objects.get(pk=a.pk) for slug, a in module_agreements.items()}


def table_counts() -> dict[str, int]:
    """Row count of every table in the database (history, people, events, tokens …)."""
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def assert_error(response, status: int, attr: str | None = "__any__") -> dict:
    """The response is an error in the documented shape; with ``attr``, one error names it
    (exactly, or as the start of a nested path such as ``sources.2.url``)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert body["type"] in {"validation_error", "client_error", "server_error"}
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == {"code", "detail", "attr"}, error
        assert isinstance(error["code"], str) and isinstance(error["detail"], str)
    if attr != "__any__":
        attrs = [e["attr"] for e in body["errors"]]
        assert any(a == attr or (a and attr and a.startswith(attr + ".")) for a in attrs), (
            attr,
            body,
        )
    return body
