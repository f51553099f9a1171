"""The parties to the agreement: the countries and blocs named around its signing."""

from __future__ import annotations

import re

from .context import Evidence, Mention, _Context, _sentence_evidence
from .lexicon import KIND_RE, MENTION_ONLY_RE, SIGN_RE
from .text import Sentence
from .vocabulary import GROUP_MEMBERS


def _pairs_in(ctx: _Context, s: Sentence) -> list[tuple[list[Mention], float]]:
    """Groups of parties a sentence presents as acting together, in reading order.

    Recognised shapes: "UK-US", "the UK and US", "between X and Y", "X, Y and Z", and
    "X ... partnership with Y". Groups introduced by "including"/"such as" or in a
    sentence about earlier deals are skipped: those countries are only mentioned.
    """
    text = ctx.text
    mentions = ctx.mentions_in(s.start, s.end)
    groups: list[tuple[int, list[Mention], float]] = []
    i = 0
    while i < len(mentions):
        group = [mentions[i]]
        j = i
        while j + 1 < len(mentions):
            gap = text[mentions[j].end : mentions[j + 1].start]
            if re.fullmatch(r"\s*[-–—/]\s*", gap):
                group.append(mentions[j + 1])
            elif re.fullmatch(r"\s*(?:,|,?\s+and|&)\s+(?:the\s+)?", gap):
                group.append(mentions[j + 1])
            else:
                break
            j += 1
        codes = {m.code for m in group}
        if len(codes) >= 2:
            before = text[s.start : group[0].start]
            mentioned_only = bool(MENTION_ONLY_RE.search(before[-60:])) or bool(
                re.search(r"\b(?:19|20)\d\d\b", before[-12:])
            )
            if not mentioned_only:
                groups.append((group[0].start, group, 0.9 if s.is_headline else 0.85))
        i = j + 1
    # "X ... <agreement> with Y": the acting party first, the partner after "with".
    # ("With" in a title-case headline)
    for m in re.finditer(r"\b[Ww]ith\s+(?:[Tt]he\s+)?", text[s.start : s.end]):
        at = s.start + m.end()
        partner = next((x for x in mentions if x.start == at), None)
        if partner is None:
            continue
        before = text[s.start : partner.start]
        if not KIND_RE.search(before[-80:]) or MENTION_ONLY_RE.search(before[-40:]):
            continue
        actor = next(
            (
                x
                for x in mentions
                if x.end <= partner.start
                and x.code != partner.code
                and not re.match(r"’s|'s", text[x.end : x.end + 2])
            ),
            None,
        )
        actor_code = actor.code if actor else ctx.home
        if actor_code and actor_code != partner.code:
            members = [actor] if actor else []
            groups.append((partner.start, [*members, partner], 0.8 if actor else 0.7))
    # "<agreement> signed between <a body of X> and <a body of Y>": the two countries the
    # bodies belong to ("the General Directorate ... of the Turkish Ministry of Energy and
    # the State Agency ... under the Azerbaijani Ministry").
    for m in BETWEEN_BODIES_RE.finditer(text, s.start, s.end):
        if not (
            KIND_RE.search(text, max(s.start, m.start() - 120), m.start())
            or SIGN_RE.search(text, max(s.start, m.start() - 60), m.start())
        ):
            continue
        inside = [x for x in mentions if m.end() <= x.start < m.end() + BETWEEN_REACH]
        codes = list(dict.fromkeys(x.code for x in inside))
        if len(codes) != 2 or any(g[1] for g in groups if g[0] >= m.end()):
            continue
        first = next(x for x in inside if x.code == codes[0])
        second = next(x for x in inside if x.code == codes[1])
        if re.search(r"\band\b", text[first.end : second.start]):
            groups.append((m.end(), [first, second], 0.75))
    # "Russia’s geological holding Rosgeo and the Mineral Resources Authority of Mongolia
    # have signed": the countries of the two bodies that are the subject of the signing.
    verb = SUBJECT_SIGNED_RE.search(text, s.start, s.end)
    if verb is not None and verb.start() - s.start <= BETWEEN_REACH and not groups:
        subject = [x for x in mentions if x.end <= verb.start()]
        codes = list(dict.fromkeys(x.code for x in subject))
        if len(codes) == 2 and not MENTION_ONLY_RE.search(text, s.start, verb.start()):
            first = next(x for x in subject if x.code == codes[0])
            second = next(x for x in subject if x.code == codes[1])
            if re.search(r"\band\b", text[first.end : second.start]) and not re.search(
                r"[;:]|\b(?:with|said|says|after|following)\b", text[s.start : verb.start()]
            ):
                groups.append((first.start, [first, second], 0.7))
    groups.sort(key=lambda g: g[0])
    return [(g, conf) for _, g, conf in groups]


