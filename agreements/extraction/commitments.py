"""Commitments proposed from a release's sentences, with the words that support them.

``propose_commitments(text)`` returns proposals for an editor to review: each is one
activity the parties undertake, in the release's words (the commitment's ``text``), with a
``kind``, a ``due`` in the catalogue's format ({"within", "unit", "from"},
{"date", "precision"} or None) and the character spans of the evidence; ``extract()`` puts
them in the proposal as ``commitments`` (``CommitmentProposal.as_dict``). Pure Python, no
Django, like the rest of this package.

How a sentence is read. A sentence counts when it says what the agreement or the parties
will do: a promise ("will", "agreed to", "committed to", "plan to"), a deadline ("within
six months", "by 2030") or the agreement's content ("the MoU covers …", "cooperation
includes …", "aims to …", a bullet of a list). The sentence is cut into items at list
separators (semicolons, commas, colons, bullets, "as well as", "while"; "and" when both
sides name an activity), and an item is proposed when it names a concrete activity of a
known kind (a working group, a roadmap, financing, a meeting, an exchange of information,
training and the like, a joint project); adjacent items of one kind are one proposal. An
item that names no activity ("enhancing the resilience of supply chains") is a purpose,
not a commitment, and is left out. Every rule looks at one sentence, so the time grows
linearly with the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .text import Sentence, _lines, split_sentences

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
    rf"\b(?:(?:within|no\s+later\s+than)(?:\s+the\s+(?:next|coming|first))?|in(?:\s+the\s+"
    rf"(?:next|coming))?|(?:over|during)\s+the\s+(?:next|coming|first))\s+{_NUMBER}"
    r"(?:\s*\(\d+\))?\s+(?P<unit>days?|weeks?|months?|years?)"
    r"(?:\s+(?:of|from|after)\s+(?:the\s+)?(?P<from>signing|signature|entry\s+into\s+force|"
    r"(?:this|the)\s+(?:memorandum|agreement|MoU|framework)(?:'s)?\s+(?:signing|signature)))?",
    re.IGNORECASE,
)
BY_YEAR_RE = re.compile(
    r"\b(?:by|before|no\s+later\s+than)\s+(?:(?:the\s+)?end\s+of\s+)?(?P<year>20\d\d)\b",
    re.IGNORECASE,
)
THIS_YEAR_RE = re.compile(
    r"\b(?:within|by\s+the\s+end\s+of|later)\s+this\s+year\b|\bbefore\s+the\s+end\s+of\s+"
    r"(?:this|the)\s+year\b",
    re.IGNORECASE,
)
ANNUAL_RE = re.compile(
    r"\b(?P<how>annual(?:ly)?|every\s+year|each\s+year|once\s+a\s+year|regular(?:ly)?|"
    r"biannual(?:ly)?)\b",
    re.IGNORECASE,
)

#: An activity of each kind, in the order they are tried (the first that matches an item
#: gives its kind: "co-fund projects" is financing, "a committee will meet" a working group).
#: Nouns that also name events or bodies ("Forum", "Committee") count only with the words
#: that make them the parties' own ("an annual forum", "a joint committee").
KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "working_group",
        re.compile(
            r"\b(?:working\s+(?:groups?|teams?)|task\s*forces?|(?:bilateral|joint|ministerial-level|"
            r"steering|technical|coordinating)\s+(?:[\w-]+\s+){0,2}?committees?|"
            r"committee\s+will|response\s+group)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "roadmap",
        re.compile(
            r"\b(?:develop|draw\w*\s+up|prepar|adopt|elaborat|establish|creat|compil|agree\w*\s+on)"
            r"\w*\s+(?:[\w-]+\s+){0,3}?(?:road\s?maps?|action\s+plans?|work\s*plans?)\b|"
            r"\b(?:road\s?maps?|action\s+plans?|work\s*plans?)\W*\s+(?:will|shall)\s+be\s+"
            r"(?:develop|drawn|prepar|adopt|elaborat|compil|agreed)",
            re.IGNORECASE,
        ),
    ),
    (
        "financing",
        re.compile(
            r"\b(?:co-?fund\w*|co-?financ\w*|financing|financial\s+(?:and\s+\w+\s+)?(?:support|"
            r"assistance|instruments?|mechanisms?)|funding|mechanisms?\s+to\s+attract\s+"
            r"(?:\w+\s+)?investments?|investment\s+(?:guarantees|fund)|allocated|"
            r"(?:leverage|use|mobilis\w*|mobiliz\w*)\s+(?:[\w-]+\s+){0,3}?investments?|"
            r"invest\s+in|commit\w*\s+to\s+(?:\S+\s+){0,3}?investments?)\b|"
            r"\b(?:commit(?:s|ted)?|contributing|contribute|pledg\w*|provid(?:e|es|ing))\s+"
            r"(?:[\w-]+\s+){0,4}?"
            r"(?:[$€£]\s?\d|\d[\d.,]*\s+(?:euros?|dollars?|pounds|million|billion))",
            re.IGNORECASE,
        ),
    ),
    (
        "meeting",
        re.compile(
            r"\b(?:[Aa]nnual|[Rr]egular|[Pp]eriodic|[Mm]inisterial|[Ff]irst|\w+-level)\b"
            r"(?:\s+[\w-]+){0,3}?\s+(?:meetings?|forums?|conferences?|dialogues?|"
            r"consultations?)\b|\b(?:meet|convene)\s+(?:annually|regularly|every\s+year|"
            r"each\s+year|twice)\b|\bwill\s+convene\b|\bhold\s+(?:a\s+)?(?:regular\s+|"
            r"annual\s+)?(?:meetings?|consultations?)\b"
        ),
    ),
    (
        "review",
        re.compile(
            r"\b(?:will|shall|to|agreed\s+to)\s+(?:jointly\s+)?(?:review|evaluate|assess|"
            r"monitor)\b|\b(?:annual|periodic|regular|mid-term|joint)\s+reviews?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "information_exchange",
        re.compile(
            r"\b(?:exchang\w*|shar(?:e|es|ing)|transfer\w*|interchange)\b"
            r"(?:\s+[\w&-]+){0,6}?\s+(?:information|data|knowledge|expertise|experiences?|"
            r"technolog\w*|visits|delegations|scientists|practices|know-how|ideas|skills)\b|"
            r"\b(?:information|technology|data|knowledge|personnel)\s+(?:and\s+\w+\s+)?"
            r"(?:exchanges?|sharing|transfer)\b|\bdata\s+bank\b|\bfield\s+visits\b",
            re.IGNORECASE,
        ),
    ),
    (
        "other",
        re.compile(
            r"\b(?:training|capacity[- ]building|build\w*\s+(?:of\s+)?capacity|skills|"
            r"human\s+(?:resources?|capital)|workshops?|seminars?|symposi\w+|licen[cs]\w*|"
            r"permitting|stockpil\w+|giv\w+\s+(?:[\w-]+\s+){0,3}?priority|export\s+duties|restrictions|non-market|"
            r"best\s+practices|innovation\s+challenges|mapping\s+the\s+existing)\b|"
            r"\borgani[sz]\w*\s+(?:[\w-]+\s+){0,5}?events?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "project",
        re.compile(
            r"\bjoint(?:ly)?\s+(?:[\w-]+\s+){0,3}?(?:projects?|ventures?|development|"
            r"explor\w*|research|surveys?|mapping|study|studies|realization|identification|"
            r"select\w*|undertake)\b|\b(?:identif|select|develop)\w*\s+(?:[\w-]+\s+){0,3}?"
            r"projects\b|\bpipeline\s+of\s+projects\b|\bprojects?\s+development\b|"
            r"\b(?:geological|geophysical)\s+(?:surveys?|mapping|maps|research)\b|"
            r"\b(?:undertake|conduct\w*|collaborat\w+\s+on)\s+(?:[\w-]+\s+){0,2}?research\b|"
            r"\bresearch\s+(?:on|activities)\b|\bstart\s+exploration\b|\brefinery\b|"
            r"\b(?:establish\w*|draw\w*\s+up|produc\w*)\s+(?:[\w-]+\s+){0,2}?maps\b|"
            r"\b(?:seismic|airborne|aeromagnetic|geochemical)\s+(?:[\w-]+\s+){0,3}?(?:surveys?|"
            r"operations|sampling)\b|\bfield\s+expeditions?\b|"
            r"\btechnical\s+cooperation\b|\bjoint\s+venture\b|"
            r"\bdevelop(?:ment)?\s+(?:of\s+)?(?:strategic\s+)?mineral\s+resources\b",
            re.IGNORECASE,
        ),
    ),
)

#: A sentence that says what the agreement or its parties will do.
CONTENT_RE = re.compile(
    r"\b(?:will|shall|agreed|agree|commit(?:s|ted|ment)?|pledges?|intends?\s+to|plans?\s+to|"
    r"aims?\s+to|aimed\s+at|set\s+to|expected\s+to|scheduled|envisages?|calls?\s+for|"
    r"provides?\s+for|includ(?:e|es|ed|ing)|cover(?:s|ing)?|encompass(?:es)?|implies|"
    r"outlines?|focus(?:es)?|areas?|such\s+as|viz|to\s+(?:enable|promote|facilitate|"
    r"develop|support|deepen|jointly|strengthen|co-fund)|establish(?:es)?|objectives?|"
    r"through|can|allocated|allow|supports|facilitates|favou?r|meant\s+to|goals?\s+(?:is|are)"
    r"\s+to)\b|^\s*[•·*\-–]\s",
    re.IGNORECASE,
)
#: A promise: what a deadline alone needs to be a commitment.
PROMISE_RE = re.compile(
    r"\b(?:will|shall|agreed\s+to|agree\s+to|commit(?:s|ted)?\s+to|pledged?\s+to|"
    r"intends?\s+to|plans?\s+to|aims?\s+to)\b",
    re.IGNORECASE,
)
#: Where a sentence is cut into items.
SEPARATOR_RE = re.compile(
    r"\s*(?:[;:•()]|,|\s[—–]\s|\bas\s+well\s+as\b|\bwhile\b|\band\s+will\b|\bincluding\b|"
    r"\b(?:includes?|included|covers?|encompass(?:es)?|envisages?|implies|calls?\s+for)\b|"
    r"\bsuch\s+as\b|\bviz\.?)\s*",
    re.IGNORECASE,
)
AND_RE = re.compile(r"\s+(?:and|or)\s+", re.IGNORECASE)
LEAD_RE = re.compile(r"^(?:(?:and|or|also|the|a|an|to|on|in|of|for|by)\s+)+", re.IGNORECASE)
MAX_TEXT = 300
#: Items of one kind listed side by side are one proposal when one of them is this short.
SHORT_ITEM_WORDS = 3
#: How sure the rule is of the item, and of the words that date it.
ITEM_CONFIDENCE = 0.6
PHRASE_CONFIDENCE = 0.8


@dataclass
class CommitmentProposal:
    text: str
    kind: str
    due: dict | None
    evidence: list[tuple[int, int]] = field(default_factory=list)  # (start, end) in the text
    notes: list[str] = field(default_factory=list)
    span: tuple[int, int] = (0, 0)  # the commitment's own words in the text

    def as_dict(self, text: str) -> dict[str, Any]:
        """The proposal's item: the commitment's own words as the first evidence, then the
        words that date it, in the evidence format of the other fields
        (``text[start:end] == quote``)."""
        spans = [(*self.span, ITEM_CONFIDENCE)]
        spans += [(s, e, PHRASE_CONFIDENCE) for s, e in self.evidence if (s, e) != self.span]
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


def _kind(words: str) -> str | None:
    for kind, pattern in KIND_PATTERNS:
        if pattern.search(words):
            return kind
    return None


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at list separators, and at "and" when each side names an
    activity of its own kind."""
    cuts = [start]
    for m in SEPARATOR_RE.finditer(text, start, end):
        cuts += [m.start(), m.end()]
    cuts.append(end)
    pieces = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        cursor = a
        for m in AND_RE.finditer(text, a, b):
            left, right = text[cursor : m.start()], text[m.end() : b]
            kinds = (_kind(left), _kind(right))
            if all(kinds) and kinds[0] != kinds[1]:
                pieces.append((cursor, m.start()))
                cursor = m.end()
        pieces.append((cursor, b))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    chunk = text[start:end]
    start += len(chunk) - len(chunk.lstrip(" \t\n\"“”'.,;:-–—•·*"))
    end -= len(chunk) - len(chunk.rstrip(" \t\n\"“”'.,;:-–—•·*"))
    lead = LEAD_RE.match(text, start, end)
    if lead and lead.end() < end:
        start = lead.end()
    return start, max(start, end)


