"""Commitments in the admin: the inline on the agreement page and the list of what is due."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Commitment, Party
from tests.agreements.test_admin import ADD_URL, agreement_post, form_errors, two_parties

from .conftest import make_agreement, make_commitment

D = datetime.date.fromisoformat
LIST_URL = reverse("admin:agreements_commitment_changelist")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def commitment_row(**extra):
    return {
        "text": "Establish a working group",
        "kind": "working_group",
        "status": "open",
        "due_on_precision": "day",
        "due_within": "6",
        "due_unit": "months",
        "due_from": "signing",
        "source_url": "https://www.gov.uk/news/uk-japan",
        "quote": "will establish a working group within six months",
        **extra,
    }


def test_editor_records_commitments_on_the_agreement_page(editor_client):
    """A commitment saved with its agreement gets its due date from the signing date."""
    data = agreement_post(
        parties=two_parties(),
        commitments=[commitment_row(responsible_parties=[Party.objects.get(code="JP").pk])],
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, form_errors(response)
    commitment = Commitment.objects.get(agreement__slug="uk-japan-critical-minerals-mou")
    assert commitment.due_on == D("2025-09-10")
    assert list(commitment.responsible_parties.values_list("code", flat=True)) == ["JP"]
    # One write: its versions (the row, then its parties) share one revision.
    assert len(set(commitment.history.values_list("revision", flat=True))) == 1


def test_a_responsible_party_outside_the_agreement_is_refused_on_its_row(editor_client):
    data = agreement_post(
        parties=two_parties(),
        commitments=[commitment_row(responsible_parties=[Party.objects.get(code="US").pk])],
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert (
        "Not a party to the agreement: US."
        in form_errors(response)["commitments-0-responsible_parties"]
    )


def test_changelist_lists_open_commitments_by_due_date_and_filters_overdue(editor_client, public):
    """By default the list holds open commitments, soonest first; 'overdue' narrows it."""
    make_commitment(public, "Later", due_on=D("2999-01-01"))
    make_commitment(public, "Sooner", due_on=D("2020-01-01"))
    make_commitment(public, "Done", status="met", due_on=D("2019-01-01"))
    texts = [
        str(c) for c in editor_client.get(LIST_URL + "?q=public-mou").context["cl"].result_list
    ]
    assert texts == ["Sooner", "Later"]
    overdue = editor_client.get(LIST_URL + "?q=public-mou&overdue=yes").context["cl"].result_list
    assert [str(c) for c in overdue] == ["Sooner"]
    everything = editor_client.get(LIST_URL + "?q=public-mou&status=all").context["cl"]
    assert everything.result_count == 3


def test_changelist_queries_do_not_grow_with_rows(editor_client, ref):
    agreement = make_agreement("admin-many")
    make_commitment(agreement, "Row 0")
    counts = []
    for more in (0, 30):
        for i in range(more):
            make_commitment(agreement, f"Row {i + 1}")
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(LIST_URL + "?q=admin-many").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_agreement_page_shows_the_commitment_inline(editor_client, public):
    make_commitment(public, "Visible in the inline")
    url = reverse("admin:agreements_agreement_change", args=[public.pk])
    body = editor_client.get(url).content.decode()
    assert "commitments-TOTAL_FORMS" in body and "Visible in the inline" in body
