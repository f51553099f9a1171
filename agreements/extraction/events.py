"""Signing events: the verbs that report or announce a signing, how relevant each is,
and the spans of a sentence that speak of earlier signings (background)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from .context import SignEvent, _Context
from .dates import MONTHS
from .lexicon import KIND_RE, MENTION_ONLY_RE, MINERAL_TOPIC_RE, SIGN_RE
from .text import Sentence

PLANNED_BEFORE_RE = re.compile(
    r"\b(?:will|shall|would|could|might|(?-i:may)|likely|hopes?|to|due|expected|plans?|"
    r"planning|intends?|set|ahead of|before|upcoming|forthcoming)\b[^.;:]*$",
    re.IGNORECASE,
)
PAST_BEFORE_RE = re.compile(r"\b(?:has|have|had|was|were|today|yesterday)\b", re.IGNORECASE)


def _relevance(ctx: _Context, s: Sentence, parties: list[str]) -> float:
    key = (s.start, s.end)
    if key not in ctx.relevance:
        ctx.relevance[key] = _sentence_relevance(ctx, s)
    return ctx.relevance[key]


def _sentence_relevance(ctx: _Context, s: Sentence) -> float:
    score = 0.0
    if s.is_headline:
        score += 1.0
    elif s.index < 3:
        score += 0.5
    if MINERAL_TOPIC_RE.search(s.text) or ctx.vocab.mineral_regex.search(s.text):
        score += 1.0
    return score


#: A sentence with more signing verbs than this is a list, not a report of one signing.
MAX_EVENTS_PER_SENTENCE = 4
#: Releases report one signing, in a few sentences; past this many verbs the rest is noise.
MAX_EVENTS = 60
#: What follows a signing to come: "the signing of the memorandum is scheduled for ...",
#: "the signing ceremony will take place on ...".
SCHEDULED_AFTER_RE = re.compile(
    r"[^,;]{0,120}?\b(?:(?:is|are)\s+(?:(?:now|also)\s+)?(?:scheduled|expected|planned|set|"
    r"due|slated|to\s+take\s+place|to\s+be\s+held)|will\s+(?:take\s+place|be\s+held))\b",
    re.IGNORECASE,
)


_MONTHS_RE = "|".join(m.capitalize() for m in MONTHS if len(m) > 3 or m == "may")
#: Time words that put a signing before the news: "last month's signing", "signed in
#: early November" (a month without a day), "signed in 2022". Checked against the
#: publication date in ``_background_time``.
BACKGROUND_TIME_RE = re.compile(
    r"\b[Ll]ast\s+(?:week|month|year|autumn|spring|summer|winter)(?:[’']s)?\b|"
    r"\b(?:[Ii]n|[Ss]ince)\s+(?:early|late|mid-?)?\s*(?P<month>" + _MONTHS_RE + r")\b"
    r"(?!\s+\d{1,2}\b)(?:,?\s+(?P<myear>(?:19|20)\d\d))?|"
    r"\b(?:[Ii]n|[Ss]ince)\s+(?P<year>(?:19|20)\d\d)\b(?!\s*[-–])"
)
#: Approving a signing is not signing: "the Cabinet gave its approval for signing of".
APPROVAL_BEFORE_RE = re.compile(
    r"\b(?:approv(?:al|ed|es|e)|authori[sz](?:ation|ed|es|e)|nod)\s+(?:for|to|of)?\s*"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


#: A signing denied or put as a condition: "has not yet signed", "once signed".
NOT_SIGNED_BEFORE_RE = re.compile(
    r"\b(?:not|never|n[’']t|yet to|failed to|refused to|declined to|once|if|unless|until)\s+"
    r"(?:yet\s+|been\s+|be\s+|being\s+)?$",
    re.IGNORECASE,
)


def _background_time(ctx: _Context, text: str) -> bool:
    """Whether ``text`` dates what it reports before the news (see ``BACKGROUND_TIME_RE``)."""
    return bool(_background_spans(ctx, text))


def _background_spans(ctx: _Context, text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that date something before the news."""
    published = ctx.published_on
    spans = []
    for m in BACKGROUND_TIME_RE.finditer(text):
        if m.group("month"):
            month = MONTHS.get(m.group("month").lower())
            year = int(m.group("myear")) if m.group("myear") else None
            if month is None:
                continue
            recent = {
                (published.year, published.month),
                (
                    (published - dt.timedelta(days=10)).year,
                    (published - dt.timedelta(days=10)).month,
                ),
            }
            if year is None and month not in {m for _, m in recent}:
                spans.append(m.span())  # "in early November", told in May: last November
            elif year is not None and (year, month) not in recent and year <= published.year:
                spans.append(m.span())
        elif m.group("year"):
            if int(m.group("year")) < published.year:
                spans.append(m.span())
        else:
            spans.append(m.span())
    return spans


