"""The minerals the agreement is about, and the stage of the value chain it covers."""

from __future__ import annotations

import re
from typing import Any

from .context import Evidence, SignEvent, _Context, _evidence
from .lexicon import KIND_RE, SEVERAL_RE, SIGN_RE
from .text import Sentence

STAGE_PATTERNS: dict[str, str] = {
    "exploration": r"explor\w*|geolog\w*",
    "mining": r"\bmining\b|\bmines?\b|extract\w*",
    "processing": r"process(?:ing|ed)|midstream|separation|smelt\w*",
    "refining": r"refin\w*",
    "recycling": r"recycl\w*|circular economy",
    "stockpiling": r"stockpil\w*|strategic reserve",
    "research": r"research|R&D|innovation",
    "trade": r"\btrade\b|export\w*|import\w*|offtake",
}
STAGE_RES = {k: re.compile(v, re.IGNORECASE) for k, v in STAGE_PATTERNS.items()}


#: Wording that puts a whole sentence's minerals with an earlier deal.
MINERAL_BACKGROUND_RE = re.compile(
    r"\b(?:previous(?:ly)?|last year|earlier this year)\b",
    re.IGNORECASE,
)
#: Wording that puts the minerals of its clause in the background: a country's endowment
#: or output, the market, what minerals are for ("Peru is rich in copper", "China
#: dominates the processing of graphite", "lithium is essential for batteries").
MINERAL_ENDOWMENT_RE = re.compile(
    r"\b(?:imported from|imports? of|exports? of|dominat\w*|relian(?:ce|t) on|rel(?:y|ies) on|"
    r"produces|producers?|deposits|reserves?|rich in|rich deposits|endowed|endowment|boasts?|"
    r"abundant|home to|known for|world[’']s|(?:per ?cent|%) of|largest|demand for|prices?|"
    r"markets?|"
    # "as part of its broader plan to develop supply chains for cobalt": the party's own
    # policy, not the agreement's scope
    r"part\s+of\s+(?:its|their|his|her|a|the)\s+(?:\w+\s+){0,2}(?:plan|strategy|efforts?|push|"
    r"drive|bid|policy)|"
    # "India's National Critical Mineral Mission is aimed at securing lithium"
    r"(?:Mission|Strategy|Policy|Programme|Program)\s+(?:is\s+)?aim(?:ed|s)\s+at|"
    # "Sri Lanka's vast graphite resources"; "there were no deals on rare earths"
    r"vast|no\s+(?:deals?|agreements?)\s+(?:on|for|in))\b",
    re.IGNORECASE,
)
#: How far either side of a mineral its clause is looked for.
CLAUSE_REACH = 300
#: How far before a mineral its clause's endowment wording may be.
ENDOWMENT_REACH = 80
#: "lithium and cobalt are essential for batteries", "rare earths play a key role in":
#: what the minerals are for, said after them.
MINERAL_IMPORTANCE_AFTER_RE = re.compile(
    r"\b(?:is|are|was|were|remains?|becomes?)\s+(?:\w+\s+){0,2}(?:essential|vital|crucial|"
    r"critical|key|indispensable|important|needed|used)\b|\bplays?\s+an?\s+(?:\w+\s+){0,2}role\b",
    re.IGNORECASE,
)
#: Where a clause ends inside a sentence: ", which ...", "because ...", "; ...".
CLAUSE_BOUNDARY_RE = re.compile(
    r"[;:()]|,\s*(?:of which|in which|which|who|whose|where|while|whereas|although|as|since)\b|"
    r"\b(?:because|although|whereas|given that)\b",
    re.IGNORECASE,
)


