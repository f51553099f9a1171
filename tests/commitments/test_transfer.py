"""Export and import carry commitments, their responsible parties and their history."""

import io

from agreements.models import Commitment
from agreements.sync.transfer import export_to, import_from
from tests.agreements.test_transfer import _empty_tracker_tables

from .conftest import make_commitment


def test_commitments_survive_an_export_and_import(public):
    commitment = make_commitment(public, "Carried over", responsible=["GB"])
    stream = io.StringIO()
    export_to(stream)
    versions = commitment.history.count()
    _empty_tracker_tables()
    import_from(io.StringIO(stream.getvalue()))
    restored = Commitment.objects.get(key=commitment.key)
    assert restored.text == "Carried over"
    assert list(restored.responsible_parties.values_list("code", flat=True)) == ["GB"]
    assert restored.history.count() == versions