SUBJECT_SIGNED_RE = re.compile(r"\b(?:have|has)\s+signed\b|\bsigned\b(?=\s+(?:a|an|the)\s)")
BETWEEN_BODIES_RE = re.compile(r"\bbetween\s+the\s+(?=[A-Z])")
#: How far after "between" the two bodies' countries are looked for.
BETWEEN_REACH = 260


def _agreement_sentence(ctx: _Context, s: Sentence) -> bool:
    """Whether a sentence talks about the agreement (or is the headline)."""
    if s.is_headline:
        return True
    return bool(
        KIND_RE.search(s.text)
        or SIGN_RE.search(s.text)
        or re.search(r"\bcooperation|co-operation\b", s.text, re.IGNORECASE)
    )


def extract_parties(ctx: _Context) -> tuple[list[str], dict[str, list[Evidence]]]:
    """Parties to the agreement: the first group of parties presented as acting together.

    Reading order matters: a release names its parties in the headline or lead, and
    countries named later are mostly context (earlier deals, suppliers, meetings).
    """
    for s in ctx.sentences:
        if ctx.is_quoted(s) or not _agreement_sentence(ctx, s):
            continue
        pairs = _pairs_in(ctx, s)
        if not pairs:
            continue
        group, confidence = pairs[0]
        codes: list[str] = []
        for m in group:
            if m.code not in codes:
                codes.append(m.code)
        # "X releases the MoU with Y and Z": the actor of a "with" group joins a group of
        # partners it shares a member with.
        named_actor = False
        for other, _ in pairs[1:]:
            other_codes = {m.code for m in other}
            if other_codes & set(codes):
                new = [c for c in (m.code for m in other) if c not in codes]
                named_actor = named_actor or bool(new and len(other_codes) >= 2)
                codes += new
        # the publisher's party acts only when the sentence names no actor of its own
        if len(group) < len(codes) and not named_actor and ctx.home and ctx.home not in codes:
            codes.insert(0, ctx.home)
        if len(codes) == 1 and ctx.home and ctx.home != codes[0]:
            codes.insert(0, ctx.home)
        evidence = {c: [_sentence_evidence(s, confidence, c)] for c in codes}
        return codes, evidence
    listed = _member_list(ctx)
    return listed if listed[0] else _group(ctx)


MEMBERS_RE = re.compile(
    r"\b(?:partners|members|signatories|participants)\b[^.:;]{0,60}?\b(?:include[sd]?|are|were)"
    r"\s*:?\s*(?:the\s+)?"
)


def _member_list(ctx: _Context) -> tuple[list[str], dict[str, list[Evidence]]]:
    """A plurilateral group listed in the lead: "MSP partners participating in the meeting
    included: Australia, Canada, ... and the European Union" (three or more parties)."""
    for s in ctx.sentences[:10]:
        if ctx.is_quoted(s):
            continue
        m = MEMBERS_RE.search(s.text)
        if not m:
            continue
        at = s.start + m.end()
        mentions = ctx.mentions_in(at, s.end)
        if not mentions or mentions[0].start != at:
            continue
        codes = [mentions[0].code]
        for prev, nxt in zip(mentions, mentions[1:], strict=False):
            if not re.fullmatch(
                r"\s*(?:,|,?\s+and|&)\s+(?:the\s+)?", ctx.text[prev.end : nxt.start]
            ):
                break
            if nxt.code not in codes:
                codes.append(nxt.code)
        if len(codes) >= 3:
            return codes, {c: [_sentence_evidence(s, 0.7, c)] for c in codes}
    return [], {}


GROUP_RE = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, GROUP_MEMBERS)) + r")(?![\w-])")


def _group(ctx: _Context) -> tuple[list[str], dict[str, list[Evidence]]]:
    """A group that is itself the actor: "G7 leaders launched the Critical Minerals Action
    Plan", "the Quad foreign ministers announced ...": its members are the parties, when the
    headline or one of the first sentences that speaks of an instrument or a signing names
    the group (and no pair of parties was found)."""
    for s in ctx.sentences[:6]:
        if ctx.is_quoted(s) or not _agreement_sentence(ctx, s):
            continue
        m = GROUP_RE.search(s.text)
        if not m:
            continue
        codes = [c for c in GROUP_MEMBERS[m.group()] if c in ctx.vocab.parties]
        if codes:
            return codes, {c: [_sentence_evidence(s, 0.6, c)] for c in codes}
    return [], {}