def _mineral_in_background(text: str, start: int, end: int) -> bool:
    """Whether the clause of ``text`` around the mineral at ``start:end`` (bounded by
    ``CLAUSE_BOUNDARY_RE``) tells of a country's endowment or the market just before it
    ("Australia, which holds large reserves of nickel") or of what it is for after it."""
    lo, hi = max(0, start - CLAUSE_REACH), min(len(text), end + CLAUSE_REACH)
    for b in CLAUSE_BOUNDARY_RE.finditer(text, lo, hi):
        if b.end() <= start:
            lo = b.start()
        elif b.start() >= end:
            hi = b.start()
            break
    return bool(
        MINERAL_ENDOWMENT_RE.search(text, max(lo, start - ENDOWMENT_REACH), start)
        or MINERAL_IMPORTANCE_AFTER_RE.search(text, end, hi)
        or USED_AFTER_RE.match(text, end, hi)
        or COMPANY_AFTER_RE.match(text, end, hi)
    )


#: "$26 billion copper and nickel spin-off": a company's business, not the agreement's.
COMPANY_AFTER_RE = re.compile(
    r"(?:\s+and\s+[a-z]+)?\s+(?:spin-?off|company|companies|firms?|miners?|giant|producers?)\b"
)
#: "cobalt and other minerals used in making batteries": what the minerals are for.
USED_AFTER_RE = re.compile(
    r"\s+and\s+other\s+(?:\w+\s+){0,2}?(?:minerals|metals|materials)\s+used\s+(?:in|for|to)\b"
)


#: Words spelt like a mineral used otherwise: "will lead to", "iron out", "silver lining".
NOT_MINERAL_AFTER_RE = re.compile(
    r"\s+(?:out\b|lining\b|jubilee\b|to\b|by\b|the\b|a\b|an\b|efforts?\b|delegations?\b|"
    r"the way\b)",
    re.IGNORECASE,
)
NOT_MINERAL_BEFORE_RE = re.compile(
    r"\b(?:will|would|to|can|could|may|might|shall|should|must|help|helps|also|which|that|"
    r"who|and|not)\s+$",
    re.IGNORECASE,
)


def _other_sense(text: str, start: int, end: int, word: str) -> bool:
    """ "lead", "iron", "silver" used as a verb or in an idiom, not as the metal."""
    if word.lower() not in {"lead", "iron", "silver", "tin"}:
        return False
    if NOT_MINERAL_AFTER_RE.match(text, end):
        return True
    return word.lower() == "lead" and bool(
        NOT_MINERAL_BEFORE_RE.search(text[max(0, start - 12) : start])
    )


def _about_other_deal(ctx: _Context, s: Sentence, parties: list[str]) -> bool:
    """Whether a sentence is about something else than the agreement's scope.

    "critical minerals such as lithium" lists what the agreement covers, so unlike for
    parties "such as" is no sign of a mere mention here; a third country, an earlier deal
    or production statistics are.
    """
    codes = {
        m.code
        for m in ctx.mentions_in(s.start, s.end)
        if not DEPENDENCE_BEFORE_RE.search(ctx.text, max(s.start, m.start - 40), m.start)
    }
    if parties and codes - set(parties):
        return True
    return bool(MINERAL_BACKGROUND_RE.search(s.text))


