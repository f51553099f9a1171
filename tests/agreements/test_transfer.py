"""export_data and import_data: lossless, and refusing bad files without changing anything."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from agreements.models import Agreement, ChangeEvent, Party
from agreements.transfer import TRACKER_MODELS, TransferError, export_to, import_from

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
