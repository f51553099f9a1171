"""What the field extractors share: the result and the records they build (Extraction,
Mention, SignEvent, Person), evidence helpers, and the per-release context."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .dates import DateMention
from .gazetteer import gazetteer
from .lexicon import CITY_RE
from .people import Found, surnames
from .text import Release, Sentence, parse_release, quoted_spans
from .vocabulary import Vocabulary

Evidence = dict[str, Any]

#: Parts of geographic phrases that are not parties ("Latin American", "Middle East").
NON_PARTY_RE = re.compile(
    r"\b(?:Latin|South|North|Central) Americ(?:a|an)s?\b|\bMiddle East\b|"
    r"\b(?:North|West|East|Southern|Sub-Saharan|sub-Saharan) Africa\b|"
    r"\bIndo-Pacific\b|\bAsia-Pacific\b|\bNew South Wales\b"
)

PUBLISHER_PARTY_RE: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"gov\.uk|Department for Business|Foreign, Commonwealth|\bFCDO\b|"
            r"Department for Energy Security|HM Treasury|Cabinet Office|"
            r"10 Downing Street|Prime Minister's Office",
            re.IGNORECASE,
        ),
        "GB",
    ),
    (
        re.compile(
            r"\bUSTR\b|White House|Department of State|State Department|"
            r"Department of (?:the )?Treasury|Department of Commerce|"
            r"Department of the Interior|Department of Energy\b|\.gov(?:/|$)"
        ),
        "US",
    ),
    (re.compile(r"ec\.europa\.eu|European Commission|EEAS|consilium", re.IGNORECASE), "EU"),
    (re.compile(r"canada\.ca|gc\.ca|pm\.gc\.ca", re.IGNORECASE), "CA"),
    (re.compile(r"\.gov\.au\b", re.IGNORECASE), "AU"),
]


@dataclass
class Extraction:
    """The proposal, the evidence for each of its fields, and warnings for the editor."""

    proposal: dict[str, Any]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form used by the API."""
        return {
            "proposal": self.proposal,
            "evidence": self.evidence,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Mention:
    """A party named in the text."""

    start: int
    end: int
    code: str
    text: str


@dataclass
class SignEvent:
    """A reported or planned signing: the verb, its sentence, and how relevant it is."""

    sentence: Sentence
    verb_start: int
    verb_end: int
    tense: str  # "past", "present", "planned", "witness"
    relevance: float
    nominal: bool = False  # "the signing ceremony": a signing with no subject


@dataclass
class Person:
    """A person named around a signing."""

    name: str
    start: int
    end: int
    office: str
    party: str | None
    role: str
    sentence: Sentence
    party_from_context: bool = False


def _evidence(text: str, start: int, end: int, confidence: float, value: Any = None) -> Evidence:
    item: Evidence = {
        "quote": text[start:end],
        "start": start,
        "end": end,
        "confidence": round(confidence, 2),
    }
    if value is not None:
        item["value"] = value
    return item


def _sentence_evidence(s: Sentence, confidence: float, value: Any = None) -> Evidence:
    return {
        "quote": s.text,
        "start": s.start,
        "end": s.end,
        "confidence": round(confidence, 2),
        **({"value": value} if value else {}),
    }


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


class _Context:
    """Everything computed once per release and shared by the field extractors.

    Look-ups by position (mentions in a span, whether a position is quoted) use sorted
    offsets and bisection, so that asking about one sentence costs the size of that
    sentence, not of the release.
    """

    def __init__(
        self,
        text: str,
        published_on: dt.date,
        vocabulary: Vocabulary,
        source_url: str | None,
        publisher: str | None,
    ) -> None:
        self.text = text
        self.published_on = published_on
        self.vocab = vocabulary
        self.release: Release = parse_release(text)
        self.publisher = publisher or self.release.header_publisher or ""
        self.source_url = source_url or ""
        self.quotes = _merged(quoted_spans(text))
        self._quote_starts = [s for s, _ in self.quotes]
        masked = _merged([(m.start(), m.end()) for m in NON_PARTY_RE.finditer(text)])
        masked_starts = [s for s, _ in masked]
        self.mentions = [
            Mention(m.start(), m.end(), vocabulary.party_names[m.group()], m.group())
            for m in vocabulary.party_regex.finditer(text)
            if not _inside_sorted(masked, masked_starts, m.start(), m.end())
        ]
        self._mention_starts = [m.start for m in self.mentions]
        self.sentences = [s for s in self.release.sentences if not s.in_background]
        self._position = {id(s): i for i, s in enumerate(self.release.sentences)}
        self.home = self._home_party()
        self.places = gazetteer()
        self.relevance: dict[tuple[int, int], float] = {}
        self.people: dict[tuple[int, int], list[Found]] = {}
        self.dates: dict[tuple[int, int], list[DateMention]] = {}
        self.background: dict[int, list[tuple[int, int]]] = {}
        self._surnames: dict[str, Found] | None = None
        self.warnings: list[str] = []

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self._mention_starts, start)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                found.append(self.mentions[i])
            i += 1
        return found

    def surnames(self) -> dict[str, Found]:
        if self._surnames is None:
            self._surnames = {}  # guards the recursion while it is built
            self._surnames = surnames(self)
        return self._surnames

    def place_spans(self, start: int, end: int) -> list[tuple[int, int]]:
        """Spans of the places of the city table in ``text[start:end]``."""
        return [(m.start(1), m.end(1)) for m in CITY_RE.finditer(self.text, start, end)]

    def _home_party(self) -> str | None:
        """The publisher's own party, used for officials named without a country."""
        for source in (self.publisher, self.source_url):
            if not source:
                continue
            for regex, code in PUBLISHER_PARTY_RE:
                if regex.search(source) and code in self.vocab.parties:
                    return code
            for m in self.vocab.party_regex.finditer(source):
                return self.vocab.party_names[m.group()]
        return None

    def is_quoted(self, s: Sentence, position: int | None = None) -> bool:
        if s.in_quote:
            return True
        if position is None:
            return _inside_sorted(self.quotes, self._quote_starts, s.start, s.end)
        return _inside_sorted(self.quotes, self._quote_starts, position, position + 1)

    def previous(self, s: Sentence) -> Sentence | None:
        idx = self._position[id(s)]
        return self.release.sentences[idx - 1] if idx > 0 else None

    def next(self, s: Sentence) -> Sentence | None:
        idx = self._position[id(s)] + 1
        return self.release.sentences[idx] if idx < len(self.release.sentences) else None


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of spans."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _inside_sorted(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """``start:end`` lies inside one of ``spans`` (sorted and disjoint, ``starts`` their starts)."""
    i = bisect.bisect_right(starts, start) - 1
    return i >= 0 and spans[i][1] >= end
