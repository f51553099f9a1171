"""export_data and import_data: lossless, and refusing bad files without changing anything."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement, ChangeEvent, Party
from agreements.sync.transfer import TRACKER_MODELS, TransferError, export_to, import_from

from .fixtures import agreements_fixture, module_agreements_fixture  # noqa: F401


def export_text():
    stream = io.StringIO()
    export_to(stream)
    return stream.getvalue()


def test_export_document_has_every_table_and_matching_counts(agreements):
    """The file names its format, holds every tracker table with history, and counts them."""
    document = json.loads(export_text())
    assert document["format"] == "cmat-export"
    models = {o["model"] for o in document["objects"]}
    for model in TRACKER_MODELS:
        assert model._meta.label_lower in models or not model.objects.exists()
        assert model.history.model._meta.label_lower in models
    assert "agreements.changeevent" in models
    assert document["counts"]["agreements.agreement"] == Agreement.objects.count()
    assert "password" not in export_text()


@pytest.mark.parametrize("cut", [0.3, 0.9, 0.999])
def test_truncated_file_is_refused(agreements, cut, tmp_path):
    """A truncated export is refused with a clear message."""
    text = export_text()
    path = tmp_path / "cut.json"
    path.write_text(text[: int(len(text) * cut)])
    with pytest.raises(CommandError, match="Refused .*Nothing was imported"):
        call_command("import_data", str(path), verbosity=0)


def test_import_refuses_a_database_that_is_not_empty(agreements):
    """Importing into a database that holds tracker data changes nothing."""
    before = (Agreement.objects.count(), ChangeEvent.objects.count())
    with pytest.raises(TransferError, match="not empty"):
        import_from(io.StringIO(export_text()))
    assert (Agreement.objects.count(), ChangeEvent.objects.count()) == before


def test_counts_must_match(ref):
    """A document whose trailer disagrees with its objects is refused."""
    text = export_text()
    document = json.loads(text)
    document["objects"] = document["objects"][:-5]
    with pytest.raises(TransferError, match="counts do not match"):
        import_from(io.StringIO(json.dumps(document)))
    assert Party.objects.filter(code="GB").exists()


def _empty_tracker_tables():
    """Every exported table but users emptied without signals (a fresh target database)."""
    from agreements.sync.transfer import exported_models

    for model in reversed(exported_models()[1:]):
        model._default_manager.all()._raw_delete(model._default_manager.db)


def _with_counts(document):
    counts = {}
    for item in document["objects"]:
        counts[item["model"]] = counts.get(item["model"], 0) + 1
    document["counts"] = counts
    return io.StringIO(json.dumps(document))


def _published_mou(document):
    return next(
        o
        for o in document["objects"]
        if o["model"] == "agreements.agreement"
        and o["fields"]["slug"] == "uk-us-critical-minerals-mou-2026"
    )


def _drop_parties(document):
    pk = _published_mou(document)["pk"]
    document["objects"] = [
        o
        for o in document["objects"]
        if not (
            o["model"] in ("agreements.agreementparty", "agreements.signature")
            and o["fields"]["agreement"] == pk
        )
    ]


def _reserved_slug(document):
    _published_mou(document)["fields"]["slug"] = "export"


def _bad_dates(document):
    _published_mou(document)["fields"]["effective_on"] = "2000-01-01"


def _upper_case_person(document):
    person = next(o for o in document["objects"] if o["model"] == "agreements.person")
    person["fields"]["slug"] = person["fields"]["slug"].upper()


@pytest.mark.parametrize(
    "mutate, message",
    [
        (_drop_parties, "needs at least two parties"),
        (_reserved_slug, "reserved"),
        (_bad_dates, "effective date"),
        (_upper_case_person, "lower-case"),
    ],
    ids=["published-without-parties", "slug-export", "effective-before-signed", "slug-case"],
)
def test_import_runs_the_model_rules_and_refuses_the_whole_file(agreements, mutate, message):
    """A hand-built file breaking a model or collection rule is refused whole (nothing is
    written); the untouched export of the same data imports."""
    document = json.loads(export_text())
    total = Agreement.objects.count()
    _empty_tracker_tables()
    bad = json.loads(json.dumps(document))
    mutate(bad)
    with pytest.raises(TransferError, match=message):
        import_from(_with_counts(bad))
    assert not Agreement.objects.exists() and not Party.objects.exists()
    import_from(_with_counts(document))
    assert Agreement.objects.count() == total
