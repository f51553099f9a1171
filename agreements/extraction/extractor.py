"""Turn a government press release into a proposed agreement record with evidence.

The extractor is a set of small, explainable rules rather than a statistical model:
every value it proposes comes from a sentence it can quote, and when the rules cannot
decide (two candidate dates, a signatory with no country) the field is left empty with a
warning for the editor. Proposals are reviewed by people before they are published, so
a missing value costs a few seconds while a wrong one may slip through; hence precision
over recall throughout.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from .dates import MONTHS, WEEKDAYS, DateMention, find_dates
from .people import ON_BEHALF_RE, WINDOW_AFTER, WINDOW_BEFORE, Found, find_people, surnames
from .text import Release, Sentence, parse_release, quoted_spans
from .vocabulary import CITY_COUNTRY, VENUE_CITY, Vocabulary, gazetteer

Evidence = dict[str, Any]

# ---------------------------------------------------------------------------
# Lexicons
# ---------------------------------------------------------------------------

#: Agreement nouns -> kind. Order matters: longer, more specific phrases first.
KIND_PATTERNS: list[tuple[str, str]] = [
    (
        r"memorand(?:um|a) of (?:understanding|cooperation|co-operation)|\bMoUs?\b|\bMOUs?\b|"
        r"\bmemos?\b",
        "memorandum_of_understanding",
    ),
    (r"(?:joint )?(?:declaration|statement|letter) of intent", "statement_of_intent"),
    (r"\bmemorand(?:um|a)\b", "memorandum_of_understanding"),
    (r"joint (?:statement|declaration|communiqu[eé])", "joint_statement"),
    (r"road ?map|plan of action|action plan", "roadmap"),
    (r"framework agreement", "framework"),
    (r"\btreaty\b", "treaty"),
    (r"administrative arrangement|\barrangement\b|\bcompact\b", "other"),
    (r"\bframework\b", "framework"),
    (r"\bpartnership\b", "partnership"),
    (r"\bagreements?\b|\baccord\b|\bdeal\b", "agreement"),
    (r"\bstatement\b", "joint_statement"),
    (r"\bdialogue\b", "other"),
    # "signed a declaration on cooperation in critical minerals"
    (r"\bdeclaration\b", "joint_statement"),
]
KIND_RE = re.compile("|".join(f"(?:{p})" for p, _ in KIND_PATTERNS), re.IGNORECASE)
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

SIGN_RE = re.compile(r"\b(?:signed|signs|sign|signing|inked|initialled)\b", re.IGNORECASE)
PLANNED_BEFORE_RE = re.compile(
    r"\b(?:will|shall|would|could|might|(?-i:may)|likely|hopes?|to|due|expected|plans?|"
    r"planning|intends?|set|ahead of|before|upcoming|forthcoming)\b[^.;:]*$",
    re.IGNORECASE,
)
PAST_BEFORE_RE = re.compile(r"\b(?:has|have|had|was|were|today|yesterday)\b", re.IGNORECASE)
ACTION_RE = re.compile(
    r"\b(?:released|issued|issues?|set up|sets up|launched|launches|agreed|established|unveiled|"
    r"announced|announces|announce|concluded|adopted|entered into|signed|created|endorsed)\b",
    re.IGNORECASE,
)
MINERAL_TOPIC_RE = re.compile(
    r"critical minerals?|raw materials?|\bminerals?\b|rare earths?|\bmetals\b|mining",
    re.IGNORECASE,
)
MENTION_ONLY_RE = re.compile(
    r"\b(?:including|such as|like|list of|other countries|similar|previous(?:ly)?|"
    r"last year|earlier this year|already|imported from|dominated by|reliance on|"
    r"rely on|away from)\b",
    re.IGNORECASE,
)
IN_FORCE_RE = re.compile(
    r"entered into force|came into force|comes into force|into effect immediately|"
    r"effective immediately|effective upon signature|entered into force immediately",
    re.IGNORECASE,
)
NON_BINDING_RE = re.compile(
    r"non-binding|not legally binding|legally non-binding|no legally binding|"
    r"does not create (?:any )?legally binding|not binding",
    re.IGNORECASE,
)
BINDING_RE = re.compile(r"legally binding|binding agreement|binding obligations", re.IGNORECASE)
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

CITY_RE = re.compile(
    r"(?<![\w])("
    + "|".join(re.escape(c) for c in sorted(CITY_COUNTRY, key=len, reverse=True))
    + r")(?![\w])"
)

DATELINE_RE = re.compile(
    r"^(?P<city>[A-Z][A-Za-z .'\-]+?)(?:,\s*[A-Z][A-Za-z.]+)?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+(?: \d{4})?))?"
    r"\s*(?:/[A-Z]+/)?\s*(?:--|—|–|-|,|:|$)"
)


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


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Parties
# ---------------------------------------------------------------------------


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
    groups.sort(key=lambda g: g[0])
    return [(g, conf) for _, g, conf in groups]


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
    return _member_list(ctx)


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


# ---------------------------------------------------------------------------
# Signing events, signatories, dates, places
# ---------------------------------------------------------------------------


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
WITNESS_RE = re.compile(
    r"\b(?:in the presence of|witnessed by|witnessed|witnessing|witness(?:es)?)\b", re.IGNORECASE
)
#: What follows a signing to come: "the signing of the memorandum is scheduled for ...",
#: "the signing ceremony will take place on ...".
SCHEDULED_AFTER_RE = re.compile(
    r"[^,;]{0,120}?\b(?:(?:is|are)\s+(?:(?:now|also)\s+)?(?:scheduled|expected|planned|set|"
    r"due|slated|to\s+take\s+place|to\s+be\s+held)|will\s+(?:take\s+place|be\s+held))\b",
    re.IGNORECASE,
)
#: Wording that announces a signing to come, or talks instead of signing.
PLANNED_RE = re.compile(
    r"\b(?:will|shall|is|are|was|were)\s+(?:(?:also|now)\s+)?(?:expected|set|due|scheduled|"
    r"poised|going)\s+to\b|\b(?:agreed|agree|plans?|planning|intends?|intend|aims?|decided)\s+"
    r"to\s+(?:negotiate|begin|start|launch|open|work towards|conclude|explore|develop|sign)\b|"
    r"\bwill\s+(?:sign|negotiate|conclude|finali[sz]e)\b|\b(?:launch(?:ed)?|open(?:ed)?|"
    r"start(?:ed)?|begin|began)\s+negotiations\b",
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
            elif verb in ("signed", "inked", "initialled"):
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
    return events


def _title_case(text: str) -> bool:
    """Most words capitalised, as in headlines written in title case."""
    words = re.findall(r"[^\W\d_][\w’'-]*", text)
    long_words = [w for w in words if len(w) > 3]
    return len(long_words) >= 4 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)


def _roles_around(ctx: _Context, ev: SignEvent) -> list[tuple[Found, str, str]]:
    """People a signing sentence names, with their role and side of the verb.

    Grammar read, in a window around the verb: the subject ("Minister X and Minister Y
    signed", "X signed"), the agent ("was signed by X and Y"), the partner ("signed ...
    with X"), and witnesses ("in the presence of X", "X witnessed the signing"). People
    followed by "said", or in a relative clause, are not the subject.
    """
    text = ctx.text
    s = ev.sentence
    lo = max(s.start, ev.verb_start - WINDOW_BEFORE)
    hi = min(s.end, ev.verb_end + WINDOW_AFTER)
    key = (s.start, s.end)
    if s.is_headline and _title_case(s.text):
        return []  # "... to Strengthen Electric Vehicle Battery Value Chain": not names
    if key not in ctx.people:
        ctx.people[key] = find_people(ctx, s.start, s.end)
    found = [p for p in ctx.people[key] if lo <= p.start and p.end <= hi]
    result: list[tuple[Found, str, str]] = []
    after = text[ev.verb_end : hi]
    # "signed by", also past a date or place: "signed on 13 July by", "signed in Kyiv by"
    by = re.match(BY_RE, after)
    witness_at = WITNESS_RE.search(text, lo, hi)
    # "In the presence of X and Y, A signed": the phrase runs to the next comma or the verb.
    zones = []
    for w in re.finditer(
        r"\b(?:in (?:the )?presence of|witnessed by)\b", text[lo:hi], re.IGNORECASE
    ):
        zs = lo + w.end()
        comma = text.find(",", zs, hi)
        ze = ev.verb_start if zs < ev.verb_start else hi
        if comma >= 0:
            ze = min(ze, comma)
        zones.append((zs, ze))
    # "Minister X welcomed the MoU signed by the agencies": "signed" modifies the
    # instrument; the people before it are not its subject.
    modifier = _modifies_instrument(text, lo, ev)
    for p in found:
        if p.name_end <= ev.verb_start:
            if ev.nominal or modifier:
                continue
            if OBJECT_OF_BEFORE_RE.search(text, max(s.start, p.start - 30), p.start):
                continue  # "After talks with Prime Minister X, Y signed": X did not sign
            between = text[p.end : ev.verb_start]
            if SIGN_RE.search(between):
                continue  # "A signed on X and B signed on Y": A is the subject of the first
            # "Landau, who previously served as ambassador, signed": a clause between
            # commas describes the subject
            described = RELATIVE_CLAUSE_RE.fullmatch(between) and not any(
                q is not p and p.end <= q.start and q.end <= ev.verb_start for q in found
            )
            if WHO_SIGNED_RE.fullmatch(between) and ev.tense == "past":
                # "Madeleine King, who signed the MoU for Australia, said ...": the
                # relative clause's antecedent signed
                result.append((p, "signatory", "subject"))
                continue
            if not described and re.search(
                r"[;:]|\b(?:said|says|who|which|when|after|while|that)\b", between
            ):
                continue
            if len(between) > 120 and not re.fullmatch(
                r"[\s,]*(?:today|yesterday|also)?[\s,]*", between
            ):
                # the subject is next to its verb, or a list of people ends next to it
                if not any(
                    q is not p and q.start >= p.end and q.name_end <= ev.verb_start for q in found
                ):
                    continue
            if ev.tense == "witness" or any(zs <= p.start and p.end <= ze for zs, ze in zones):
                result.append((p, "witness", "subject"))
            else:
                result.append((p, "signatory", "subject"))
        else:
            gap = text[ev.verb_end : p.start]
            if re.search(r"[;:]", gap):
                continue
            if any(zs <= p.start and p.end <= ze for zs, ze in zones) or (
                witness_at and ev.verb_end <= witness_at.start() < p.start
            ):
                result.append((p, "witness", "object"))
            elif (
                re.search(r",\s*represented\s+by\s+(?:its\s+|their\s+|the\s+)?$", gap)
                and ev.tense == "past"
            ):
                # "signed between A, represented by X, and B, represented by Y"
                result.append((p, "signatory", "subject"))
            elif SIGNING_FOR_RE.fullmatch(gap) and not ev.nominal:
                # "Signing for India was Minister X"
                result.append((p, "signatory", "subject"))
            elif by and BY_LIST_RE.fullmatch(
                _without_people(text, found, ev.verb_end + by.start("by"), p.start)
            ):
                result.append((p, "signatory", "subject"))
            elif (
                ev.tense == "past"
                and not ev.nominal
                and ELLIPSIS_RE.fullmatch(gap)
                and ON_BEHALF_RE.match(text[p.name_end : p.name_end + 40])
            ):
                # "X signed on behalf of A and Y on behalf of B": Y signed too
                result.append((p, "signatory", "subject"))
            elif (
                re.search(r"\bwith\s+", gap)
                and len(gap) < 160
                and not re.search(r"\b(?:said|says|who|which|to)\b[^,]*\bwith\b", gap)
                and not OTHER_WITH_RE.search(gap)
            ):
                result.append((p, "signatory", "partner"))
    # "with the Prime Ministers attending the signing ceremony": present, not signing; the
    # whole list the phrase closes.
    attending = {
        side
        for p, _, side in result
        if side == "partner" and ATTENDING_LATER_RE.match(text[p.end : min(s.end, p.end + 160)])
    }
    return [
        (p, "witness" if side in attending and side != "subject" else role, side)
        if not ATTENDING_RE.match(text[p.end : p.end + 40])
        else (p, "witness", side)
        for p, role, side in result
    ]


#: A person named as the object of another phrase before the verb: "after talks with",
#: "hosted by", "a meeting with" ("together with X" and "along with X" are co-signers).
OBJECT_OF_BEFORE_RE = re.compile(
    r"(?<!together )(?<!along )\b(?:with|hosted by|met|meeting|from|to)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
#: What lies between "X signed" and Y in "X signed on behalf of A and Y on behalf of B".
ELLIPSIS_RE = re.compile(
    r"\s+(?:on behalf of|for)\s+(?:the\s+)?[\w ,.’'-]{2,60}?(?:,\s*|\s+)(?:and|while|whereas)\s+"
)
#: "signed the MoU after a meeting with X", "and later met with X": X is met, not a
#: co-signer.
OTHER_WITH_RE = re.compile(
    r"\b(?:meetings?|talks|discussions|met|meet|meets|spoke|talked|visit|call|conversation|"
    r"consultations|dinner|lunch|summit|bilateral)\s+with\s+[^,;]*$",
    re.IGNORECASE,
)
#: "X, who signed": the person the relative clause describes is the signer.
WHO_SIGNED_RE = re.compile(r"\s*,\s*who\s+(?:also\s+|jointly\s+|personally\s+)?")
#: "Signing for India was X": the gap between the verb and the signer.
SIGNING_FOR_RE = re.compile(
    r"\s+(?:for|on behalf of)\s+(?:the\s+)?[A-Z][\w-]*(?:\s[A-Z][\w-]*)?\s+(?:was|were)\s+"
)
#: ", who previously served as US ambassador to Mexico, ": a clause describing the
#: subject, between the subject and its verb.
RELATIVE_CLAUSE_RE = re.compile(r"\s*,\s*who\s+(?!said|says|told|added)[^,;:]{1,100},\s*")
ATTENDING_LATER_RE = re.compile(
    r"^[^.;]{0,140}?\b(?:attending|attended|looking on|in attendance|(?:were|was) present)\b"
)
#: What may stand between "signed by" and each of the people it lists.
BY_LIST_RE = re.compile(
    r"\s*by\s+(?:(?:and|the|both|as well as|,|on behalf of(?: the)?(?: [A-Z][\w’'-]*)+|"
    r"on the [A-Z][\w-]* side(?: by)?|"
    r"(?:in|at) [A-Z][\w’'-]*(?: [A-Z][\w’'-]*)?)\s*|\s+)*"
)
BY_RE = re.compile(
    r"\s+(?:(?:on|in|at)\s+[\w ,.]{1,30}?\s+|(?:today|yesterday|here),?\s+|"
    # "witnessed the signing of the memorandum by X and Y"
    r"of\s+(?:the|a|an|this|their)\s+[\w -]{1,60}?\s+)?(?P<by>by)\s+"
)
ATTENDING_RE = re.compile(
    r"\s*(?:\([^)]{0,20}\)\s*)?,?\s*(?:(?:were|was|are|is)\s+(?:also\s+)?)?(?:attending|"
    r"attended|looking on|in attendance|present|watching|witnessing)\b"
)


def _without_people(text: str, found: list[Found], start: int, end: int) -> str:
    """``text[start:end]`` with the people (names and offices) in it taken out."""
    parts, cursor = [], start
    for q in found:
        if start <= q.start and q.end <= end and q.start >= cursor:
            parts.append(text[cursor : q.start])
            cursor = q.end
    parts.append(text[cursor:end])
    return " ".join(parts)


def _assign_parties(
    ctx: _Context, sides: list[list[Found]], parties: list[str], facing: bool
) -> None:
    """Fill in the parties the offices did not give, from the shape of the sentence.

    ``sides`` are the two sides of "A signed with B" (``facing``), or one group acting
    together ("A and B signed"). Two sides of a signing represent different parties; two
    people signing together a bilateral agreement are one from each party; an official
    named without a country is the publisher's own. Only one unknown per side is ever
    filled in: "Secretary X and Foreign Minister Y signed" stays unknown for both.
    """
    pair = len(parties) == 2
    if facing:
        for this, other in ((sides[0], sides[1]), (sides[1], sides[0])):
            missing = [p for p in this if p.party is None]
            known = {p.party for p in other if p.party}
            if pair and len(missing) == 1 and not any(p.party for p in this) and len(known) == 1:
                (q,) = known
                if q in parties:
                    missing[0].party = next(c for c in parties if c != q)
                    missing[0].party_source = "sentence"
        for this, other in ((sides[0], sides[1]), (sides[1], sides[0])):
            missing = [p for p in this if p.party is None]
            known = {p.party for p in other if p.party}
            if ctx.home and len(missing) == 1 and ctx.home not in known:
                if not parties or ctx.home in parties or (known and not known & {ctx.home}):
                    missing[0].party, missing[0].party_source = ctx.home, "context"
        return
    group = sides[0]
    missing = [p for p in group if p.party is None]
    known = {p.party for p in group if p.party}
    if len(missing) != 1:
        return
    if pair and len(group) == 2 and len(known) == 1 and known <= set(parties):
        (q,) = known
        missing[0].party = next(c for c in parties if c != q)
        missing[0].party_source = "sentence"
    elif ctx.home and len(group) == 1 and (not parties or ctx.home in parties):
        missing[0].party, missing[0].party_source = ctx.home, "context"


def extract_signatories(ctx: _Context, events: list[SignEvent], parties: list[str]) -> list[Person]:
    """People reported as signing (or witnessing) the agreement, with office and party.

    A person's party comes from the office ("UK's Minister", "Minister of Foreign Affairs of
    Chile", a Commissioner is the EU's) or from their earlier signatures in the database;
    failing that, from the sentence (see ``_assign_parties``).
    """
    people: dict[str, Person] = {}
    several = bool(SEVERAL_RE.search(ctx.text))
    for ev in events:
        if ev.tense not in ("past", "witness", "present") or ev.relevance < 0:
            continue
        if several and ev.tense == "past" and not ev.nominal:
            # "X signed the MoU on Defence and Security": another of the instruments
            obj = SIGN_RE.split(ctx.text[ev.verb_end : ev.sentence.end], maxsplit=1)[0]
            obj = re.split(r"\s+and\s+(?=[A-Z])", obj, maxsplit=1)[0]
            if TOPIC_OBJECT_RE.match(obj) and not SUBJECT_WORDS_RE.search(obj):
                continue
        named = _roles_around(ctx, ev)
        if ev.tense == "past" and not any(side == "subject" for _, _, side in named):
            for earlier in _antecedents(ctx, ev):
                named.append((earlier, "signatory", "subject"))
        subject = [p for p, role, side in named if role == "signatory" and side == "subject"]
        partner = [p for p, role, side in named if role == "signatory" and side == "partner"]
        witnesses = [p for p, role, _ in named if role == "witness"]
        if not partner and len(parties) == 2:
            # "Minister X signed the MoU with Australia": X signs for the other party
            missing = [p for p in subject if p.party is None]
            facing_code = _partner_country(ctx, ev)
            if len(subject) == 1 and missing and facing_code in parties:
                missing[0].party = next(c for c in parties if c != facing_code)
                missing[0].party_source = "sentence"
        _assign_parties(ctx, [subject, partner], parties, facing=bool(partner))
        _assign_parties(ctx, [witnesses], parties, facing=False)
        for p, role, _ in named:
            key = p.name.lower()
            person = Person(
                p.name,
                p.name_start,
                p.name_end,
                p.office,
                p.party,
                role,
                ev.sentence,
                p.party_source in ("context", "sentence"),
            )
            known_person = people.get(key)
            if (
                known_person is None
                or (known_person.role == "witness" and role == "signatory")
                or (known_person.party is None and p.party is not None)
                or (not known_person.office and p.office)
            ):
                people[key] = person
    if any(ev.tense == "past" and ev.relevance >= 0 for ev in events):
        for person in _representatives(ctx, parties):
            people.setdefault(person.name.lower(), person)
        for person in _listed_signatories(ctx):
            known_person = people.get(person.name.lower())
            if known_person is None or known_person.party is None:
                people[person.name.lower()] = person
    result = []
    for p in people.values():
        if p.party is None and not p.office:
            # a name with neither office nor country is as likely a company or a leader
            # overseeing the signing as a signatory: named for the editor, not proposed
            ctx.warnings.append(f"{p.name} is named at the signing without office or party")
            continue
        if p.party is None:
            ctx.warnings.append(f"could not tell which party {p.name} represents")
        result.append(p)
    return result


#: "signed the MoU with Australia", "signed an agreement with the United States on ...".
WITH_COUNTRY_RE = re.compile(r"\bwith\s+(?:the\s+)?(?:[Gg]overnment\s+of\s+(?:the\s+)?)?")


def _partner_country(ctx: _Context, ev: SignEvent) -> str | None:
    """The party named right after "with" in the signing's clause, if any."""
    clause_end = min(ev.sentence.end, ev.verb_end + 120)
    stop = re.search(r"[,;:]", ctx.text[ev.verb_end : clause_end])
    if stop:
        clause_end = ev.verb_end + stop.start()
    m = WITH_COUNTRY_RE.search(ctx.text, ev.verb_end, clause_end)
    if m is None:
        return None
    mention = next(iter(ctx.mentions_in(m.end(), clause_end + 40)), None)
    if mention is None or mention.start != m.end():
        return None
    after = ctx.text[mention.end : mention.end + 2]
    if re.match(r"[’']s|\s[A-Z]", after):
        return None  # "with Australia's Minister X", "with Australian Minister X": a person
    return mention.code


#: "The signatories for Australia were X and Y": the people listed sign for that party.
SIGNATORIES_FOR_RE = re.compile(
    r"\b[Ss]ignator(?:y|ies)\s+(?:for|of|from|on behalf of)\s+(?:the\s+)?"
    r"(?P<party>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s+(?:was|were|included|are|is)\s+"
)
#: What may stand between the people of such a list.
LIST_JOIN_RE = re.compile(r"(?:\s*(?:,|and|as well as)\s*)*")


def _listed_signatories(ctx: _Context) -> list[Person]:
    """People listed after "The signatories for <party> were" (a release reporting the
    signing), each with that party."""
    result: list[Person] = []
    for s in ctx.sentences:
        if ctx.is_quoted(s) or "ignator" not in s.text:
            continue
        for m in SIGNATORIES_FOR_RE.finditer(ctx.text, s.start, s.end):
            mention = next(iter(ctx.mentions_in(m.start("party"), m.end("party") + 1)), None)
            if mention is None or mention.start != m.start("party"):
                continue
            key = (s.start, s.end)
            if key not in ctx.people:
                ctx.people[key] = find_people(ctx, s.start, s.end)
            cursor = m.end()
            for p in ctx.people[key]:
                if p.start < m.end():
                    continue
                if not LIST_JOIN_RE.fullmatch(ctx.text, cursor, p.start):
                    break
                result.append(
                    Person(p.name, p.name_start, p.name_end, p.office, mention.code, "signatory", s)
                )
                cursor = p.end
    return result


#: "the minister signed", "the two ministers signed": an office standing for the person
#: (or the two people) named with it just before.
ANAPHOR_RE = re.compile(
    r"\b(?:[Tt]he|(?P<two>[Tt]he two|[Bb]oth))\s+(?P<head>[Mm]inister|[Ss]ecretary|"
    r"[Cc]ommissioner|[Aa]mbassador|[Pp]resident|[Pp]remier|[Cc]hancellor|[Gg]overnor)"
    r"(?(two)s|)\s+(?:also\s+|then\s+|jointly\s+)?$"
)
#: How many sentences back the person "the minister" stands for may be named.
ANAPHOR_REACH = 3


def _antecedents(ctx: _Context, ev: SignEvent) -> list[Found]:
    """The people "the minister" / "the two ministers" before the verb stand for: the one
    (or two) people with that office head named in the sentence or the few before it; none
    when more could be meant."""
    s = ev.sentence
    m = ANAPHOR_RE.search(ctx.text, max(s.start, ev.verb_start - 40), ev.verb_start)
    if m is None or s.is_headline:
        return []
    head = m.group("head").lower()
    candidates: dict[str, Found] = {}
    sentence: Sentence | None = s
    for _ in range(ANAPHOR_REACH + 1):
        if sentence is None or sentence.is_headline:
            break
        key = (sentence.start, sentence.end)
        if key not in ctx.people:
            ctx.people[key] = find_people(ctx, sentence.start, sentence.end)
        for p in ctx.people[key]:
            if p.end <= m.start() and re.search(rf"\b{head}\b", p.office.lower()):
                candidates.setdefault(p.name.lower(), p)
        if candidates:
            break
        sentence = ctx.previous(sentence)
    if len(candidates) != (2 if m.group("two") else 1):
        return []
    return list(candidates.values())


REPRESENTED_RE = re.compile(r"\b(?:was|were)\s+represented\s+by\s+")


def _representatives(ctx: _Context, parties: list[str]) -> list[Person]:
    """ "The U.S. side was represented by Secretary X": in a release reporting a signing,
    the person who represented a party at it, with that party."""
    found = []
    for s in ctx.sentences:
        if ctx.is_quoted(s):
            continue
        m = REPRESENTED_RE.search(s.text)
        if not m:
            continue
        at = s.start + m.end()
        side = {x.code for x in ctx.mentions_in(s.start, s.start + m.start())}
        if len(side) != 1 or (parties and not side <= set(parties)):
            continue
        (code,) = side
        people = [p for p in find_people(ctx, at, s.end) if p.start == at]
        for p in people[:1]:
            found.append(
                Person(p.name, p.name_start, p.name_end, p.office, code, "signatory", s, False)
            )
    return found


def _best_events(events: list[SignEvent], tenses: tuple[str, ...]) -> list[SignEvent]:
    chosen = [e for e in events if e.tense in tenses and e.relevance >= 0]
    return sorted(chosen, key=lambda e: (-e.relevance, e.sentence.start))


def _lead_date(ctx: _Context, events: list[SignEvent]) -> tuple[dt.date | None, DateMention | None]:
    """When only the headline reports the signing ("Canada and the UK Sign ..."), the
    release's lead dates it: "Today, the ministers announced ..." in its first sentences."""
    past = [e for e in events if e.tense == "past" and e.relevance >= 0]
    if not past or any(not e.sentence.is_headline for e in past):
        return None, None
    for s in ctx.sentences[1:9]:
        if ctx.is_quoted(s) or not (ACTION_RE.search(s.text) or SIGN_RE.search(s.text)):
            continue
        if not KIND_RE.search(s.text):
            continue  # "Today, the minister also visited a mine": not the instrument's day
        for d in find_dates(ctx.text, s.start, s.end, ctx.published_on):
            if d.relative and d.value == ctx.published_on:
                return d.value, d
    return None, None


#: A date that belongs to the report, not to the signing: "WAM reported on Friday".
REPORTED_RE = re.compile(
    r"\b(?:reported|said|says|announced|stated|told|published|added|confirmed|released|issued|"
    r"informed)"
    r"\s+(?:here\s+)?(?:on\s+)?"
    # "said on Thursday (March 12)": the same day restated in brackets
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\s*\(\s*)?$",
    re.IGNORECASE,
)


#: A month or a year: a sentence that dates the signing vaguely ("in November") is not
#: dated by its lead.
VAGUE_DATE_RE = re.compile(r"\b(?:" + _MONTHS_RE + r"|(?:19|20)\d\d)\b|\b[Ll]ast\s+\w+|\brecent")
#: What a lead that dates the signing reports: a meeting, an agreement, a signing.
LEAD_EVENT_RE = re.compile(
    r"\b(?:agreed|met|held|hosted|talks|summit|meeting|entered|signed|signing|"
    r"concluded|launched|adopted|endorsed|inked|sealed)\b",
    re.IGNORECASE,
)
LEAD_MIN_WORDS = 8
#: A meeting the signing may have crowned.
LEAD_MEETING_RE = re.compile(
    r"\b(?:met|talks|summit|meeting|held|hosted|signed|signing|inked|agreed)\b", re.IGNORECASE
)
LEAD_REPORT_RE = re.compile(
    r"\b(?:disclos\w*|announce\w*|press conference|told reporters)\b", re.IGNORECASE
)
#: How many body sentences make the lead.
LEAD_SENTENCES = 3
#: A visit or event of several days names no single day for a signing during it.
MULTI_DAY_RE = re.compile(
    r"\b(?:two|three|four|five|six|seven|2|3|4|5|6|7)[- ]days?\b|\bweek-long\b|"
    r"\b(?:state|official|working)\s+visit\b",
    re.IGNORECASE,
)
#: The lead's date stands for an undated signing only when it is this recent.
LEAD_DAYS = 7


def _undated_signing_date(
    ctx: _Context, events: list[SignEvent]
) -> tuple[dt.date | None, DateMention | None]:
    """ "The two sides signed an MoU", undated, in a release whose lead dates the meeting
    ("agreed Friday", "On February 19 2024, ..."): the one recent date of the lead.

    Only when every sentence reporting the signing is undated (no month, year or "last
    ..."), the lead names a single day, no later than the publication and at most a week
    before it.
    """
    past = [e for e in events if e.tense in ("past", "witness") and e.relevance >= 0]
    if not past:
        return None, None
    if any(VAGUE_DATE_RE.search(e.sentence.text) for e in past if not e.sentence.is_headline):
        return None, None
    if any(
        find_dates(ctx.text, e.sentence.start, e.sentence.end, ctx.published_on)
        for e in past
        if not e.sentence.is_headline
    ):
        return None, None  # the signing's own sentence is dated, and that date was refused
    lead = [s for s in ctx.sentences if not s.is_headline and not ctx.is_quoted(s)][:LEAD_SENTENCES]
    for s in lead:
        if BACKGROUND_TIME_RE.search(s.text) and _background_time(ctx, s.text):
            return None, None
        if LEAD_REPORT_RE.search(s.text):
            return None, None  # the lead dates an announcement, not the signing
        if len(s.text.split()) < LEAD_MIN_WORDS:
            continue  # a dateline or "Date published: 6 April 2023", not an account
        if not LEAD_EVENT_RE.search(s.text) or MULTI_DAY_RE.search(s.text):
            return None, None  # the lead is the first account: it tells of no single event
        if not (KIND_RE.search(s.text) or LEAD_MEETING_RE.search(s.text)):
            return None, None  # "Today, the minister launched a fund": another event
        if any(e.tense == "planned" and e.sentence.start == s.start for e in events):
            return None, None  # "Once signed on Tuesday, ...": a signing to come
        dates = [
            d
            for d in find_dates(ctx.text, s.start, s.end, ctx.published_on)
            if _may_date_signing(ctx, s, d)
        ]
        if not dates:
            return None, None  # the first account of the lead does not date it
        values = {d.value for d in dates}
        if len(values) != 1 or None in values:
            return None, None
        value = dates[0].value
        if value > ctx.published_on or (ctx.published_on - value).days > LEAD_DAYS:
            return None, None
        return value, dates[0]
    return None, None


#: "MOSCOW. Jan 12 (Interfax) -": the wire's date, not the signing's.
WIRE_DATELINE_RE = re.compile(r"\s*\((?:[A-Z][\w.&' -]{1,30})\)\s*(?:--|—|–|-)")
#: "which will take place 24-26 September": a date to come.
FUTURE_BEFORE_RE = re.compile(r"\b(?:will|to)\s+(?:take place|be held|run)\b[^.;,]*$")


SAME_DAY_RE = re.compile(r"\b(?:on\s+)?the\s+same\s+day\b", re.IGNORECASE)


#: How many sentences back "the same day" may point.
SAME_DAY_REACH = 3


def _day_before(ctx: _Context, s: Sentence) -> DateMention | None:
    """The last date named in the few sentences before ``s`` (not in the headline)."""
    prev = s
    for _ in range(SAME_DAY_REACH):
        prev = ctx.previous(prev)
        if prev is None or prev.is_headline:
            return None
        earlier = find_dates(ctx.text, prev.start, prev.end, ctx.published_on)
        if earlier:
            return earlier[-1]
    return None


#: "runs until Thursday", "since Monday": the edge of a period, not a day of signing.
SPAN_EDGE_RE = re.compile(r"\b(?:until|till|through|since|by)\s+(?:the\s+)?$", re.IGNORECASE)
#: ", who arrived in Riyadh on Monday, ": a clause about the subject's other doings.
SIDE_CLAUSE_RE = re.compile(r",\s*(?:who|which)\b[^,;:]{1,120},")

#: "Washington DC [US], October 4 : ...", "NEW DELHI, Nov 13 -": a dateline opening the
#: sentence; its date is the report's.
DATELINE_BEFORE_RE = re.compile(r"^[A-Z][\w.'’ ]{1,30}(?:\s*\[[\w. ]+\])?,?\s*$")
DATELINE_AFTER_RE = re.compile(r"(?:,?\s*\d{4})?\s*(?::|--|—|–|-(?!\w)|/)")


def _may_date_signing(ctx: _Context, s: Sentence, d: DateMention) -> bool:
    """Whether a date of sentence ``s`` may be the signing's: not the report's ("WAM
    reported on Friday", a wire dateline, a dateline opening the sentence) and not one to
    come ("will take place 24-26 September")."""
    text = ctx.text
    return not (
        REPORTED_RE.search(text[max(s.start, d.start - 25) : d.start])
        or SPAN_EDGE_RE.search(text[max(s.start, d.start - 12) : d.start])
        or any(
            c.start() <= d.start - s.start < c.end() and not SIGN_RE.search(c.group())
            for c in SIDE_CLAUSE_RE.finditer(s.text)
        )
        or WIRE_DATELINE_RE.match(text, d.end)
        or (
            DATELINE_BEFORE_RE.match(text[s.start : d.start])
            and DATELINE_AFTER_RE.match(text, d.end)
        )
        or FUTURE_BEFORE_RE.search(text[max(s.start, d.start - 40) : d.start])
    )


#: A signing dated this many days before the release is background to its news ("the
#: MoU signed on 12 June 2019"), not the signing it reports.
SIGNING_AGE_DAYS = 90
#: Verbs of another event or of the report: a date on their side of the sentence is
#: theirs ("the MoU, signed by the ministers, follows the dialogue held on 3 March",
#: "the Cabinet approved on Wednesday the MoU signed ...", "signed in September and
#: announced on Thursday"). Participles of a meeting ("a ceremony held on Monday") are
#: not among them: the signing's occasion dates it.
OTHER_EVENT_VERB_RE = re.compile(
    r"\b(?:approv(?:ed|es)|welcom(?:ed|es)|apprised|launch(?:ed|es)|adopted|reviewed|"
    r"discussed|announc(?:ed|es)|released|publish(?:ed|es)|visit(?:ed|s)|arrived|began|begins|"
    r"opened|opens|started|starts|follow(?:ed|s)|renewed|extended|ratified|marked|marks|"
    r"said|says|stated|told|noted|hailed|praised|unveiled|presented|received|"
    r"t(?:ook|akes?)\s+effect|effective|valid|expir(?:es|ed|y)|"
    r"(?:entered|came|comes|enters)\s+into\s+(?:force|effect))\b",
    re.IGNORECASE,
)
#: ", which opened on Tuesday" closing the sentence: a clause about something else.
TRAILING_SIDE_CLAUSE_RE = re.compile(r",\s*(?:who|which)\b[^,;:]{1,160}$")


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


def _date_of_other_event(ctx: _Context, ev: SignEvent, d: DateMention) -> bool:
    """Whether the words between the signing verb and date ``d`` tie the date to another
    event or to the report (``OTHER_EVENT_VERB_RE``, a trailing side clause), or the date
    comes before an instrument that "signed" only modifies ("apprised on Wednesday of the
    MoU signed between ...")."""
    s = ev.sentence
    lo, hi = (d.end, ev.verb_start) if d.end <= ev.verb_start else (ev.verb_end, d.start)
    if OTHER_EVENT_VERB_RE.search(ctx.text, lo, hi):
        return True
    if d.end <= ev.verb_start and _modifies_instrument(ctx.text, d.end, ev):
        return True
    if d.start > ev.verb_end:
        side = TRAILING_SIDE_CLAUSE_RE.search(ctx.text, ev.verb_end, s.end)
        if side and side.start() <= d.start and not SIGN_RE.search(side.group()):
            return True
    return False


def extract_signing_date(
    ctx: _Context, events: list[SignEvent]
) -> tuple[dt.date | None, DateMention | None, SignEvent | None]:
    """Signing date from the dated sentence that reports the signing most directly."""
    best: list[tuple[SignEvent, DateMention]] = []
    ambiguous = False
    for ev in _best_events(events, ("past", "witness")):
        s = ev.sentence
        key = (s.start, s.end)
        if key not in ctx.dates:
            ctx.dates[key] = find_dates(ctx.text, s.start, s.end, ctx.published_on)
        dates = [
            d
            for d in ctx.dates[key]
            if _may_date_signing(ctx, s, d) and not _date_of_other_event(ctx, ev, d)
        ]
        if not dates and not ctx.dates[key] and SAME_DAY_RE.search(s.text):
            # "a ceremony was held the same day": the last day named in the sentences
            # just before
            day = _day_before(ctx, s)
            if day is not None and day.value is not None and day.value <= ctx.published_on:
                best.append((ev, day))
                continue
        if not dates:
            continue
        nearest = min(dates, key=lambda d: abs(d.start - ev.verb_start))
        if nearest.value is None:
            ambiguous = True
            continue
        if nearest.value > ctx.published_on:
            continue
        if (ctx.published_on - nearest.value).days > SIGNING_AGE_DAYS:
            continue  # an older signing the news refers to
        best.append((ev, nearest))
    if not best:
        if ambiguous:
            ctx.warnings.append("signing date is ambiguous (a range of days); left empty")
        return None, None, None
    top_ev, top_date = best[0]
    rivals = {d.value for ev, d in best if ev.relevance == top_ev.relevance}
    if len(rivals) > 1:
        ctx.warnings.append("conflicting signing dates in the release; left empty")
        return None, None, None
    return top_date.value, top_date, top_ev


PLACE_AFTER_RE = re.compile(
    r"\b(?P<prep>in|at)\s+(?:the\s+)?"
    # "in a Santiago ceremony"
    r"(?:an?\s+(?=[A-Z][\w’'.\-]*\s+(?:ceremony|event|meeting|signing)\b))?"
    # "in the Canadian capital of Ottawa", "in Peruvian capital Lima", "in central Seoul"
    r"(?:(?:[A-Z][\w’'-]*\s+)?capital(?:\s+city)?(?:,|\s+of)?\s+|"
    r"(?:central|downtown|northern|southern|eastern|western)\s+)?"
    r"(?P<place>(?:[A-Z][\w’'.\-]*)(?:,?\s+[A-Z][\w’'.\-]*){0,2})"
)
#: "the US Embassy in Islamabad", "the University of X in Y": the city belongs to the
#: name of a body, not to the signing.
BODY_BEFORE_PLACE_RE = re.compile(
    r"\b(?:Embassy|Consulate|Mission|Delegation|Office|Ministry|University|Institute|"
    r"Chamber|Bureau|Headquarters|Centre|Center|"
    # "a new processing plant in Perth": where an asset is, not the signing
    r"plants?|facility|facilities|projects?|mines?|refinery|refineries|factory|factories|"
    r"smelters?|hub|port|operations|deposits?)\s*$"
)
#: How far from the signing verb a place named only by the gazetteer may be.
PLACE_REACH = 150
NOT_PLACE_WORDS = {
    *(m.capitalize() for m in MONTHS),
    *(d.capitalize() for d in WEEKDAYS),
}


def _city_in(ctx: _Context, ev: SignEvent) -> tuple[str, str, int, int] | None:
    """Where a signing took place: "in <Place>"/"at <Place>" in its sentence.

    Places of the hand-kept table count anywhere in the sentence; any other city of the
    gazetteer only close to the signing verb, and never a country, a month or a day (the
    agreement's place is a city: "signed in Australia" leaves the place empty).
    """
    s = ev.sentence
    text = ctx.text
    best: tuple[int, str, str, int, int] | None = None
    others: list[str | None] = []
    gazetteer = ctx.places
    for m in PLACE_AFTER_RE.finditer(text, s.start, s.end):
        if m.group("prep") == "in" and BODY_BEFORE_PLACE_RE.search(
            text[max(s.start, m.start() - 20) : m.start()]
        ):
            continue
        words = m.group("place")
        offset = m.start("place")
        # the longest leading run of words that names a place
        parts = list(re.finditer(r"[^\s,]+", words))
        for n in range(len(parts), 0, -1):
            phrase = words[: parts[n - 1].end()]
            if phrase not in CITY_COUNTRY:
                phrase = phrase.rstrip(".")  # a sentence's full stop ("... in Lima.")
            if phrase in VENUE_CITY:
                break  # "at the White House": a building; the place is a city
            city = CITY_COUNTRY.get(phrase)
            near = abs(offset - ev.verb_start) <= PLACE_REACH
            if city is None and near and phrase not in NOT_PLACE_WORDS:
                if phrase not in ctx.vocab.party_names:
                    city = gazetteer.get(phrase)
                    nxt = text[offset + len(phrase) : offset + len(phrase) + 2]
                    if city and (re.match(r"[’']s|\s[A-Z]", nxt) or phrase.isupper()):
                        city = None  # "in Perth Mint", "in Lima's": part of a longer name
            if city is None and n == 1 and phrase not in NOT_PLACE_WORDS:
                # "at Catamarca, Argentina": a place the gazetteer lacks, named with its
                # country
                tail = re.match(
                    r",\s+(?:the\s+)?", text[offset + len(phrase) : offset + len(phrase) + 8]
                )
                if tail and phrase not in ctx.vocab.party_names:
                    at = offset + len(phrase) + tail.end()
                    mention = next(iter(ctx.mentions_in(at, at + 60)), None)
                    if mention is not None and mention.start == at:
                        city = mention.code
            if city and _background_time(
                ctx, text[offset + len(phrase) : offset + len(phrase) + 30]
            ):
                break  # "the G20 Summit in New Delhi in September 2023": another occasion
            if city:
                lo, hi = (
                    (offset + len(phrase), ev.verb_start)
                    if offset < ev.verb_start
                    else (ev.verb_end, offset)
                )
                if PLACE_OTHER_VERB_RE.search(text, lo, hi):
                    break  # "Speaking in Sydney, the minister said they had signed"
                distance = abs(offset - ev.verb_start)
                if distance <= PLACE_REACH:
                    others.append(VENUE_CITY.get(phrase, phrase))
                if best is None or distance < best[0]:
                    best = (distance, phrase, city, offset, offset + len(phrase))
                break
    if best is None:
        return None
    _, place, code, start, end = best
    if any(other is not None and other != VENUE_CITY.get(place, place) for other in others):
        return None  # "signed by X in Kyiv and Y in Washington": no single place
    return VENUE_CITY.get(place, place), code, start, end


#: Verbs of the report or of a journey: a place on their side of the signing verb is
#: where someone spoke or went, not where the signing took place.
PLACE_OTHER_VERB_RE = re.compile(
    r"\b(?:said|says|stated|told|speaking|spoke|announc(?:ed|es|ing)|noted|added|"
    r"visit(?:ed|s)|travell?ed|returned|left|arrived|flew)\b",
    re.IGNORECASE,
)


EVENT_REF_RE = re.compile(
    r"\b(?:during|at|on the sidelines of|on the margins of)\s+(?:the|this|that)\s+"
    r"(?P<event>talks|summit|visit|meeting|forum|conference)\b",
    re.IGNORECASE,
)


def _event_place(ctx: _Context, ev: SignEvent) -> tuple[str, str, int, int] | None:
    """ "During the talks, the two sides signed ...": the place of those talks, as the one or
    two sentences before name it ("summit talks held in the Kazakh capital of Astana")."""
    ref = EVENT_REF_RE.search(ev.sentence.text)
    if ref is None:
        return None
    word = ref.group("event").lower()
    previous, s = [], ev.sentence
    for _ in range(2):
        s = ctx.previous(s)
        if s is None or s.is_headline:
            break
        previous.append(s)
    for s in previous:
        m = re.search(
            rf"\b(?i:{word})\b[^.;]{{0,60}}?\b(?:in|at)\s+"
            r"(?:the\s+[A-Z]\w+\s+capital(?:,|\s+of)?\s+)?"
            r"(?P<place>[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)?)",
            s.text,
        )
        if not m:
            continue
        place = m.group("place")
        if place not in CITY_COUNTRY:
            place = place.rstrip(".")  # the sentence's full stop
        code = CITY_COUNTRY.get(place) or (
            ctx.places.get(place) if place not in ctx.vocab.party_names else None
        )
        if code and place not in VENUE_CITY:
            start = s.start + m.start("place")
            return place, code, start, start + len(place)
    return None


def _dateline(ctx: _Context) -> tuple[str, int, int] | None:
    """City of a dateline ("WASHINGTON --", "BERLIN, Germany, Aug. 26, 2025 /CNW/ -")."""
    for s in ctx.release.sentences[1:4]:
        m = DATELINE_RE.match(s.text)
        if not m:
            continue
        city = m.group("city").strip()
        for known in CITY_COUNTRY:
            if known.lower() == city.lower():
                return known, s.start + m.start("city"), s.start + m.start("city") + len(city)
    for s in ctx.release.sentences[1:4]:
        # "March 6, 2023 Toronto, Ontario": the date first, then the city
        m = DATED_DATELINE_RE.match(s.text)
        if m and m.group("city") in ctx.places and m.group("city") not in ctx.vocab.party_names:
            city = m.group("city")
            return city, s.start + m.start("city"), s.start + m.end("city")
    return None


def _wire_dateline(ctx: _Context, dl: tuple[str, int, int]) -> bool:
    """ "SEOUL, Jan 15 (Yonhap) --": the city of a news agency's bureau."""
    return bool(
        re.match(r"[^\n]{0,40}?\((?:[A-Z][\w.&' -]{1,30})\)\s*(?:--|—|–|-)", ctx.text[dl[2] :])
    )


def _other_city_named(ctx: _Context, events: list[SignEvent], city: str) -> bool:
    """Whether a sentence reporting the signing names a city other than the dateline's
    ("during the minister's visit to Seoul")."""
    for ev in events:
        for m in CITY_RE.finditer(ev.sentence.text):
            if m.group().lower() != city.lower() and not (
                ev.sentence.start + m.start() < ev.sentence.start + 40 and ev.sentence.index == 0
            ):
                return True
    return False


DATED_DATELINE_RE = re.compile(
    r"^(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})\s+"
    r"(?P<city>[A-Z][\w'.-]+(?: [A-Z][\w'.-]+)?),"
)


# ---------------------------------------------------------------------------
# Kind, minerals, summary
# ---------------------------------------------------------------------------


def _kind_of(phrase: str) -> str:
    for regex, kind in KIND_COMPILED:
        if regex.search(phrase):
            return kind
    return "other"


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
    r"markets?)\b",
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
SEVERAL_RE = re.compile(
    r"\b(?:[Oo]ther|several|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
    r"(?:MoUs|MOUs|memoranda|[Mm]emorand(?:um|a) of [Uu]nderstanding|agreements|deals)\b"
)
#: "signed on Elections", "signed the MoU of Cooperation on Defence": what an instrument
#: is about, right after the verb.
TOPIC_OBJECT_RE = re.compile(
    r"\s*(?:the\s+[\w -]{0,40}?\s+)?(?:on|of|in the field of|concerning|regarding)\s+"
    r"(?!behalf\b)\w"
)
#: Words of the agreement's subject; a signing of an instrument on something else (defence,
#: elections) in a release reporting several is not this agreement's.
SUBJECT_WORDS_RE = re.compile(
    r"mineral|mining|\bmines?\b|geolog|raw material|metal|rare earth|resource|lithium|cobalt|"
    r"nickel|copper|graphite|battery|batteries",
    re.IGNORECASE,
)


#: What the parties will do together: "the two sides will cooperate in the processing of
#: lithium", "areas of cooperation include rare earths".
SCOPE_RE = re.compile(
    r"\b(?:will|shall|to)\s+(?:\w+\s+){0,2}(?:co-?operat\w*|collaborat\w*|work\s+(?:together|"
    r"jointly))\b|\bareas?\s+of\s+(?:co-?operation|collaboration)\b",
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
        if ctx.is_quoted(s) or s.is_headline and not KIND_RE.search(s.text):
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
            if _proper_noun_use(ctx, start, end) or ctx.is_quoted(s, start):
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


def extract_summary(ctx: _Context) -> tuple[str, tuple[int, int] | None]:
    """First substantive sentence(s) of the body, without the dateline."""
    for s in ctx.sentences:
        if s.is_headline or ctx.is_quoted(s) or len(s.text) < 60:
            continue
        if re.match(r"^[-•*]\s", s.text):
            continue
        start = s.start
        dl = re.match(r"^[A-Z][A-Z .,'\-]+(?:,[^/]*?/[A-Z]+/)?\s*(?:--|—|–|-)\s+", s.text)
        if dl:
            start += dl.end()
        elif m := re.match(r"^[A-Z][A-Za-z .]+, [^/]{3,40}/[A-Z]+/\s*-\s*", s.text):
            start += m.end()
        summary = re.sub(r"\s+", " ", ctx.text[start : s.end]).strip()
        return summary, (start, s.end)
    return "", None


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def extract(
    text: str,
    published_on: dt.date,
    vocabulary: Vocabulary,
    source_url: str | None = None,
    publisher: str | None = None,
) -> Extraction:
    """Propose an agreement record for a press release published on ``published_on``."""
    ctx = _Context(text, published_on, vocabulary, source_url, publisher)
    evidence: dict[str, list[Evidence]] = {}
    warnings = ctx.warnings

    parties, party_evidence = extract_parties(ctx)
    events = find_sign_events(ctx, parties)
    people = extract_signatories(ctx, events, parties)
    signing_parties = {p.party for p in people if p.role == "signatory" and p.party}
    for p in people:
        if (
            p.role == "signatory"
            and p.party
            and p.party not in parties
            and p.party in vocabulary.parties
            and (not p.party_from_context or len(signing_parties) >= 2)
        ):
            parties.append(p.party)
            party_evidence[p.party] = [_sentence_evidence(p.sentence, 0.7, p.party)]
    if not parties:
        warnings.append("parties not found")
    elif len(parties) == 1:
        warnings.append("only one party found")

    signed_on, date_mention, date_event = extract_signing_date(ctx, events)
    if signed_on is None:
        signed_on, date_mention = _lead_date(ctx, events)
    lead_dated = False
    if signed_on is None and not any("ambiguous" in w or "conflicting" in w for w in warnings):
        signed_on, date_mention = _undated_signing_date(ctx, events)
        lead_dated = signed_on is not None
    past = _best_events(events, ("past", "witness", "present"))
    planned = _best_events(events, ("planned",))
    status: str | None = None
    status_ev: SignEvent | None = None
    if past and any(e.tense != "present" for e in past):
        status, status_ev = "signed", next(e for e in past if e.tense != "present")
    elif planned:
        status, status_ev = "planned", planned[0]
    else:
        intent = next(
            (x for x in ctx.sentences if not ctx.is_quoted(x) and PLANNED_RE.search(x.text)), None
        )
        if intent is not None and _agreement_sentence(ctx, intent):
            status = "planned"
            evidence["status"] = [_sentence_evidence(intent, 0.6)]
    in_force = next(
        (s for s in ctx.sentences if IN_FORCE_RE.search(s.text) and not ctx.is_quoted(s)), None
    )
    effective_on = None
    if status == "signed" and in_force is not None:
        status = "in_force"
        if re.search(r"immediately|upon signature", in_force.text, re.IGNORECASE):
            effective_on = signed_on
            if effective_on:
                evidence["effective_on"] = [_sentence_evidence(in_force, 0.7)]
        evidence["status"] = [_sentence_evidence(in_force, 0.75)]
    elif status_ev is not None:
        evidence["status"] = [_sentence_evidence(status_ev.sentence, 0.8)]
    if status is None:
        warnings.append("status unclear: no signing reported or planned")
    if signed_on is None:
        warnings.append(
            "signing date not found"
            if status != "planned"
            else "signing date not found (signing is planned)"
        )
    elif date_mention is not None:
        evidence["signed_on"] = [
            _evidence(
                text,
                date_mention.start,
                date_mention.end,
                0.9 if date_event and date_event.tense == "past" else 0.7,
            )
        ]

    # Place: a city in a sentence reporting the signing, else the dateline of a
    # release that reports the signing as happening today.
    signed_place, signed_country = "", None
    if status in ("signed", "in_force"):
        for ev in ([date_event] if date_event else []) + past:
            found = _city_in(ctx, ev) or _event_place(ctx, ev)
            if found:
                signed_place, signed_country, ps, pe = found
                evidence["signed_place"] = [_evidence(text, ps, pe, 0.85)]
                break
        if not signed_place and lead_dated and date_mention is not None:
            # the lead that dates an undated signing places it too: "... their summit at
            # the presidential office in central Seoul on Sunday"
            lead = next(x for x in ctx.sentences if x.start <= date_mention.start < x.end)
            found = _city_in(
                ctx, SignEvent(lead, date_mention.start, date_mention.end, "past", 0.0)
            )
            if found:
                signed_place, signed_country, ps, pe = found
                evidence["signed_place"] = [_evidence(text, ps, pe, 0.6)]
        said_here = any(
            re.search(r"\bsigned,?\s+here\b", ev.sentence.text, re.IGNORECASE) for ev in past
        )
        # "WASHINGTON -- ... today signed": the dateline places a signing told as
        # happening where and when the release is written ("today", "here"), not one
        # dated explicitly ("ASTANA - ... signed ... at a Nov. 1 meeting")
        told_today = (
            signed_on == published_on and date_mention is not None and date_mention.relative
        )
        if not signed_place and (told_today or said_here):
            dl = _dateline(ctx)
            if dl and (_wire_dateline(ctx, dl) or _other_city_named(ctx, past, dl[0])):
                dl = None  # a news agency's bureau, or the sentence names another city
            if dl:
                city, ps, pe = dl
                signed_place = text[ps:pe].title() if text[ps:pe].isupper() else text[ps:pe]
                signed_country = CITY_COUNTRY.get(city) or ctx.places.get(city)
                evidence["signed_place"] = [_evidence(text, ps, pe, 0.7)]
    if signed_place and signed_country in vocabulary.parties:
        evidence["signed_country"] = list(evidence["signed_place"])
    else:
        signed_country = None
    if status in ("signed", "in_force") and not signed_place:
        warnings.append("signing place not found")

    kind, kind_span, kind_conf, kind_phrase = extract_kind(ctx, parties)
    if kind is None:
        warnings.append("kind of agreement not found")
    elif kind_span:
        evidence["kind"] = [_evidence(text, *kind_span, kind_conf)]

    binding: bool | None = None
    for s in ctx.sentences:
        if NON_BINDING_RE.search(s.text):
            binding = False
            evidence["legally_binding"] = [_sentence_evidence(s, 0.85)]
            break
        if BINDING_RE.search(s.text):
            binding = True
            evidence["legally_binding"] = [_sentence_evidence(s, 0.7)]
            break

    minerals, mineral_evidence = extract_minerals(ctx, parties, events)

    if status == "planned" and people:
        warnings.append("the signing is planned: nobody is proposed as a signatory yet")
        people = []
    signatures = []
    sig_evidence: list[Evidence] = []
    for p in people:
        signatures.append(
            {
                "person": p.name,
                "party": p.party,
                "office": p.office,
                "role": p.role,
                "signed_on": signed_on.isoformat() if signed_on and p.role == "signatory" else None,
            }
        )
        sig_evidence.append(
            _sentence_evidence(p.sentence, 0.6 if p.party_from_context else 0.85, p.name)
        )

    headline = ctx.release.headline
    title, short_title = "", ""
    if parties and kind:
        names = "–".join(vocabulary.short_name(c) for c in parties)
        long_label, short_label = KIND_LABEL[kind]
        if kind == "other" and kind_phrase:
            long_label = short_label = kind_phrase.title()
        topic = (
            "critical minerals"
            if re.search(r"critical minerals?", text, re.I)
            else (
                "raw materials" if re.search(r"raw materials", text, re.I) else "critical minerals"
            )
        )
        title = f"{names} {long_label} on {topic}"
        short_title = f"{names} {short_label}"
        title_evidence = [e for c in parties for e in party_evidence.get(c, [])[:1]]
        title_evidence += evidence.get("kind", [])
        evidence["title"] = [
            {**e, "confidence": 0.6} for e in title_evidence if "value" not in e
        ] + [
            {k: v for k, v in e.items() if k != "value"} | {"confidence": 0.6}
            for e in title_evidence
            if "value" in e
        ]
        evidence["short_title"] = evidence["title"]
    else:
        warnings.append("title not proposed: parties or kind missing")

    summary, summary_span = extract_summary(ctx)
    if summary_span:
        evidence["summary"] = [_evidence(text, *summary_span, 0.7)]

    announced_on = published_on.isoformat()
    if headline is not None:
        evidence["announced_on"] = [_sentence_evidence(headline, 0.6)]
        evidence["sources"] = [_sentence_evidence(headline, 0.95)]

    if parties:
        evidence["parties"] = [e for c in parties for e in party_evidence.get(c, [])]
    if signatures:
        evidence["signatures"] = sig_evidence
    if minerals:
        evidence["minerals"] = [
            e for item in minerals for e in mineral_evidence.get(item["mineral"], [])
        ]

    proposal = {
        "title": title,
        "short_title": short_title,
        "kind": kind,
        "status": status,
        "legally_binding": binding,
        "announced_on": announced_on,
        "signed_on": signed_on.isoformat() if signed_on else None,
        "effective_on": effective_on.isoformat() if effective_on else None,
        "expires_on": None,
        "terminated_on": None,
        "signed_place": signed_place,
        "signed_country": signed_country,
        "summary": summary,
        "text_url": "",
        "is_published": False,
        "parties": [
            {
                "party": c,
                "signed_on": signed_on.isoformat() if signed_on else None,
                "ratified_on": None,
                "withdrawn_on": None,
            }
            for c in parties
        ],
        "signatures": signatures,
        "minerals": minerals,
        "sources": [
            {
                "url": source_url or "",
                "title": headline.text if headline else "",
                "publisher": ctx.publisher,
                "published_on": published_on.isoformat(),
                "kind": "press_release",
            }
        ],
        "related": [],
    }
    return Extraction(proposal=proposal, evidence=evidence, warnings=warnings)
