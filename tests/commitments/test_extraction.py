"""Proposed commitments from a release's words (not wired into the extractor)."""

from agreements.extraction.commitments import propose_commitments

RELEASE = (
    "The UK and Japan signed a memorandum today. The participants will establish a working "
    "group within six months of signing. They agreed to meet annually to review progress. "
    "Both sides aim to double refining capacity by 2030. The weather was fine."
)


def test_promises_and_deadlines_are_proposed_with_their_evidence():
    proposals = propose_commitments(RELEASE)
    assert [(p.kind, p.due) for p in proposals] == [
        ("working_group", {"within": 6, "unit": "months", "from": "signing"}),
        ("meeting", None),
        ("other", {"date": "2030-01-01", "precision": "year"}),
    ]
    spans = [RELEASE[a:b] for a, b in proposals[0].evidence]
    assert "within six months of signing" in spans
    assert all(p.text in RELEASE for p in proposals)  # verbatim


def test_a_deadline_without_its_start_says_so():
    (proposal,) = propose_commitments("A ministerial meeting will be held in 180 days.")
    assert proposal.due == {"within": 180, "unit": "days", "from": "signing"}
    assert any("does not say from when" in note for note in proposal.notes)