def _sentence_background(ctx: _Context, s: Sentence) -> list[tuple[int, int]]:
    """``_background_spans`` of a sentence (offsets in ``s.text``), computed once."""
    if s.start not in ctx.background:
        ctx.background[s.start] = _background_spans(ctx, s.text)
    return ctx.background[s.start]


def _background_between(ctx: _Context, s: Sentence, lo: int, hi: int) -> bool:
    return any(lo <= a and b <= hi for a, b in _sentence_background(ctx, s))


def _verb_in_background(ctx: _Context, s: Sentence, start: int, end: int) -> bool:
    """Whether the clause of the verb at ``s.text[start:end]`` dates it before the news."""
    text = s.text
    clause = re.split(r"[.;:]", text[max(0, start - 200) : start])[-1][-120:]
    after = re.split(r"[.;]", text[end : end + 60])[0]
    return _background_between(ctx, s, start - len(clause), end + len(after))


#: "under the memorandum signed by ...", "the implementation of the MoU ... signed": an
#: instrument already in place, referred to by the news.
EARLIER_INSTRUMENT_RE = re.compile(
    r"\b(?:under|implement\w*|implementation of|pursuant to|follow-up to|follow up to|"
    r"review(?:ing|ed)?(?: the implementation of)?|based on|in line with|(?:within|in) the "
    r"framework of)\s+(?:the|this|that|their|its)\s+[^.;,]{0,80}$",
    re.IGNORECASE,
)


def find_sign_events(ctx: _Context, parties: list[str]) -> list[SignEvent]:
    """Every signing verb outside quotations, with its tense and relevance."""
    events: list[SignEvent] = []
    for s in ctx.sentences:
        if ctx.is_quoted(s):
            continue
        if len(events) >= MAX_EVENTS:
            break
        for n, m in enumerate(SIGN_RE.finditer(s.text)):
            if n >= MAX_EVENTS_PER_SENTENCE:
                break
            start = s.start + m.start()
            if ctx.is_quoted(s, start):
                continue
            verb = m.group().lower()
            clause = re.split(r"[.;:]", s.text[max(0, m.start() - 200) : m.start()])[-1]
            if verb == "signed" and re.search(r"\b(?:the|a|an|its|their)\s+$", clause, re.I):
                continue  # "released the signed memorandum": an adjective, not the signing
            lead_in = clause[-45:]
            if re.search(r"witness(?:ed|es)?\s+the\s+$", clause):
                tense = "witness"
            elif re.search(r"\b(?:will|to) be\s+$", clause) or (
                PLANNED_BEFORE_RE.search(lead_in)
                and not PAST_BEFORE_RE.search(lead_in)
                and verb != "signed"
            ):
                tense = "planned"
            elif verb in ("signed", "inked", "initialled", "sealed"):
                tense = "past"
            elif verb == "signing":
                # "the signing of", "after signing": a signing that happened; "X and Y
                # signing a pledge" (a photo caption) tells nothing by itself.
                nominal = re.search(
                    r"\b(?:the|a|this|after|following|at|during|of|by|upon|since)\s+$",
                    clause,
                    re.IGNORECASE,
                )
                tense = "past" if nominal else "present"
            elif s.is_headline and verb in ("sign", "signs"):
                tense = "past"  # headlines report what happened in the present tense
            else:
                tense = "present"
            if tense != "witness" and (
                APPROVAL_BEFORE_RE.search(lead_in) or NOT_SIGNED_BEFORE_RE.search(lead_in)
            ):
                tense = "planned"
            if verb == "signing" and (
                re.search(r"\bfor\s+$", clause, re.IGNORECASE)
                or SCHEDULED_AFTER_RE.match(re.split(r"[.;]", s.text[m.end() : m.end() + 160])[0])
            ):
                # "prepared for signing", "the signing ... is scheduled for Tuesday"
                tense = "planned"
            relevance = _relevance(ctx, s, parties) + _local_penalty(
                ctx, s, parties, start, s.start + m.end()
            )
            if _verb_in_background(ctx, s, m.start(), m.end()):
                relevance -= 5.0  # a signing before the news, not the one reported
            elif verb == "signed" and (
                EARLIER_INSTRUMENT_RE.search(clause)
                or (
                    re.search(r"\bhad\s+(?:\w+\s+)?$", clause)
                    and not re.search(
                        r"\b(?:said|says|stated|announced|reported|told|noted|confirmed|added)\b",
                        clause,
                    )
                )
            ):
                # "set up under the memorandum the two countries signed", "the MoU they had
                # signed": an instrument older than the news
                relevance -= 5.0
            nominal_use = (
                verb == "signing"
                and tense != "witness"
                and bool(re.search(r"\b(?:the|a|this|at|during|of)\s+$", clause, re.IGNORECASE))
            )
            events.append(
                SignEvent(s, start, s.start + m.end(), tense, relevance, nominal=nominal_use)
            )
    return _continuations_in_background(ctx, events)