#: "to reduce dependence on China": a country the agreement turns away from, not a party
#: to another deal.
DEPENDENCE_BEFORE_RE = re.compile(
    r"\b(?:dependen(?:ce|cy|t)|relian(?:ce|t)|rel(?:y|ies|ying)|depend(?:s|ing)?|"
    r"dominance|dominated|away|alternatives?|diversif\w*)\s+(?:on|upon|by|from|to|away from)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)


def _proper_noun_use(ctx: _Context, start: int, end: int) -> bool:
    """True for a mineral word inside a proper name ("Cornish Lithium", "Copper Mine")."""
    text = ctx.text
    matched = text[start:end]
    if not matched[:1].isupper():
        return False
    before = re.search(r"([A-Z][\w’'-]*)[ \t]+$", text[max(0, start - 30) : start])
    after = re.match(r"[ \t]+([A-Z][\w’'-]*)", text[end : end + 30])
    words = [w.group(1) for w in (before, after) if w]
    return any(not ctx.vocab.mineral_regex.fullmatch(w) for w in words)


USAGE_RE = re.compile(r"\s+(?:used|needed|found|that|which|in\s+(?:our|your|every))\b")


#: A quoted sentence that says what the instrument covers: "The agreement aims to promote
#: ... in the areas of critical minerals and rare earth elements," the minister said.
QUOTED_SCOPE_RE = re.compile(
    r"\b(?:[Tt]he|[Tt]his|[Oo]ur)\s+(?:agreement|memorandum|MoU|MOU|partnership|framework)\s+"
    r"(?:aims|will|covers|focuses|provides)\b"
)
#: What the parties will do together: "the two sides will cooperate in the processing of
#: lithium", "areas of cooperation include rare earths".
SCOPE_RE = re.compile(
    r"\b(?:will|shall|to)\s+(?:\w+\s+){0,2}(?:co-?operat\w*|collaborat\w*|work\s+(?:together|"
    r"jointly))\b|\bareas?\s+of\s+(?:co-?operation|collaboration)\b|"
    # "have agreed to jointly undertake due diligence of lithium assets"
    r"\bagreed\s+to\s+jointly\s+\w+",
    re.IGNORECASE,
)


def extract_minerals(
    ctx: _Context, parties: list[str], events: list[SignEvent]
) -> tuple[list[dict[str, Any]], dict[str, list[Evidence]]]:
    """Minerals the agreement covers: named in sentences about the agreement itself."""
    items: dict[str, dict[str, Any]] = {}
    evidence: dict[str, list[Evidence]] = {}
    # Several instruments signed together ("other MOUs", "three memoranda"): what "the
    # agreements" cover together does not tell what this one covers.
    several = bool(SEVERAL_RE.search(ctx.text))
    for s in ctx.sentences:
        if (ctx.is_quoted(s) and not QUOTED_SCOPE_RE.search(s.text)) or (
            s.is_headline and not KIND_RE.search(s.text) and not SCOPE_RE.search(s.text)
        ):
            continue
        if several:
            instruments = [
                k.group() for k in KIND_RE.finditer(s.text) if k.group().lower() != "partnership"
            ]
            if instruments and all(re.search(r"(?:s|a)$", k) for k in instruments):
                continue
        about_agreement = bool(
            KIND_RE.search(s.text)
            or SIGN_RE.search(s.text)
            or re.search(r"\bfocus\w*\b", s.text, re.IGNORECASE)
            or SCOPE_RE.search(s.text)
            or (
                # "X and Y agreed to enhance cooperation on supply chains of tin, nickel"
                re.search(r"\bagreed\b", s.text)
                and re.search(r"\bco-?operation\b", s.text, re.IGNORECASE)
                and len({m.code for m in ctx.mentions_in(s.start, s.end)} & set(parties)) >= 2
            )
        )
        if re.search(r"\b[Oo]ther (?:MoUs|MOUs|agreements|memoranda|deals)\b", s.text):
            continue  # "Other MOUs call for joint lithium exploration": not this agreement
        if not about_agreement or _about_other_deal(ctx, s, parties):
            continue
        for m in ctx.vocab.mineral_regex.finditer(s.text):
            start, end = s.start + m.start(), s.start + m.end()
            if _proper_noun_use(ctx, start, end) or (
                ctx.is_quoted(s, start) and not QUOTED_SCOPE_RE.search(s.text)
            ):
                continue
            if re.search(r"\bthe\s+$", ctx.text[max(0, start - 5) : start]) and USAGE_RE.match(
                ctx.text[end : end + 20]
            ):
                continue  # "the lithium used in batteries": what minerals are for, not covered
            slug = ctx.vocab.mineral_slug(m.group())
            if slug is None:
                continue
            if _other_sense(ctx.text, start, end, m.group()):
                continue
            if _mineral_in_background(s.text, m.start(), m.end()):
                continue  # "Australia, which holds large reserves of nickel, ..."
            stages = [k for k, rx in STAGE_RES.items() if rx.search(s.text)]
            item = items.setdefault(slug, {"mineral": slug, "stages": [], "note": ""})
            for stage in stages:
                if stage not in item["stages"]:
                    item["stages"].append(stage)
            evidence.setdefault(slug, []).append(_evidence(ctx.text, start, end, 0.8, slug))
    return list(items.values()), evidence
