"""Scoring proposed commitments against annotated ones (evaluate.py), on small synthetic
releases: span overlap and kind for `commitments`, span overlap and due for
`commitment_due`, releases without annotated commitments left out of both."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agreements.extraction.evaluate import (
    AnnotationError,
    evaluate,
    format_columns,
    format_table,
    score_release,
)
from agreements.extraction.vocabulary import Vocabulary

TEXT = (
    " date 2026-03-02 Ministry of Trade\n"
    "UK and Japan sign critical minerals memorandum\n"
    "The UK and Japan signed a Memorandum of Cooperation on critical minerals in London "
    "yesterday. The two sides will establish a joint working group within six months of "
    "signing. They agreed to hold a regular annual meeting of ministers. Cooperation includes "
    "joint exploration projects, exchange of geological data and training of mining engineers.\n"
)
EXPECTED = {"parties": ["GB", "JP"], "signed_on": "2026-03-01", "kind": "other"}


def write(folder, name, text, expected):
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    meta = {"published_on": "2026-03-02", "expected": {**EXPECTED, **expected}}
    (folder / f"{name}.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.fixture(scope="module")
def vocab():
    return Vocabulary.from_reference()


def item(quote, kind, due=None):
    return {"quote": quote, "kind": kind, "due": due}


def whole_text_proposal(text, kind, due=None):
    """An extractor proposal with nothing but one commitment whose evidence is all of
    ``text``."""
    span = {"quote": text, "start": 0, "end": len(text), "confidence": 0.6}
    commitment = {"text": text, "kind": kind, "due": due, "evidence": [span], "notes": []}
    return {
        "parties": [],
        "signed_on": None,
        "signed_place": "",
        "kind": None,
        "signatures": [],
        "minerals": [],
        "commitments": [commitment],
    }


def test_kind_and_due_are_scored_on_overlapping_spans(tmp_path, vocab):
    """A proposal matches the annotation its evidence overlaps when the kinds are equal;
    the due date is scored apart, only where either side has one."""
    write(
        tmp_path,
        "a",
        TEXT,
        {
            "commitments": [
                # overlaps the proposal, same kind and due: tp for both measures
                item(
                    "establish a joint working group",
                    "working_group",
                    {"within": 6, "unit": "months", "from": "signing"},
                ),
                # overlaps the meeting proposal but another kind: fn (and that proposal fp)
                item("regular annual meeting", "review"),
                item("joint exploration projects", "project"),
                item("exchange of geological data", "information_exchange"),
                # no proposal there: fn; its due is expected and missed: commitment_due fn
                item(
                    "The UK and Japan signed a Memorandum",
                    "other",
                    {"date": "2027-01-01", "precision": "year"},
                ),
            ]
        },
    )
    results = evaluate(tmp_path, vocab)
    assert results["commitments_count"] == 1
    c, d = results["fields"]["commitments"], results["fields"]["commitment_due"]
    # proposed: working group, meeting, projects, data exchange, training
    assert (c["tp"], c["fp"], c["fn"]) == (3, 2, 2)
    assert (d["tp"], d["fp"], d["fn"]) == (1, 0, 1)
    assert results["releases"]["a"]["commitments"] == [3, 2, 2]


def test_releases_without_annotated_commitments_are_not_scored(tmp_path, vocab):
    """No `commitments` key: not counted at all (an empty list means 'none', and every
    proposal is then a false positive)."""
    write(tmp_path, "a", TEXT, {})
    write(tmp_path, "b", TEXT, {"commitments": []})
    results = evaluate(tmp_path, vocab)
    assert results["count"] == 2
    assert results["commitments_count"] == 1
    assert results["releases"]["a"]["commitments"] == [0, 0, 0]
    assert results["releases"]["b"]["commitments"] == [0, 5, 0]
    assert results["releases"]["b"]["commitment_due"] == [0, 1, 0]
    assert "releases scored for commitments: 1" in format_table(results)
    both = format_columns([("dev", results), ("other", results)])
    assert "releases scored for commitments: dev 1, other 1" in both


def test_matching_is_one_to_one():
    """Two annotations inside one proposal's span: one is matched, the other missed; two
    proposals on one annotation: one matched, the other a false positive."""
    text = "They will share data and share maps."
    proposal = whole_text_proposal(text, "information_exchange")
    two = {
        "commitments": [
            item("share data", "information_exchange"),
            item("share maps", "information_exchange"),
        ]
    }
    assert score_release(two, proposal, text)["commitments"] == (1, 0, 1)
    proposal["commitments"] *= 2
    one = {"commitments": [item("share data", "information_exchange")]}
    assert score_release(one, proposal, text)["commitments"] == (1, 1, 0)


def test_weeks_compare_as_days():
    text = "The first meeting will take place within two weeks."
    proposal = whole_text_proposal(
        text, "meeting", {"within": 14, "unit": "days", "from": "signing"}
    )
    expected = {
        "commitments": [
            item("first meeting", "meeting", {"within": 2, "unit": "weeks", "from": "signing"})
        ]
    }
    assert score_release(expected, proposal, text)["commitment_due"] == (1, 0, 0)


def test_a_quote_not_in_the_text_is_an_error_naming_the_file(tmp_path, vocab):
    write(tmp_path, "bad-release", TEXT, {"commitments": [item("a working group", "other")]})
    with pytest.raises(AnnotationError, match=r"bad-release\.json.*commitments\[0\].*not found"):
        evaluate(tmp_path, vocab)


def test_an_unknown_kind_is_an_error_naming_the_file(tmp_path, vocab):
    write(tmp_path, "odd", TEXT, {"commitments": [item("joint exploration projects", "mining")]})
    with pytest.raises(AnnotationError, match=r"odd\.json.*kind 'mining'"):
        evaluate(tmp_path, vocab)


@pytest.mark.django_db
def test_the_command_reports_an_invalid_annotation(tmp_path, ref):
    write(tmp_path, "bad-release", TEXT, {"commitments": [item("nowhere", "other")]})
    with pytest.raises(CommandError, match="bad-release.json"):
        call_command("evaluate_extraction", str(tmp_path), stdout=StringIO())


def test_a_blind_release_error_does_not_print_its_words(tmp_path, vocab):
    """In a folder named blind the error names the file, never the annotated words."""
    blind = tmp_path / "blind"
    blind.mkdir()
    write(blind, "hidden", TEXT, {"commitments": [item("secret words", "other")]})
    with pytest.raises(AnnotationError, match=r"hidden\.json") as error:
        evaluate(blind, vocab)
    assert "secret words" not in str(error.value)