#: "The document was signed by ...": a sentence telling more of the signing just told.
CONTINUATION_RE = re.compile(
    r"^(?:The|This|That)\s+(?:document|agreement|accord|treaty|memorandum|deal|pact)\s+was\s+"
    r"signed\b|^It\s+was\s+signed\b"
)


def _continuations_in_background(ctx: _Context, events: list[SignEvent]) -> list[SignEvent]:
    """ "Earlier this year, A and B signed a treaty. The document was signed by ...": the
    second sentence goes on about the earlier signing, so it is background too."""
    by_sentence: dict[int, list[SignEvent]] = {}
    for ev in events:
        by_sentence.setdefault(id(ev.sentence), []).append(ev)
    out = []
    for ev in events:
        if CONTINUATION_RE.match(ev.sentence.text):
            before = ctx.previous(ev.sentence)
            told = by_sentence.get(id(before), []) if before is not None else []
            if told and all(e.relevance < 0 for e in told):
                ev = dataclasses.replace(ev, relevance=ev.relevance - 5.0)
        out.append(ev)
    return out


#: "the MoU signed between ...", "the memorandum (MoU), signed by ...": "signed" modifies
#: the instrument named just before it, in a sentence whose own verb is another.
REDUCED_RELATIVE_RE = re.compile(
    r"\b(?:the|this|that|these|those|an?)\s+(?:[\w’'-]+\s+){0,8}?"
    r"(?:memorand(?:um|a)|MoUs?|MOUs?|MoCs?|agreements?|declarations?|statements?|"
    r"arrangements?|framework|road ?map|documents?|deals?|accords?|treaty|protocol|letter)"
    r"(?:\s*\([^()]{1,40}\))?\s*,?\s*$",
    re.IGNORECASE,
)


def _modifies_instrument(text: str, lo: int, ev: SignEvent) -> bool:
    """Whether "signed" only modifies the instrument named just before it (looking back no
    further than ``lo``): "the MoU signed between ...", not "the MoU was signed"."""
    if text[ev.verb_start : ev.verb_end].lower() != "signed":
        return False
    rel = REDUCED_RELATIVE_RE.search(text, max(lo, ev.verb_start - 120), ev.verb_start)
    return rel is not None and not re.search(
        r"\b(?:is|are|was|were|be|been|being|has|have|had)\b", rel.group(), re.IGNORECASE
    )


def _local_penalty(ctx: _Context, s: Sentence, parties: list[str], start: int, end: int) -> float:
    """Negative when the words around ``start:end`` are about some other deal.

    Signs of another deal: a country that is not a party close by, a back-reference
    ("The memorandum ...") to a sentence about another country, or "similar"/"last
    year"-style wording just before.
    """
    # The neighbourhood stops at the next or previous agreement noun: in "the
    # Australia-India Partnership following a similar agreement with Korea", Korea
    # belongs to the agreement, not to the Partnership.
    lo, hi = max(s.start, start - 80), min(s.end, end + 80)
    for other in KIND_RE.finditer(ctx.text, lo, hi):
        if other.end() <= start:
            lo = max(lo, other.end())
        elif other.start() >= end:
            hi = min(hi, other.start())
            break
    others = {
        m.code
        for m in ctx.mentions_in(lo, hi)
        if not POSTED_TO_RE.search(ctx.text[max(s.start, m.start - 30) : m.start])
    } - set(parties)
    if start - s.start < 60 and re.match(r"(?:The|This|That|These|It)\b", s.text):
        prev = ctx.previous(s)
        if prev is not None and not prev.is_headline:
            codes = {m.code for m in ctx.mentions_in(prev.start, prev.end)}
            if codes - set(parties) and not set(parties) <= codes:
                others |= codes - set(parties)
    penalty = -3.0 if parties and others else 0.0
    before = ctx.text[max(s.start, start - 80) : start]
    # "X, who previously served as ..., signed": the clause describes a person
    before = re.sub(r",\s*who\b[^,;:]*,\s*$", " ", before)
    if MENTION_ONLY_RE.search(before[-60:]):
        penalty -= 1.0
    if OTHER_DEAL_AFTER_RE.match(ctx.text, end, min(s.end, end + 40)):
        penalty -= 3.0  # "Australia signed a similar agreement with Japan"
    return penalty


#: "signed a similar agreement", "signed another memorandum": some other deal.
OTHER_DEAL_AFTER_RE = re.compile(
    r"\s+(?:(?:a|an)\s+)?(?:similar|separate|another|other)\b", re.IGNORECASE
)


#: "US ambassador to Mexico": a country in someone's office, not a party to another deal.
POSTED_TO_RE = re.compile(
    r"\b(?:[Aa]mbassador|[Ee]nvoy|[Ee]mbassy|[Cc]onsul(?:ate)?(?: [Gg]eneral)?)\s+(?:to|in)\s+"
    r"(?:the\s+)?$"
)
