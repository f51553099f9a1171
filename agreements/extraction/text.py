"""Splitting a release into headline, paragraphs and sentences, keeping offsets.

Every proposed field must point back at the text (``text[start:end] == quote``), so the
splitter never rewrites the text: it only records spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*(.*?)\s*$")
BACKGROUND_RE = re.compile(
    r"^\s*(?:background|notes to editors?|further information|about\b.*|media contacts?"
    r"|related (?:links|products))\s*:?\s*$",
    re.IGNORECASE,
)
SAID_RE = re.compile(r"\b(?:said|says|added|commented|stated)\s*:\s*$")

#: Words whose final period does not end a sentence.
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "jr",
    "sr",
    "no",
    "hon",
    "gov",
    "sen",
    "rep",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "co",
    "inc",
    "ltd",
    "vs",
    "approx",
    "fig",
    "e.g",
    "i.e",
    "rt",
    # forms of address written with a full stop: "Eng. Khalid", "Prof. X", "Lic. Y"
    "eng",
    "engr",
    "prof",
    "lic",
    "gen",
    "col",
    "capt",
    "amb",
}
BOUNDARY_RE = re.compile(r"[.!?][\"”’)]?\s+")
#: Longest stretch of text handled as one sentence. Every rule looks at one sentence (or a
#: window inside one) at a time, so this bound keeps the extractor linear in the length of
#: the text whatever its shape (a page with no full stops, a list of names on one line).
MAX_SENTENCE_CHARS = 800


@dataclass(frozen=True)
class Sentence:
    """A sentence of the release and where it sits."""

    start: int
    end: int
    text: str
    index: int  # position among body sentences; -1 for the headline
    paragraph: int
    is_headline: bool = False
    in_background: bool = False
    in_quote: bool = False  # a paragraph quoting somebody after "X said:"


@dataclass(frozen=True)
class Release:
    """A release split for extraction."""

    text: str
    headline: Sentence | None
    sentences: list[Sentence]  # headline first when there is one
    header_publisher: str | None
    body_start: int


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, stripped of surrounding whitespace."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        spans.append((start, start + len(stripped)))
    return spans


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``, not breaking after "U.S." or "Mr."."""
    spans = []
    cursor = start
    chunk = text[start:end]
    for match in BOUNDARY_RE.finditer(chunk):
        stop = start + match.start()
        word = re.search(r"([\w.]+)$", text[max(cursor, stop - 40) : stop])
        token = word.group(1).lower() if word else ""
        if token in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", token):
            continue
        nxt = start + match.end()
        if nxt < end and not re.match(r"[\"“‘(\[]?[A-Z0-9•\-–]", text[nxt]):
            continue
        sentence_end = start + match.start() + 1
        # keep a closing quotation mark with its sentence
        while sentence_end < end and text[sentence_end] in '"”’)':
            sentence_end += 1
        spans.append((cursor, sentence_end))
        cursor = nxt
    if cursor < end:
        spans.append((cursor, end))
    bounded = [piece for s, e in spans for piece in _bounded(text, s, e)]
    return [(s, e) for s, e in bounded if text[s:e].strip()]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into pieces of at most ``MAX_SENTENCE_CHARS``, at a space."""
    pieces = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = max(text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, limit), -1)
        cut = cut if cut > start else limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


def parse_release(text: str) -> Release:
    """Find the header line, the headline and the body sentences of a release."""
    lines = _lines(text)
    header_publisher = None
    position = 0
    if lines:
        match = HEADER_RE.match(text[lines[0][0] : lines[0][1]])
        if match:
            header_publisher = match.group(2) or None
            position = 1
    headline = None
    sentences: list[Sentence] = []
    if position < len(lines):
        s, e = lines[position]
        headline = Sentence(s, e, text[s:e], -1, -1, is_headline=True)
        sentences.append(headline)
        position += 1
    body_start = lines[position][0] if position < len(lines) else len(text)
    index = 0
    in_background = False
    quote_budget = 0
    for paragraph, (s, e) in enumerate(lines[position:]):
        line = text[s:e]
        if BACKGROUND_RE.match(line):
            in_background = True
            continue
        in_quote = quote_budget > 0
        quote_budget = max(0, quote_budget - 1)
        if SAID_RE.search(line):
            # GOV.UK style: the paragraphs after "Minister X said:" are the quotation.
            quote_budget = 2
        for ss, se in split_sentences(text, s, e):
            sentences.append(
                Sentence(
                    ss,
                    se,
                    text[ss:se],
                    index,
                    paragraph,
                    in_background=in_background,
                    in_quote=in_quote,
                )
            )
            index += 1
    return Release(text, headline, sentences, header_publisher, body_start)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans between curly or straight double quotes (direct speech and titles), sorted.

    One pass over the quotation marks: an opening curly quote runs to the next closing
    one; a straight quote pairs with the next straight quote on the same line. (A regex
    such as ``“[^”]*”`` rescans the rest of the text from every unpaired mark.)
    """
    spans = []
    curly_open = straight_open = None
    for m in re.finditer(r'[“”"\n]', text):
        mark, at = m.group(), m.start()
        if mark == "“":
            if curly_open is None:
                curly_open = at
        elif mark == "”":
            if curly_open is not None:
                spans.append((curly_open, at + 1))
                curly_open = None
        elif mark == "\n":
            straight_open = None
        elif straight_open is None:
            straight_open = at
        else:
            spans.append((straight_open, at + 1))
            straight_open = None
    spans.sort()
    return spans
