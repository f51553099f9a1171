"""Agreements with commitments, made through the commitments service."""

import datetime

import pytest

from agreements.commitments.services import commitment_save
from agreements.models import Party
from tests.factories import AgreementFactory, AgreementPartyFactory, SourceFactory

D = datetime.date.fromisoformat


def make_agreement(slug, *, published=True, signed_on="2024-08-31", parties=("GB", "US"), **kw):
    agreement = AgreementFactory(
        slug=slug, title=f"Title of {slug}", signed_on=D(signed_on), is_published=published, **kw
    )
    for code in parties:
        AgreementPartyFactory(agreement=agreement, party=Party.objects.get(code=code))
    SourceFactory(agreement=agreement, url=f"https://gov.example/{slug}")
    return agreement


def make_commitment(agreement, text="Meet again", *, responsible=(), **data):
    data.setdefault("kind", "meeting")
    data.setdefault("source_url", f"https://gov.example/{agreement.slug}")
    data.setdefault("quote", "the parties will meet")
    return commitment_save(
        agreement=agreement,
        data={"text": text, **data},
        responsible_parties=[Party.objects.get(code=c) for c in responsible],
    )


@pytest.fixture
def public(ref):
    return make_agreement("public-mou")


@pytest.fixture
def draft(ref):
    return make_agreement("draft-mou", published=False)
