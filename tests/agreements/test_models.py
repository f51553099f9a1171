"""Rules of DESIGN §3 held by the database (constraints) and by model validation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import (
    Agreement,
    AgreementMineral,
    AgreementParty,
    AgreementStatus,
    Party,
    PartyKind,
    Person,
    RelatedAgreement,
    Signature,
    SignatureRole,
)
from minerals.models import Mineral, MineralList

from ..factories import AgreementFactory, PersonFactory

D = datetime.date.fromisoformat


def refused(make):
    """The database refuses the row (each attempt in its own savepoint)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.fixture
def agreement(ref):
    return AgreementFactory(slug="test-mou", signed_on=D("2024-05-01"))


@pytest.mark.parametrize(
    "fields",
    [
        {"signed_on": D("2024-05-01"), "effective_on": D("2024-04-30")},
        {
            "signed_on": D("2024-05-01"),
            "effective_on": D("2024-05-10"),
            "expires_on": D("2024-05-10"),
        },
        {
            "signed_on": D("2024-05-01"),
            "effective_on": D("2024-05-10"),
            "expires_on": D("2024-05-09"),
        },
        {"signed_on": D("2024-05-01"), "expires_on": D("2024-05-01")},
        {"signed_on": D("2024-05-01"), "expires_on": D("2024-04-01")},
        {"signed_on": D("2024-05-01"), "terminated_on": D("2024-04-30")},
        {"status": AgreementStatus.PLANNED, "signed_on": D("2024-05-01")},
        {"status": AgreementStatus.SIGNED, "signed_on": None},
        {"status": AgreementStatus.IN_FORCE, "signed_on": None},
        {"status": AgreementStatus.EXPIRED, "signed_on": None},
        {"status": AgreementStatus.TERMINATED, "signed_on": None},
    ],
    ids=[
        "effective-before-signed",
        "expires-on-effective",
        "expires-before-effective",
        "expires-on-signed",
        "expires-before-signed",
        "terminated-before-signed",
        "planned-with-date",
        "signed-without-date",
        "in-force-without-date",
        "expired-without-date",
        "terminated-without-date",
    ],
)
def test_database_refuses_inconsistent_dates_and_status(ref, fields):
    """An agreement whose dates or status break a rule cannot be inserted or saved."""
    values = {"status": AgreementStatus.SIGNED, **fields}
    refused(lambda: Agreement.objects.create(slug="bad", title="Bad", kind="other", **values))
    good = Agreement.objects.create(
        slug="good", title="Good", kind="other", status="signed", signed_on=D("2024-05-01")
    )
    for name, value in values.items():
        setattr(good, name, value)
    refused(good.save)
    refused(lambda: Agreement.objects.filter(pk=good.pk).update(**values))


@pytest.mark.parametrize(
    "fields",
    [
        {"signed_on": D("2024-05-01"), "effective_on": D("2024-05-01")},
        {
            "signed_on": D("2024-05-01"),
            "effective_on": D("2024-06-01"),
            "expires_on": D("2024-06-02"),
        },
        {"signed_on": D("2024-05-01"), "expires_on": D("2024-05-02")},
        {"signed_on": D("2024-05-01"), "terminated_on": D("2024-05-01")},
        {"status": AgreementStatus.PLANNED, "signed_on": None},
        {"status": AgreementStatus.SUPERSEDED, "signed_on": D("2024-05-01")},
    ],
)
def test_database_accepts_the_boundaries(ref, fields):
    """Dates on the boundaries the rules allow are stored."""
    values = {"status": AgreementStatus.SIGNED, **fields}
    created = Agreement.objects.create(slug="ok", title="Ok", kind="other", **values)
    created.full_clean()
    assert Agreement.objects.filter(pk=created.pk).exists()


def test_database_refuses_duplicate_party(agreement):
    """A party takes part in an agreement once."""
    gb = Party.objects.get(code="GB")
    AgreementParty.objects.create(agreement=agreement, party=gb)
    refused(lambda: AgreementParty.objects.create(agreement=agreement, party=gb))


def test_database_refuses_duplicate_mineral(agreement):
    """A mineral is covered once per agreement."""
    lithium = Mineral.objects.get(slug="lithium")
    AgreementMineral.objects.create(agreement=agreement, mineral=lithium)
    refused(lambda: AgreementMineral.objects.create(agreement=agreement, mineral=lithium))


def test_database_refuses_duplicate_person_role_but_allows_other_role(agreement):
    """The same person cannot sign twice in the same role; signatory and witness may differ."""
    gb = Party.objects.get(code="GB")
    person = PersonFactory()
    Signature.objects.create(agreement=agreement, person=person, party=gb)
    refused(lambda: Signature.objects.create(agreement=agreement, person=person, party=gb))
    Signature.objects.create(agreement=agreement, person=person, role=SignatureRole.WITNESS)