def _due(
    words: str, published_on: dt.date | None
) -> tuple[dict | None, list[str], re.Match | None]:
    within = WITHIN_RE.search(words)
    if within:
        due, notes = _relative_due(within)
        return due, notes, within
    by_year = BY_YEAR_RE.search(words)
    if by_year:
        return {"date": f"{by_year['year']}-01-01", "precision": "year"}, [], by_year
    this_year = THIS_YEAR_RE.search(words)
    if this_year and published_on is not None:
        due = {"date": f"{published_on.year}-01-01", "precision": "year"}
        return due, ["“this year” read as the year of publication"], this_year
    return None, [], None


def _sentence_proposals(
    text: str, sentence: Sentence, published_on: dt.date | None, listed: bool = False
) -> list[CommitmentProposal]:
    """The commitments of one sentence; ``listed``: it is an item of a list that a
    sentence ending with a colon announced, so it needs no promise of its own."""
    words = sentence.text
    if not (listed or CONTENT_RE.search(words)):
        return []
    items: list[tuple[int, int, str, bool]] = []
    for a, b in _pieces(text, sentence.start, sentence.end):
        kind = _kind(text[a:b])
        if kind is None:
            continue
        short = len(text[a:b].split()) <= SHORT_ITEM_WORDS
        if items and items[-1][2] == kind and (short or items[-1][3]):
            # "symposia, workshops, training": one activity of a kind, listed in parts
            items[-1] = (items[-1][0], b, kind, short)
        else:
            items.append((a, b, kind, short))
    if not items and PROMISE_RE.search(words):
        # "Both sides aim to double refining capacity by 2030": a promise with a deadline
        # but no activity of a known kind is proposed as "other", the clause that dates it.
        for a, b in _pieces(text, sentence.start, sentence.end):
            if _due(text[a:b], published_on)[2] is not None:
                items.append((a, b, "other", False))
                break
    out = []
    for a, b, kind, _ in items:
        a, b = _trimmed(text, a, b)
        if b - a < 3:
            continue
        item = text[a:b]
        due, notes, dated = _due(item, published_on)
        evidence = []
        if dated is not None:
            evidence.append((a + dated.start(), a + dated.end()))
        elif len(items) == 1:
            due, notes, dated = _due(words, published_on)
            if dated is not None:
                evidence.append((sentence.start + dated.start(), sentence.start + dated.end()))
        recurring = ANNUAL_RE.search(item)
        if kind == "meeting" and recurring:
            notes.append(f"recurring ({recurring['how']}): the first occurrence is not dated")
        shown = item
        if len(shown) > MAX_TEXT:
            notes.append(f"cut to {MAX_TEXT} characters")
            shown = shown[:MAX_TEXT]
        out.append(
            CommitmentProposal(
                text=shown, kind=kind, due=due, evidence=evidence, notes=notes, span=(a, b)
            )
        )
    return out


