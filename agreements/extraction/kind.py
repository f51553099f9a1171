"""The kind of instrument (memorandum, agreement, declaration...) the release announces."""

from __future__ import annotations

import bisect
import re

from .context import _Context
from .events import _background_between, _local_penalty, _verb_in_background
from .lexicon import ACTION_RE, KIND_PATTERNS, KIND_RE, MINERAL_TOPIC_RE, SIGN_RE

KIND_COMPILED = [(re.compile(p, re.IGNORECASE), k) for p, k in KIND_PATTERNS]
KIND_LABEL = {
    "memorandum_of_understanding": ("Memorandum of Understanding", "MoU"),
    "statement_of_intent": ("Statement of Intent", "Statement of Intent"),
    "joint_statement": ("Joint Statement", "Joint Statement"),
    "roadmap": ("Roadmap", "Roadmap"),
    "framework": ("Framework", "Framework"),
    "treaty": ("Treaty", "Treaty"),
    "partnership": ("Partnership", "Partnership"),
    "agreement": ("Agreement", "Agreement"),
    "other": ("Arrangement", "Arrangement"),
}


def _kind_of(phrase: str) -> str:
    for regex, kind in KIND_COMPILED:
        if regex.search(phrase):
            return kind
    return "other"


#: Named instruments that are not the agreement announced: "... Trade Agreement (CETA)".
OTHER_INSTRUMENT_RE = re.compile(
    r"(?:Trade|Economic|Free|Comprehensive|Green Growth|Energy|Hydrogen|Digital|Defence|"
    r"Defense|Security)(?:\s+(?:[A-Z][A-Za-z]*|and|of|on|for))*\s*$"
)


MAX_NOUNS_PER_SENTENCE = 8
#: The rest of a capitalised title: "on Critical Minerals".
TITLE_WORDS_RE = re.compile(r"(?:\s+(?:on|of|for|and|the|[A-Z][\w-]*))*\s+")
#: Nouns that name any instrument; a more specific one of the same release tells more.
GENERIC_KIND_RE = re.compile(r"agreements?|accord|deal", re.IGNORECASE)
#: An instrument put into effect, built on or acted under is an older one.
IMPLEMENTS_RE = re.compile(
    r"\b(?:implement(?:s|ed|ing)?|builds? on|building on|under|in the framework of|"
    r"pursuant to|follow-up to|follow up to)\s+(?:the|this|that|its|their)\s+(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)


#: Nouns that do not name the instrument specifically: generic ones, a relationship,
#: a statement made to the press, a meeting.
GENERIC_NAME_RE = re.compile(
    r"agreements?|accord|deal|partnership|statement|dialogue|arrangement|compact",
    re.IGNORECASE,
)
#: The least score of the best-placed noun for a kind proposed on its own (low confidence).
WEAK_MIN_SCORE = 0.0
#: How well a specific name must score to stand for the instrument a generic noun names.
SPECIFIC_MIN_SCORE = 1.0


#: "negotiating a MoU": the agreement a release is about, still to be signed.
NEGOTIATE_RE = re.compile(r"\bnegotiat(?:e|es|ed|ing)\b", re.IGNORECASE)
#: "the 6th ... Commercial Dialogue", "the annual ... Forum": a recurring meeting's name.
MEETING_ORDINAL_RE = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)|[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ff]ifth|[Ss]ixth|"
    r"[Ss]eventh|[Ee]ighth|[Nn]inth|[Tt]enth|[Aa]nnual|[Ii]naugural)\s+(?:[A-Z][\w.-]*\s+){0,4}$"
)