def test_database_refuses_signatory_without_party(agreement):
    """A signatory represents a party; only a witness may represent none."""
    refused(
        lambda: Signature.objects.create(
            agreement=agreement, person=PersonFactory(), role=SignatureRole.SIGNATORY
        )
    )
    Signature.objects.create(
        agreement=agreement, person=PersonFactory(), role=SignatureRole.WITNESS
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Agreement.objects.create(
            slug="uk-us-critical-minerals-mou-2026", title="Clash", kind="other", status="planned"
        ),
        lambda: Person.objects.create(slug="seema-malhotra", name="Someone Else"),
        lambda: Party.objects.create(code="GB", name="Great Britain"),
        lambda: Mineral.objects.create(slug="lithium", name="Lithium 2"),
        lambda: Mineral.objects.create(slug="lithium-2", name="Lithium"),
        lambda: MineralList.objects.create(
            slug="uk-2024", name="Clash", jurisdiction=Party.objects.get(code="GB")
        ),
    ],
    ids=[
        "agreement-slug",
        "person-slug",
        "party-code",
        "mineral-slug",
        "mineral-name",
        "list-slug",
    ],
)
def test_database_refuses_duplicate_keys(ref, make):
    """Slugs and codes are unique."""
    refused(make)


def test_database_refuses_government_body_without_country(ref):
    """A government body belongs to a state; other parties belong to none."""
    refused(
        lambda: Party.objects.create(
            code="US-DOE", name="US Department of Energy", kind=PartyKind.GOVERNMENT_BODY
        )
    )
    refused(
        lambda: Party.objects.create(
            code="XA", name="Odd state", country=Party.objects.get(code="GB")
        )
    )
    body = Party.objects.create(
        code="US-DOE",
        name="US Department of Energy",
        kind=PartyKind.GOVERNMENT_BODY,
        country=Party.objects.get(code="US"),
    )
    body.full_clean()


def test_database_refuses_mineral_as_its_own_group(ref):
    """A mineral cannot be its own group."""
    lithium = Mineral.objects.get(slug="lithium")
    lithium.group = lithium
    refused(lithium.save)
    with pytest.raises(ValidationError) as info:
        lithium.full_clean()
    assert info.value.message_dict["group"] == ["A mineral cannot be its own group."]


def test_database_refuses_agreement_related_to_itself(agreement):
    """An agreement cannot be related to itself."""
    refused(
        lambda: RelatedAgreement.objects.create(
            from_agreement=agreement, to_agreement=agreement, kind="follows"
        )
    )


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"signed_on": D("2024-05-01"), "effective_on": D("2024-04-30")},
            "effective_on",
            "The effective date cannot be before the signing date.",
        ),
        (
            {"signed_on": D("2024-05-01"), "expires_on": D("2024-05-01")},
            "expires_on",
            "The expiry date must be after the signing date.",
        ),
        (
            {"signed_on": D("2024-05-01"), "terminated_on": D("2024-04-01")},
            "terminated_on",
            "The termination date cannot be before the signing date.",
        ),
        (
            {"status": "planned", "signed_on": D("2024-05-01")},
            "status",
            "A planned agreement has no signing date: clear it or change the status.",
        ),
        (
            {"status": "in_force", "signed_on": None},
            "signed_on",
            "An agreement with status “In force” needs a signing date.",
        ),
    ],
)
def test_model_validation_names_the_field(ref, fields, field, message):
    """full_clean() reports each broken rule on the field at fault, in plain words."""
    values = {"status": "signed", **fields}
    with pytest.raises(ValidationError) as info:
        Agreement(slug="x", title="X", kind="other", **values).full_clean()
    assert message in info.value.message_dict[field]


def test_state_code_is_two_letters(ref):
    """A state's code is its ISO 3166-1 alpha-2 code (GB, not GBR)."""
    with pytest.raises(ValidationError) as info:
        Party(code="GBR", name="United Kingdom", kind=PartyKind.STATE).full_clean()
    assert "code" in info.value.message_dict


def test_slug_is_generated_from_title(ref):
    """Saving without a slug derives one from the (short) title, unique among agreements."""
    a = Agreement.objects.create(title="UK-Chile Lithium MoU", kind="other", status="planned")
    b = Agreement.objects.create(title="UK-Chile Lithium MoU", kind="other", status="planned")
    assert a.slug == "uk-chile-lithium-mou"
    assert b.slug == "uk-chile-lithium-mou-2"


def test_in_force_method_and_queryset_agree(ref):
    """Agreement.is_in_force and the in_force() queryset give the same answer at the edges."""
    a = AgreementFactory(
        slug="edge",
        signed_on=D("2024-01-01"),
        effective_on=D("2024-02-01"),
        expires_on=D("2025-02-01"),
    )
    for day, expected in [
        ("2024-01-31", False),
        ("2024-02-01", True),
        ("2025-01-31", True),
        ("2025-02-01", False),
    ]:
        on = D(day)
        assert a.is_in_force(on) is expected
        assert Agreement.objects.in_force(on).filter(pk=a.pk).exists() is expected
