"""Proposed commitments from a release's words, alone and in the extractor's proposal."""

import datetime

from agreements.extraction.commitments import propose_commitments
from agreements.extraction.extractor import extract
from agreements.extraction.vocabulary import Vocabulary

RELEASE = (
    "The UK and Japan signed a memorandum today. The participants will establish a working "
    "group within six months of signing. They agreed to meet annually to review progress. "
    "Both sides aim to double refining capacity by 2030. The weather was fine."
)
DRAFT = (
    " date 2026-03-02 Department for Business & Trade\n"
    "UK and Japan sign critical minerals memorandum\n"
    "The UK and Japan signed a Memorandum of Cooperation on critical minerals in London "
    "yesterday. The two sides will establish a joint working group within six months of "
    "signing. They agreed to hold a regular annual meeting of ministers. Cooperation includes "
    "joint exploration projects, exchange of geological data and training of mining engineers. "
    "Demand for lithium has grown fast.\n"
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


def test_a_list_of_activities_gives_one_commitment_each():
    """'Cooperation includes A, B and C' is three commitments, each quoting its own words;
    a sentence that promises nothing ('Demand … has grown') gives none."""
    proposals = propose_commitments(DRAFT)
    assert [(p.kind, p.text) for p in proposals][-3:] == [
        ("project", "joint exploration projects"),
        ("information_exchange", "exchange of geological data"),
        ("other", "training of mining engineers"),
    ]
    assert not any("Demand" in p.text for p in proposals)


def test_purposes_and_events_are_not_commitments():
    """A goal with no activity, a forum named as an event and 'to meet demand' are left out."""
    text = (
        "The partnership will strengthen supply chains and help meet demand. The ministers met "
        "at the Future Minerals Forum in Riyadh. The MoU will enhance the resilience of supply "
        "chains."
    )
    assert propose_commitments(text) == []


def test_the_extractor_proposes_commitments_with_evidence_in_the_common_format():
    """proposal['commitments'] items are {text, kind, due, evidence, notes}; every evidence
    item quotes the text at its offsets, and evidence['commitments'] names each item by its
    text, as the other collections do."""
    result = extract(DRAFT, datetime.date(2026, 3, 2), Vocabulary.from_reference())
    commitments = result.proposal["commitments"]
    assert [c["kind"] for c in commitments] == [
        "working_group",
        "meeting",
        "project",
        "information_exchange",
        "other",
    ]
    first = commitments[0]
    assert set(first) == {"text", "kind", "due", "evidence", "notes"}
    assert first["due"] == {"within": 6, "unit": "months", "from": "signing"}
    assert first["evidence"][0]["quote"] == first["text"]
    assert "within six months of signing" in [e["quote"] for e in first["evidence"]]
    for item in commitments:
        for e in item["evidence"]:
            assert DRAFT[e["start"] : e["end"]] == e["quote"]
            assert 0 < e["confidence"] <= 1
    assert {e["value"] for e in result.evidence["commitments"]} == {c["text"] for c in commitments}
    assert result.as_dict()["proposal"]["commitments"] == commitments


def test_the_headline_is_not_read_for_commitments():
    text = " date 2026-03-02 Ministry\nThe two sides will establish a working group\nNothing.\n"
    result = extract(text, datetime.date(2026, 3, 2), Vocabulary.from_reference())
    assert result.proposal["commitments"] == []


def test_items_of_a_list_announced_with_a_colon_need_no_promise_of_their_own():
    text = (
        "Today we discussed the first deliverables, which include:\n\n"
        "developing joint exploration projects;\n\n"
        "aligning our financial support for mining projects; and\n\n"
        "organizing a joint battery minerals event.\n\n"
        "developing mines is hard work.\n"
    )
    assert [(p.kind, p.text) for p in propose_commitments(text)] == [
        ("project", "developing joint exploration projects"),
        ("financing", "aligning our financial support for mining projects"),
        ("other", "organizing a joint battery minerals event"),
    ]


def test_a_later_sentence_can_date_the_commitment_it_refers_to():
    """'The study is due …' dates the joint study proposed just before, with its evidence."""
    text = (
        "Australia and France agreed to jointly study critical minerals supply chains. "
        "The study is due to be completed by the end of 2023."
    )
    (proposal,) = propose_commitments(text)
    assert proposal.due == {"date": "2023-01-01", "precision": "year"}
    assert "by the end of 2023" in [text[a:b] for a, b in proposal.evidence]
    other = "Australia and France agreed to jointly study supply chains. The mine opens by 2026."
    assert propose_commitments(other)[0].due is None


def test_an_activity_told_again_is_proposed_once():
    text = (
        "The two sides will set up a joint working group. "
        "The joint working group will meet in Seoul."
    )
    assert len(propose_commitments(text)) == 1
