"""Loading the catalogue: every record passes the model rules, a reload changes nothing, an
editor's change survives a reload, a shipped update reaches records nobody edited."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from agreements import catalogue
from agreements.models import Agreement, CatalogueRecord, Claim
from tests.agreements.fixtures import table_counts

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def loaded(ref):
    outcome = catalogue.load()
    return outcome


def test_fresh_load_publishes_every_record_with_its_claims(loaded):
    files = catalogue.record_files()
    records = [json.loads(p.read_text()) for p in files]
    slugs = {r["slug"] for r in records}
    # The founding three were loaded with the test database; the rest now.
    assert set(loaded.created) | set(loaded.unchanged) == slugs
    published = Agreement.objects.filter(slug__in=slugs, is_published=True)
    assert published.count() == len(slugs) >= 80
    assert Claim.objects.filter(agreement__slug__in=slugs).count() == sum(
        len(r["claims"]) for r in records
    )
    for record in records:
        agreement = Agreement.objects.get(slug=record["slug"])
        agreement.full_clean()
        assert agreement.signed_on_precision == (record["signed_on_precision"] or "day")
        assert sorted(agreement.agreement_parties.values_list("party__code", flat=True)) == sorted(
            p["party"] for p in record["parties"]
        )


def test_second_load_changes_nothing(loaded):
    before = table_counts()
    outcome = catalogue.load()
    assert outcome.created == outcome.updated == outcome.conflicts == []
    assert len(outcome.unchanged) == len(catalogue.record_files())
    assert table_counts() == before


def test_an_editors_change_survives_a_reload(loaded, editor_api, tmp_path):
    slug = catalogue.FOUNDING[0]
    response = editor_api.patch(
        f"/api/v1/agreements/{slug}/", {"summary": "Corrected by an editor."}, format="json"
    )
    assert response.status_code == 200
    # Unchanged file: the edit is kept quietly.
    outcome = catalogue.load()
    assert slug in outcome.unchanged
    assert Agreement.objects.get(slug=slug).summary == "Corrected by an editor."
    # A newer shipped file: still kept, and reported as a conflict.
    directory = tmp_path / "catalogue"
    shutil.copytree(catalogue.CATALOGUE_DIR, directory)
    path = directory / f"{slug}.json"
    record = json.loads(path.read_text())
    record["summary"] = "A newer shipped summary."
    path.write_text(json.dumps(record))
    out, err = StringIO(), StringIO()
    outcome = catalogue.load(directory=directory)
    assert outcome.conflicts == [slug]
    assert Agreement.objects.get(slug=slug).summary == "Corrected by an editor."
    del out, err


def test_the_command_reports_a_conflict(loaded, editor_api, tmp_path, settings):
    slug = catalogue.FOUNDING[1]
    editor_api.patch(f"/api/v1/agreements/{slug}/", {"summary": "Edited."}, format="json")
    CatalogueRecord.objects.filter(slug=slug).update(file_hash="0" * 64)  # as if shipped anew
    err = StringIO()
    call_command("load_reference_data", stdout=StringIO(), stderr=err)
    assert slug in err.getvalue() and "editor" in err.getvalue()
    assert Agreement.objects.get(slug=slug).summary == "Edited."


def test_a_shipped_update_reaches_an_unedited_record(loaded, tmp_path):
    slug = catalogue.FOUNDING[2]
    directory = tmp_path / "catalogue"
    shutil.copytree(catalogue.CATALOGUE_DIR, directory)
    path = directory / f"{slug}.json"
    record = json.loads(path.read_text())
    record["summary"] = "A newer shipped summary."
    path.write_text(json.dumps(record))
    outcome = catalogue.load(directory=directory)
    assert outcome.updated == [slug]
    assert Agreement.objects.get(slug=slug).summary == "A newer shipped summary."
    assert catalogue.load(directory=directory).updated == []


def test_a_deleted_record_is_not_brought_back(loaded, publisher_api):
    slug = catalogue.FOUNDING[0]
    assert publisher_api.delete(f"/api/v1/agreements/{slug}/").status_code == 204
    outcome = catalogue.load()
    assert outcome.deleted == [slug]
    assert not Agreement.objects.filter(slug=slug).exists()