def propose_commitments(
    text: str,
    sentences: list[Sentence] | None = None,
    published_on: dt.date | None = None,
) -> list[CommitmentProposal]:
    """Commitments a release states, in the order they appear (see the module's
    docstring); ``sentences`` are the release's (``text.parse_release``, the headline and
    background left out), or without them the whole text read as body sentences. Status
    is never proposed: a release announces, it does not report that a promise was kept."""
    if sentences is None:
        spans = [span for s, e in _lines(text) for span in split_sentences(text, s, e)]
        sentences = [Sentence(a, b, text[a:b], i, 0) for i, (a, b) in enumerate(spans)]
    out, seen = [], set()
    listing = False  # inside a list announced by "… which include:"
    for sentence in sentences:
        if sentence.is_headline or sentence.in_background:
            continue
        found = _sentence_proposals(text, sentence, published_on, listed=listing)
        listing = sentence.text.rstrip().endswith((":", ";", "; and"))
        if not found and out and out[-1].due is None:
            _date_the_last(out[-1], sentence, published_on)
        for proposal in found:
            key = (proposal.kind, _activity(proposal.text, proposal.kind))
            if key in seen:
                continue  # the same activity told again ("the joint study will …")
            seen.add(key)
            out.append(proposal)
    return out


#: "The study is due …", "It will …": a sentence that goes on about what came before.
BACK_REFERENCE_RE = re.compile(r"^\W*(?:(?:The|This|These|Its)\s+(?P<noun>[a-z][\w-]+)|It)\b")


def _date_the_last(proposal: CommitmentProposal, sentence: Sentence, published_on) -> None:
    """ "… agreed to jointly study supply chains. The study is due to be completed by the
    end of 2023.": a deadline in a sentence that names no activity of its own but refers
    back to the last commitment proposed (its noun is in that commitment's words) dates
    that commitment."""
    ref = BACK_REFERENCE_RE.match(sentence.text)
    if ref is None:
        return
    noun = (ref["noun"] or "").rstrip("s")
    if noun and noun not in proposal.text.lower():
        return
    due, notes, dated = _due(sentence.text, published_on)
    if dated is None:
        return
    proposal.due = due
    proposal.notes += [*notes, "due date from a later sentence"]
    proposal.evidence.append((sentence.start + dated.start(), sentence.start + dated.end()))


def _activity(words: str, kind: str) -> frozenset[str]:
    """The content words of the activity an item names, to tell a repeated mention."""
    pattern = dict(KIND_PATTERNS).get(kind)
    match = pattern.search(words) if pattern else None
    found = re.findall(r"[a-z]{4,}", (match.group() if match else words).lower())
    return frozenset(w.rstrip("s").removesuffix("ly") for w in found)