def extract_kind(
    ctx: _Context, parties: list[str]
) -> tuple[str | None, tuple[int, int] | None, float, str]:
    """The kind of document, from the agreement noun the release acts on most directly.

    Each agreement noun is scored: the object of a signing verb scores highest, then
    the object of "released", "set up", "launched"...; a noun right after the parties
    ("UK-US partnership") scores too; nouns in the headline and lead, and in sentences
    about minerals, get a little more; nouns naming older or other instruments
    ("the 2019 U.S.-Japan Trade Agreement", a deal with a third country) lose.
    """
    best: tuple[float, int, str, int, int] | None = None
    candidates: list[tuple[float, int, str, int, int]] = []
    for s in ctx.sentences:
        object_bonus: dict[int, float] = {}
        nouns = list(KIND_RE.finditer(s.text))
        noun_starts = [m.start() for m in nouns]
        verbs = [*SIGN_RE.finditer(s.text), *ACTION_RE.finditer(s.text)]
        verbs += NEGOTIATE_RE.finditer(s.text)
        for verb in verbs:
            i = bisect.bisect_left(noun_starts, verb.end())
            # "the partnership roadmap": in a compound the last noun is the head; "the
            # Bilateral Dialogue on Critical Minerals agreement": a named instrument
            # described by a common noun
            while i + 1 < len(nouns) and (
                re.fullmatch(r"\s+", s.text[nouns[i].end() : nouns[i + 1].start()])
                or (
                    nouns[i].group()[:1].isupper()
                    and nouns[i + 1].group().islower()
                    and nouns[i + 1].start() - nouns[i].end() < 60
                    and TITLE_WORDS_RE.fullmatch(s.text[nouns[i].end() : nouns[i + 1].start()])
                )
            ):
                i += 1
            nxt = nouns[i] if i < len(nouns) else None
            if nxt and _verb_in_background(ctx, s, verb.start(), verb.end()):
                continue  # "In early November, X and Y signed a memorandum": an older one
            if nxt and nxt.start() - verb.end() < 80:
                bonus = 4.0 if SIGN_RE.fullmatch(verb.group()) else 2.5
                object_bonus[nxt.start()] = max(bonus, object_bonus.get(nxt.start(), 0.0))
        # A sentence naming more instruments than this is a list, not an account of one.
        for m in nouns[:MAX_NOUNS_PER_SENTENCE]:
            start, end = s.start + m.start(), s.start + m.end()
            score = object_bonus.get(m.start(), 0.0)
            after = s.text[m.end() : m.end() + 45]
            if re.match(r"[^.;]*?\b(?:was|were|has been|have been)\s+signed", after):
                score = max(score, 4.0)
            elif re.match(
                r"[^.;]{0,100}?\bsigned\s+(?:on|in|at|by|yesterday|today)\b", s.text[m.end() :]
            ):
                score = max(score, 3.5)  # "the Memorandum ... signed on 13 July by ..."
            before = s.text[max(0, m.start() - 70) : m.start()]
            pair = re.search(r"(?:[-–][A-Z][\w.]*|\band the [A-Z]\w*)[\w\s]{0,45}$", before)
            if pair and ctx.mentions_in(start - len(before), start):
                score += 2.0
            if re.search(r"\b(?:19|20)\d\d\b", before[-30:]):
                score -= 3.0
            if m.group()[:1].isupper() and (
                OTHER_INSTRUMENT_RE.search(before) or re.match(r"\s*\([A-Z]{2,}\)", after)
            ):
                score -= 3.0
            if s.is_headline:
                score += 1.0
            elif s.index < 3:
                score += 0.5
            if MINERAL_TOPIC_RE.search(s.text):
                score += 1.0
            score += _local_penalty(ctx, s, parties, start, end)
            if ctx.is_quoted(s, start):
                score -= 1.0
            if m.group().lower() in ("deal", "statement"):
                score -= 1.0
            if m.group().lower() == "partnership":
                score -= 1.5  # the relationship more often than the instrument signed
            if GENERIC_KIND_RE.fullmatch(m.group()):
                score -= 1.5  # "sign agreement" in a headline, "a memorandum" in the body
            if re.search(r"\b(?:[Oo]ther|[Aa]nother|[Ss]eparate)\s+$", before):
                score -= 3.0  # "Other agreements were signed to ...": not this one
            if m.group()[:1].isupper() and MEETING_ORDINAL_RE.search(before[-45:]):
                score -= 3.0  # "the 6th India-USA Commercial Dialogue": a meeting's name
            if IMPLEMENTS_RE.search(before):
                score -= 3.0  # "actions that will implement the Memorandum": an older one
            if _background_between(ctx, s, m.start() - 60, m.end() + 60):
                score -= 3.0  # "signed a memorandum in early November", told in May
            candidate = (score, -start, m.group(), start, end)
            candidates.append(candidate)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if best is not None and best[0] < 2.0:
        # no noun is acted on clearly ("its approval for the Memorandum of Understanding to
        # be signed"): a single specific name the release gives, unpenalised, tells the kind
        specific = [c for c in candidates if c[0] >= 0.0 and not GENERIC_NAME_RE.fullmatch(c[2])]
        if len({_kind_of(c[2]) for c in specific}) == 1:
            score, _, phrase, start, end = max(specific, key=lambda c: c[:2])
            return _kind_of(phrase), (start, end), 0.5, phrase
    if best is not None and best[0] < 2.0:
        # nothing is acted on clearly and the names disagree: the best-placed specific name
        # (not "agreement" or "partnership", which name relationships as often as
        # instruments) still tells the likeliest kind, with a low confidence
        specific = [
            c for c in candidates if c[0] >= WEAK_MIN_SCORE and not GENERIC_NAME_RE.fullmatch(c[2])
        ]
        if specific:
            score, _, phrase, start, end = max(specific, key=lambda c: c[:2])
            return _kind_of(phrase), (start, end), 0.3, phrase
    if best is None or best[0] < 2.0:
        return None, None, 0.0, ""
    # "joint declaration" in the headline, "joint declaration of intent" in the body: the
    # fuller name of the same noun tells the kind
    fuller = [
        c
        for c in candidates
        if len(c[2]) > len(best[2])
        and c[2].lower().startswith(best[2].lower())
        and c[0] >= best[0] - 2.0
    ]
    if fuller:
        best = max(fuller, key=lambda c: c[:2])
    elif GENERIC_KIND_RE.fullmatch(best[2]):
        # "signed an agreement ... The memorandum of understanding covers ...": the one
        # specific name the release gives the instrument tells its kind
        specific = [
            c
            for c in candidates
            if c[0] >= SPECIFIC_MIN_SCORE and not GENERIC_NAME_RE.fullmatch(c[2])
        ]
        if len({_kind_of(c[2]) for c in specific}) == 1:
            best = max(specific, key=lambda c: c[:2])
    score, _, phrase, start, end = best
    return _kind_of(phrase), (start, end), min(0.95, 0.5 + score / 10), phrase
