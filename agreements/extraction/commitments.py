"""Commitments proposed from a release's sentences, with the words that support them.

``propose_commitments(text)`` returns proposals for an editor to review, each with the
sentence it came from (verbatim, the commitment's ``text``), a ``kind``, a ``due`` in the
catalogue's format ({"within", "unit", "from"}, {"date", "precision"} or None) and the
character spans of the evidence; ``extract()`` puts them in the proposal as
``commitments`` (``CommitmentProposal.as_dict``). Pure Python, no Django, like the rest of
this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
    "a": 1,
    "an": 1,
}
_NUMBER = r"(?P<n>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
WITHIN_RE = re.compile(
    rf"\b(?:within|in(?:\s+the\s+next)?|no\s+later\s+than)\s+{_NUMBER}(?:\s*\(\d+\))?\s+"
    r"(?P<unit>days?|weeks?|months?|years?)"
    r"(?:\s+(?:of|from|after)\s+(?:the\s+)?(?P<from>signing|signature|entry\s+into\s+force|"
    r"(?:this|the)\s+(?:memorandum|agreement|MoU|framework)(?:'s)?\s+(?:signing|signature)))?",
    re.IGNORECASE,
)
BY_YEAR_RE = re.compile(
    r"\b(?:by|before|no\s+later\s+than)\s+(?:(?:the\s+)?end\s+of\s+)?(?P<year>20\d\d)\b",
    re.IGNORECASE,
)
ANNUAL_RE = re.compile(
    r"\b(?:meet|convene|hold\s+(?:a\s+)?(?:meeting|dialogue)s?)\b[^.]{0,60}?\b"
    r"(?P<how>annually|every\s+year|each\s+year|once\s+a\s+year|regularly|biannually)\b",
    re.IGNORECASE,
)
KIND_PATTERNS = (
    (
        "working_group",
        r"\b(?:working\s+group|task\s*force|joint\s+committee|steering\s+committee)\b",
    ),
    ("roadmap", r"\b(?:roadmap|road\s+map|action\s+plan|work\s*plan)\b"),
    ("financing", r"\b(?:financ\w*|fund(?:ing|s)?|invest(?:ment)?s?|loans?|grants?)\b"),
    ("meeting", r"\b(?:meet(?:ing)?s?|convene|dialogue|summit|ministerial)\b"),
    ("information_exchange", r"\b(?:exchange|share|sharing)\s+(?:of\s+)?(?:information|data)\b"),
    ("review", r"\b(?:review|evaluat\w+|assess\w*)\b"),
    ("project", r"\b(?:projects?|pilot|joint\s+venture)\b"),
)
PROMISE_RE = re.compile(
    r"\b(?:will|shall|agree[ds]?\s+to|commit(?:s|ted)?\s+to|intend\s+to|plan\s+to|aim\s+to)\b",
    re.IGNORECASE,
)
SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
MAX_TEXT = 300
#: How sure the rule is that the sentence holds a commitment, and of the words that say so.
SENTENCE_CONFIDENCE = 0.6
PHRASE_CONFIDENCE = 0.8


@dataclass
class CommitmentProposal:
    text: str
    kind: str
    due: dict | None
    evidence: list[tuple[int, int]] = field(default_factory=list)  # (start, end) in the text
    notes: list[str] = field(default_factory=list)
    sentence: tuple[int, int] = (0, 0)  # the whole sentence, stripped, in the text

    def as_dict(self, text: str) -> dict[str, Any]:
        """The proposal's item: the sentence as the first evidence, then the words that
        make it a commitment (the promise, the deadline), in the evidence format of the
        other fields (``text[start:end] == quote``)."""
        spans = [(*self.sentence, SENTENCE_CONFIDENCE)]
        spans += [(s, e, PHRASE_CONFIDENCE) for s, e in self.evidence if (s, e) != self.sentence]
        return {
            "text": self.text,
            "kind": self.kind,
            "due": self.due,
            "evidence": [
                {"quote": text[s:e], "start": s, "end": e, "confidence": c} for s, e, c in spans
            ],
            "notes": list(self.notes),
        }


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _relative_due(match: re.Match) -> tuple[dict, list[str]]:
    n, unit = _number(match["n"]), match["unit"].lower().rstrip("s") + "s"
    notes = []
    if unit == "weeks":
        n, unit = n * 7, "days"
        notes.append("weeks counted as days")
    base = (match["from"] or "signing").lower()
    due_from = "entry_into_force" if "force" in base else "signing"
    if not match["from"]:
        notes.append("counted from signing: the sentence does not say from when")
    return {"within": n, "unit": unit, "from": due_from}, notes


def _kind(sentence: str) -> str:
    for kind, pattern in KIND_PATTERNS:
        if re.search(pattern, sentence, re.IGNORECASE):
            return kind
    return "other"


def _proposal(sentence: str, start: int) -> CommitmentProposal | None:
    promise = PROMISE_RE.search(sentence)
    within, by_year = WITHIN_RE.search(sentence), BY_YEAR_RE.search(sentence)
    annual = ANNUAL_RE.search(sentence)
    if not (promise or within or annual):
        return None
    evidence = [
        (start + m.start(), start + m.end()) for m in (promise, within, by_year, annual) if m
    ]
    due, notes = None, []
    if within:
        due, notes = _relative_due(within)
    elif by_year:
        due = {"date": f"{by_year['year']}-01-01", "precision": "year"}
    if annual:
        notes.append(f"recurring ({annual['how']}): the first occurrence is not dated")
    text = sentence.strip()
    lead = len(sentence) - len(sentence.lstrip())
    span = (start + lead, start + lead + len(text))
    if len(text) > MAX_TEXT:
        notes.append(f"sentence cut to {MAX_TEXT} characters")
        text = text[:MAX_TEXT]
    kind = "meeting" if annual else _kind(sentence)
    return CommitmentProposal(
        text=text, kind=kind, due=due, evidence=sorted(evidence), notes=notes, sentence=span
    )


def propose_commitments(text: str) -> list[CommitmentProposal]:
    """Commitments a release states: sentences with a promise ("will establish a working
    group", "agreed to meet annually") or a deadline ("within six months", "by 2030"), in
    the order they appear. Status is never proposed: a release announces, it does not
    report that a promise was kept."""
    out = []
    for match in SENTENCE_RE.finditer(text):
        proposal = _proposal(match.group(0), match.start())
        if proposal is not None and (proposal.due or proposal.kind != "other"):
            out.append(proposal)
    return out
