"""The demo data generator: valid, realistic, deterministic."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Party,
    RelatedAgreement,
    Signature,
    Source,
)
from agreements.services import agreement_search_text
from agreements.validation import SignatureKey, agreement_collection_errors

N = 300


def generate(n=N, seed=7):
    call_command(
        "generate_demo_data",
        agreements=n,
        seed=seed,
        verbosity=0,
        stdout=StringIO(),
        stderr=StringIO(),
    )


def snapshot() -> dict:
    """Every generated row in natural keys, without ids or timestamps."""
    generated = Agreement.objects.filter(sources__url__contains=".example.org/news/").distinct()
    fields = [
        "slug",
        "title",
        "short_title",
        "kind",
        "status",
        "legally_binding",
        "announced_on",
        "signed_on",
        "effective_on",
        "expires_on",
        "terminated_on",
        "signed_place",
        "signed_country__code",
        "summary",
        "text_url",
        "is_published",
        "search_text",
    ]
    return {
        "agreements": list(generated.order_by("slug").values_list(*fields)),
        "parties": list(
            AgreementParty.objects.filter(agreement__in=generated)
            .order_by("agreement__slug", "party__code")
            .values_list("agreement__slug", "party__code", "signed_on", "ratified_on")
        ),
        "signatures": list(
            Signature.objects.filter(agreement__in=generated)
            .order_by("agreement__slug", "role", "person__slug")
            .values_list(
                "agreement__slug",
                "person__slug",
                "person__name",
                "party__code",
                "office",
                "role",
                "signed_on",
            )
        ),
        "minerals": list(
            AgreementMineral.objects.filter(agreement__in=generated)
            .order_by("agreement__slug", "mineral__slug")
            .values_list("agreement__slug", "mineral__slug", "stages", "note")
        ),
        "sources": list(
            Source.objects.filter(agreement__in=generated)
            .order_by("agreement__slug", "url")
            .values_list("agreement__slug", "url", "title", "publisher", "published_on", "kind")
        ),
        "related": list(
            RelatedAgreement.objects.filter(from_agreement__in=generated)
            .order_by("from_agreement__slug")
            .values_list("from_agreement__slug", "to_agreement__slug", "kind")
        ),
    }


def generate_and_forget(seed: int) -> dict:
    """Generate, take a snapshot, and put the database back as it was."""
    savepoint = transaction.savepoint()
    try:
        generate(seed=seed)
        return snapshot()
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.django_db
def test_same_seed_gives_identical_data(ref):
    """Two runs with one seed on the same starting database write identical rows."""
    first = generate_and_forget(seed=11)
    second = generate_and_forget(seed=11)
    assert len(first["agreements"]) == N
    assert first == second
    other = generate_and_forget(seed=12)
    assert other["agreements"] != first["agreements"]


@pytest.mark.django_db
def test_every_generated_row_is_valid(ref):
    """Generated agreements pass model validation and every cross-row rule."""
    before = set(Agreement.objects.values_list("pk", flat=True))
    generate()
    generated = (
        Agreement.objects.exclude(pk__in=before)
        .select_related("signed_country")
        .prefetch_related(
            "agreement_parties__party",
            "signatures__person",
            "signatures__party",
            "agreement_minerals__mineral",
            "sources",
            "related_links__to_agreement",
        )
    )
    assert generated.count() == N
    for agreement in generated:
        agreement.full_clean()
        parties = list(agreement.agreement_parties.all())
        signatures = list(agreement.signatures.all())
        minerals = list(agreement.agreement_minerals.all())
        sources = list(agreement.sources.all())
        related = list(agreement.related_links.all())
        for row in [*parties, *signatures, *minerals, *sources, *related]:
            row.full_clean()
        assert 2 <= len(parties) <= 5
        assert 1 <= len(minerals) <= 8
        assert 1 <= len(sources) <= 3
        if agreement.status != AgreementStatus.PLANNED:
            assert 1 <= len(signatures) <= 6
            assert all(s.signed_on == agreement.signed_on for s in signatures)
        errors = agreement_collection_errors(
            is_published=agreement.is_published,
            parties=[p.party.code for p in parties],
            signatures=[
                SignatureKey(s.person.slug, s.role, s.party.code if s.party else None)
                for s in signatures
            ],
            minerals=[m.mineral.slug for m in minerals],
            sources=[s.url for s in sources],
            related=[r.to_agreement.slug for r in related],
            slug=agreement.slug,
        )
        assert errors == [], (agreement.slug, errors)
        # The same words the services compute (alias order within a mineral may differ).
        assert sorted(agreement.search_text.split()) == sorted(
            agreement_search_text(agreement).split()
        )


@pytest.mark.django_db
def test_data_looks_like_the_real_thing(ref):
    """About a tenth are drafts; statuses, kinds and the big parties and minerals all occur."""
    before = set(Agreement.objects.values_list("pk", flat=True))
    generate()
    generated = Agreement.objects.exclude(pk__in=before)
    drafts = generated.filter(is_published=False).count()
    assert 0.05 * N <= drafts <= 0.16 * N
    assert {"planned", "signed", "in_force", "expired"} <= set(
        generated.values_list("status", flat=True)
    )
    assert len(set(generated.values_list("kind", flat=True))) >= 6
    codes = set(
        AgreementParty.objects.filter(agreement__in=generated).values_list("party__code", flat=True)
    )
    assert {"US", "GB", "JP", "AU"} <= codes
    slugs = set(
        AgreementMineral.objects.filter(agreement__in=generated).values_list(
            "mineral__slug", flat=True
        )
    )
    assert {"lithium", "cobalt", "rare-earth-elements"} <= slugs
    assert Signature.objects.filter(agreement__in=generated, role="witness", party=None).exists()
    years = {d.year for d in generated.exclude(signed_on=None).values_list("signed_on", flat=True)}
    assert min(years) <= 2003 and max(years) >= 2024
    if connection.vendor == "postgresql":
        assert not generated.filter(search_vector=None).exists()


@pytest.mark.django_db
def test_generated_agreements_are_found_by_the_api(ref, anon):
    """Generated data is served by the list endpoint and its filters."""
    before = Agreement.objects.filter(is_published=True).count()
    generate(n=50)
    body = anon.get("/api/v1/agreements/", {"limit": 5}).json()
    assert (
        body["count"]
        == before
        + Agreement.objects.filter(is_published=True, sources__url__contains=".example.org/news/")
        .distinct()
        .count()
    )
    lithium = anon.get("/api/v1/agreements/", {"mineral": "lithium", "limit": 500}).json()
    assert lithium["count"] >= 1
    assert all(any(m["mineral"] == "lithium" for m in a["minerals"]) for a in lithium["results"])


@pytest.mark.django_db
def test_refuses_without_reference_data(ref):
    """Without the reference data the command stops with a message saying what to run."""
    Party.objects.filter(code="EU").update(code="XEU")
    with pytest.raises(CommandError, match="load_reference_data"):
        generate(n=5)


def test_generated_data_is_announced_in_the_changes_feed(ref, anon):
    """After bulk generation, the feed names the new agreements and the touched parties and
    minerals, so a mirror picks them up; drafts stay out of the anonymous feed."""
    from agreements.models import ChangeEvent

    seeded = set(Agreement.objects.values_list("slug", flat=True))
    start = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    call_command("generate_demo_data", agreements=20, seed=7, stdout=StringIO(), stderr=StringIO())
    events = anon.get(f"/api/v1/changes/?since={start}&limit=1000").json()["results"]
    keys = {(e["resource"], e["key"]) for e in events}
    new = Agreement.objects.exclude(slug__in=seeded)
    published = set(new.filter(is_published=True).values_list("slug", flat=True))
    drafts = set(new.filter(is_published=False).values_list("slug", flat=True))
    assert published and {("agreement", s) for s in published} <= keys
    assert not {("agreement", s) for s in drafts} & keys
    assert any(resource == "party" for resource, _ in keys)
    assert any(resource == "mineral" for resource, _ in keys)
