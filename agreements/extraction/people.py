"""People around a signing: names, the offices they hold, and the party each represents.

Offices are read with a small grammar rather than a list of known titles:

- a *head* word names the post (Minister, Secretary, Commissioner, Ambassador, President,
  Chancellor, Representative, Envoy …);
- *modifiers* before it qualify it ("Foreign Office", "Deputy", "Vice", "Under") or name the
  country the holder serves ("UK's", "Australian", "US");
- a *complement* after it names the portfolio ("for Resources and Northern Australia",
  "of Foreign Affairs of Chile", "to the United States").

A name is a run of two to five capitalised words that are neither office words nor places
nor parties, or a person already in the database. A name and an office belong together
when they are adjacent ("Commissioner Thierry Breton") or in apposition, in either order
("Minister for Trade, Jane Doe" and "Jane Doe, Minister for Trade").

The party comes from the office's country qualifier, an "of <country>" complement, an office
that only one party has (a Commissioner is the EU's), or a person's earlier signatures in the
database; the caller may then fill the rest from the sentence ("A signed with B").

Everything here works on a bounded window of one sentence, so the cost is linear in the
length of the release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .extractor import _Context

#: Words that name a post. "Representative" covers "Trade Representative".
HEAD_WORDS = set(
    """
Minister Ministers Secretary Secretary-General Undersecretary Under-Secretary Commissioner
Ambassador President Vice-President Chancellor Vice-Chancellor Representative Governor Envoy
Premier Director-General Chair Chairman Chairwoman Chairperson Administrator Consul
Counsellor Taoiseach Emir Sultan Viceminister Vice-Minister
""".split()
)
#: Words that qualify a post or name a portfolio (never part of a person's name).
OFFICE_WORDS = set(
    """
Minister Ministers Secretary Under State Foreign Office Ambassador President Vice Prime
Deputy First Commissioner Commission Trade Representative Industry Chancellor Governor
Director Director-General General Head Envoy Special Affairs Economy Economic Energy
Natural Resources Business Development Treasury Senior Assistant Chief Executive High
Crown Majesty Highness Royal Mines Mining Mineral Minerals Construction Finance Investment
Infrastructure Interior Defence Defense Home International Relations External Cooperation
Co-operation Environment Climate Critical Internal Market Markets Science Technology
Innovation Geology Lands Security Parliamentary Permanent Counsellor Consul Federal Chair
Chairman Chairperson Member Undersecretary Under-Secretary Attorney Agriculture Transport
Industrial Strategy Petroleum Water Cabinet Council Board Department Ministry Commerce
Labour Labor Global Growth Digital Education Health Justice Planning Power Metals Raw
Materials Services European Secretary-General Commonwealth Northern Southern Eastern
Western Sector Policy Tourism Exports Export Investments Industries Northern Regional
Region Regions Indo-Pacific Indo Pacific Asia Africa Europe Americas Middle East Arctic
Atlantic Latin America Caribbean Oceania Asian African European American Overseas
Territories Sustainable Sustainability Net Zero Affairs Multilateral Bilateral Economy
Competitiveness Research Jobs Skills Enterprise Employment Fisheries Forestry Oceans Oil
Gas Electricity Hydrogen Transition Green Foreign-Affairs Premier Representative Envoy
Administrator Vice-President Vice-Chancellor Chairwoman Minerals-Related Portfolio
Resources-Related Deputy-Minister Vice-Minister Viceminister Commissioner-Designate
Taoiseach Emir Sultan Outreach Coordinator Co-ordinator Adviser Advisor Spokesperson
Second Third Fourth Interinstitutional Foresight Deal Gender Equality Justice Honourable
Partnerships Partnership Competition Consumer Neighbourhood Enlargement Budget
Administration Crisis Management Cohesion Reforms Culture Youth Sport Social Rights Values
Transparency Democracy Demography Migration Space Financial Capital Stability
Humanitarian Aid Preparedness Communications Information Small Transformation Geological
Steel Coal Hydrocarbons Housing Urban Rural Land Ports Shipping Aviation Telecommunications
Manufacturing Textiles Food Solid Associate Acting Additional Principal Junior Joint Union
""".split()
)
#: Initials written together: "P.M.", "J.R.".
INITIALS_RE = re.compile(r"(?:[A-Z]\.){2,3}")
#: Forms of address between an office and a name; part of neither.
HONORIFICS = set(
    """
Hon Hon. Honourable Honorable Hon’ble Hon'ble Mr Mrs Ms Dr Sir Dame Lord Baroness Prince Princess
Sheikh Sheikha Shri Smt Excellency H.E. Lic Eng Prof Professor Rt Rt. Right Madam
Datuk Dato Dato' Dato’ Datin Tun Toh Puan Haji Hajjah Pehin Engr Engr.
""".split()
)
#: Words that are a form of address only after another one ("Datuk Seri", "Tan Sri"); alone
#: they are given names ("Sri Mulyani Indrawati").
HONORIFIC_SEQUELS = {"Seri", "Sri", "Paduka"}
#: First words of two-word forms of address whose first word alone is a surname ("Tan").
HONORIFIC_PAIRS = {("Tan", "Sri"), ("Puan", "Sri")}
#: Letters after a name, before its office.
POSTNOMINALS = {"MP", "MEP", "KC", "QC", "PC", "OBE", "CBE", "MBE", "KBE", "DBE", "MLA", "AO", "AC"}
#: Words after a name that make it the name of an organisation ("Khanij Bidesh India Ltd").
ORGANISATION_RE = re.compile(
    r"^(?:\s+[A-Z][\w.&’'-]*){0,2}\s+(?:Limited|Ltd|Corporation|Corp|Company|Inc|Plc|PLC|SE|SA|"
    r"AG|GmbH|Group|Holdings|Bank|Agency|Committee|Institute|Association|Council|Fund|"
    r"Organisation|Organization|Authority|Industries|Enterprises|Motors|Mining|Metals|"
    r"Shipbuilding|Electronics|Technologies)\b"
)
#: Capitalised words that start sentences or name things other than people.
STOP_WORDS = set(
    """
The This That These Those Today Yesterday At In On As By For With From To And Of A An
Through Under Following After Before During Memorandum Understanding Agreement Agreements
Partnership Framework Joint Declaration Intent Statement Roadmap Treaty Arrangement
Administrative Government Governments Union Community Latin American Caribbean States
Summit Forum Alliance Group Organisation Organization Council Fund Act Strategy Plan
Global Gateway New Critical Minerals Mineral Raw Materials Our We It Its Their They He
She Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
May June July August September October November December Background Both Mine Copper
Lithium Project Projects Centre Center Survey Investment Partnerships MoU MoUs Dialogue
Meeting Conference Week Ministerial Leaders Leader G7 G20 Also However Under Minister's
Today's Yesterday's Read More Contact Media Press Release News Notes Editors Photo Video
Committee Agency Association Institute Company Corporation Bank Ltd Limited Inc Plc
Authority Chamber Federation Foundation University Exchange Embassy Delegation Mission
Government Parliament Congress Senate Assembly Kingdom Republic Federal
""".split()
)
PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "da",
    "del",
    "la",
    "le",
    "bin",
    "binti",
    "al",
    "el",
    "di",
    "du",
    "dos",
    "ter",
    "ibn",
    "y",
}
#: Offices whose official title includes the country name.
TITLE_WITH_COUNTRY = {("US", "Trade Representative")}
#: A body of a party rather than the party itself: "Vice-President of the European
#: Commission" keeps the body in the office ("of Chile" is a country qualifier, dropped).
INSTITUTION_RE = re.compile(r"\b(?:Commission|Council|Parliament|Court|Bank)\b")
#: Offices that by themselves tell the party.
OFFICE_PARTY_RE = [(re.compile(r"\bCommission(?:er)?\b|\bHigh Representative\b"), "EU")]

TOKEN_RE = re.compile(r"[^\W\d_][\w’'\-]*(?:\.(?=[\w-]))?[\w’'\-]*\.?|\d+|[,;:()&]")
POSSESSIVE_RE = re.compile(r"[’']s$")
HEAD_RE = re.compile(r"\b(?:" + "|".join(sorted(HEAD_WORDS, key=len, reverse=True)) + r")\b")
#: How many sentences from the top are read for people named in full.
SURNAME_SENTENCES = 30
#: Looking this far around a signing verb is enough for the subject, "with" and "by" phrases.
WINDOW_BEFORE = 260
WINDOW_AFTER = 220


@dataclass
class Token:
    start: int
    end: int
    word: str
    kind: str  # "head", "office", "mention", "name", "particle", "connector", "punct", "other"
    code: str | None = None  # party code of a mention


@dataclass
class Found:
    """A person named in a window, with the office and party the words give."""

    name_start: int
    name_end: int
    name: str
    office: str = ""
    office_start: int = -1
    office_end: int = -1
    party: str | None = None
    party_source: str = ""  # "office", "known", "context", "sentence"

    @property
    def start(self) -> int:
        return (
            min(self.name_start, self.office_start) if self.office_start >= 0 else self.name_start
        )

    @property
    def end(self) -> int:
        return max(self.name_end, self.office_end)


def _bare(word: str) -> str:
    return word.rstrip(".")


def tokens(ctx: _Context, start: int, end: int) -> list[Token]:
    """The words of ``text[start:end]`` with what each one can be."""
    text = ctx.text
    mentions = ctx.mentions_in(start, end)
    places = ctx.place_spans(start, end)
    result: list[Token] = []
    mi = pi = 0
    for m in TOKEN_RE.finditer(text, start, end):
        s, e, word = m.start(), m.end(), m.group()
        while mi < len(mentions) and mentions[mi].end <= s:
            mi += 1
        while pi < len(places) and places[pi][1] <= s:
            pi += 1
        mention = mentions[mi] if mi < len(mentions) and mentions[mi].start <= s else None
        bare = _bare(word)
        if word in ",;:()&":
            kind = "connector" if word == "&" else "punct"
            result.append(Token(s, e, word, kind))
            continue
        if mention is not None and e <= mention.end + 2:
            result.append(Token(s, e, word, "mention", mention.code))
            continue
        if pi < len(places) and places[pi][0] <= s and e <= places[pi][1] + 1:
            result.append(Token(s, e, word, "other"))
            continue
        title = bare[:1].upper() + bare[1:]
        # "vice-president" as well as "Vice-President"
        parts = "-".join(w[:1].upper() + w[1:] for w in title.split("-"))
        if (
            title in HEAD_WORDS
            or parts in HEAD_WORDS
            or title.replace("-", " ").split(" ")[-1] in HEAD_WORDS
        ):
            kind = "head"  # "the UAE's minister of investments" is an office too
        elif title in OFFICE_WORDS:
            kind = "office"
        elif (
            bare in HONORIFICS
            or word in HONORIFICS
            or (
                bare in HONORIFIC_SEQUELS
                and result
                and result[-1].kind == "honorific"
                and result[-1].end + 1 >= s
            )
        ):
            kind = "honorific"
        elif bare in ("of", "for", "to", "the", "and", "on", "in"):
            kind = "connector"
        elif bare in PARTICLES:
            kind = "particle"
        elif (
            bare[:1].isupper()
            and not (bare.isupper() and len(bare) > 1)
            and bare not in STOP_WORDS
            and not POSSESSIVE_RE.search(bare)
        ) or (
            # "Raphael P.M. Lotilla": initials inside a name, after a given name
            INITIALS_RE.fullmatch(word)
            and result
            and result[-1].kind == "name"
            and result[-1].end + 1 == s
        ):
            kind = "name"
        else:
            kind = "other"
        result.append(Token(s, e, word, kind))
    for a, b in zip(result, result[1:], strict=False):
        if (a.word, b.word) in HONORIFIC_PAIRS and b.start - a.end == 1:
            a.kind = b.kind = "honorific"  # "Tan Sri": a form of address, not a surname
    return _collapse_acronyms(result)


def _collapse_acronyms(toks: list[Token]) -> list[Token]:
    """ "the United Kingdom’s (UK) Minister": the bracketed short form joins its mention."""
    out: list[Token] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        if (
            t.word == "("
            and out
            and out[-1].kind == "mention"
            and i + 2 < len(toks)
            and toks[i + 1].kind == "mention"
            and toks[i + 1].code == out[-1].code
            and toks[i + 2].word == ")"
        ):
            i += 3
            continue
        out.append(t)
        i += 1
    return out


def _adjacent(text: str, a: Token, b: Token) -> bool:
    """Only spaces between two tokens (an apostrophe-s belongs to the first)."""
    between = text[a.end : b.start]
    return re.fullmatch(r"(?:[’']s)?[ \u00a0]+(?:\([\w.]{1,8}\)[ \u00a0]+)?", between) is not None


def _name_run(text: str, toks: list[Token], i: int) -> int:
    """Index just after the name starting at ``toks[i]``, or ``i`` when there is none."""
    j = i
    while j < len(toks) and (toks[j].kind == "name" or (toks[j].kind == "particle" and j > i)):
        if j > i and not _adjacent(text, toks[j - 1], toks[j]):
            break
        j += 1
    while j > i and toks[j - 1].kind == "particle":
        j -= 1
    words = j - i
    if words < 2 or words > 5:
        return i
    return j


def _known_at(ctx: _Context, toks: list[Token], i: int) -> int:
    """Index just after a person from the database whose name starts at ``toks[i]``."""
    known = ctx.vocab.people_first_words.get(_bare(toks[i].word))
    if not known:
        return i
    for length in sorted(known, reverse=True):
        j = i + length
        if j > len(toks):
            continue
        span = ctx.text[toks[i].start : toks[j - 1].end].rstrip(".")
        if re.sub(r"\s+", " ", span) in ctx.vocab.people:
            return j
    return i


def surnames(ctx: _Context) -> dict[str, Found]:
    """People named in full with an office early in the release, by their last name, so
    that "signed by Svyrydenko" finds "First Deputy Prime Minister Yulia Svyrydenko".
    A last name two such people share is left out."""
    table: dict[str, Found | None] = {}
    for s in ctx.sentences[:SURNAME_SENTENCES]:
        if ctx.is_quoted(s) or not HEAD_RE.search(s.text):
            continue
        for person in find_people(ctx, s.start, s.end, resolve=False):
            if not person.office:
                continue
            last = person.name.split()[-1]
            if last in table and table[last] is not None and table[last].name != person.name:
                table[last] = None
            else:
                table.setdefault(last, person)
    return {k: v for k, v in table.items() if v is not None}


def find_people(ctx: _Context, start: int, end: int, resolve: bool = True) -> list[Found]:
    """Names with their offices in ``text[start:end]``, in reading order.

    With ``resolve``, a lone last name of someone named in full earlier is that person."""
    text = ctx.text
    toks = tokens(ctx, start, end)
    found: list[Found] = []
    used: set[int] = set()
    i = 0
    names: list[tuple[int, int]] = []  # token index ranges of names
    known_last = ctx.surnames() if resolve else {}
    while i < len(toks):
        j = _known_at(ctx, toks, i)
        if j == i and toks[i].kind == "name":
            j = _name_run(text, toks, i)
            if j == i and _bare(toks[i].word) in known_last:
                full = known_last[_bare(toks[i].word)]
                if not (full.name_start <= toks[i].start < full.name_end):
                    end_at = toks[i].start + len(_bare(toks[i].word))
                    found.append(
                        Found(
                            toks[i].start,
                            end_at,
                            full.name,
                            full.office,
                            -1,
                            -1,
                            full.party,
                            full.party_source,
                        )
                    )
        if j > i:
            names.append((i, j))
            i = j
        else:
            i += 1
    for a, b in names:
        name_start, name_end = toks[a].start, toks[b - 1].end
        name = text[name_start:name_end]
        if name.endswith(".") and not name.endswith("Jr.") and len(toks[b - 1].word) > 2:
            name, name_end = name[:-1], name_end - 1
        if name in ctx.places and name not in ctx.vocab.people:
            continue  # "São Paulo –": a city, not a person
        if ORGANISATION_RE.match(text[name_end : name_end + 40]):
            continue
        person = Found(name_start, name_end, re.sub(r"\s+", " ", name))
        office = _office_before(text, toks, a, used) or _office_after(text, toks, b, used)
        if office is not None:
            o_start, o_end = office
            person.office_start, person.office_end = toks[o_start].start, toks[o_end - 1].end
            person.office, person.party = _split_office(ctx, toks, o_start, o_end)
            if person.party:
                person.party_source = "office"
            used.update(range(o_start, o_end))
        if person.party is None:
            person.party = _party_around(ctx, name_start, person.end, person.start)
            if person.party:
                person.party_source = "office"
        known_party = ctx.vocab.people.get(person.name)
        if person.party is None and known_party and known_party in ctx.vocab.parties:
            person.party, person.party_source = known_party, "known"
        found.append(person)
    found.sort(key=lambda p: p.name_start)
    return found


COUNTERPART_RE = re.compile(
    r"\b(?:his|her|their)\s+(?:(\S+)\s+)?counterparts?(?:\s+from\s+(?:the\s+)?(\S+(?:\s\S+)?))?"
    r"\s*,?\s*$"
)
ON_BEHALF_RE = re.compile(
    r"^\s*,?\s*(?:signed\s+)?(?:on behalf of|for|representing)\s+(?:the\s+)?"
    r"(?:(?:Government|Republic|Kingdom|State)\s+of\s+(?:the\s+)?)?"
)


#: The side a signer signs for, told before the office and name: "on the Indian side by
#: X", "Signing for India was X", "The signatories for Australia were X", "On behalf of
#: Japan, X".
SIDE_BEFORE_RE = re.compile(
    r"(?:\bon\s+the\s+(?P<side>[A-Z][\w-]*)\s+side(?:\s+by)?|"
    r"\b(?:[Ss]igning|[Ss]ignator(?:y|ies)|signed)\s+(?:for|on behalf of)\s+(?:the\s+)?"
    r"(?P<for>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s+(?:was|were|is|are)|"
    r"\b[Oo]n behalf of\s+(?:the\s+)?(?P<behalf>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s*,)\s*$"
)


#: "A, represented by Minister X, and B ...": a body and the person who signs for it.
REPRESENTED_BY_RE = re.compile(r",\s*represented\s+by\s+(?:its\s+|their\s+|the\s+)?$")


def _party_around(ctx: _Context, start: int, end: int, office_start: int = -1) -> str | None:
    """Party told next to a name: "his Vietnamese counterpart, X", "X, ..., on behalf of the
    European Union", "on the Indian side by Minister X" (``SIDE_BEFORE_RE``, before the
    office starting at ``office_start``)."""
    text = ctx.text
    lead = office_start if 0 <= office_start <= start else start
    side = SIDE_BEFORE_RE.search(text, max(0, lead - 60), lead)
    if side:
        group = next(g for g in ("side", "for", "behalf") if side.group(g))
        at = side.start(group)
        mention = next(iter(ctx.mentions_in(at, side.end(group) + 1)), None)
        if mention is not None and mention.start == at:
            return mention.code
    rep = REPRESENTED_BY_RE.search(text, max(0, lead - 40), lead)
    if rep:
        # "India's Ministry of Mines, represented by Secretary X": the party of the body
        mentions = ctx.mentions_in(max(0, rep.start() - 80), rep.start())
        if mentions:
            return mentions[-1].code
    before = text[max(0, start - 60) : start]
    m = COUNTERPART_RE.search(before)
    if m:
        # "his Vietnamese counterpart, X", "her counterpart from Japan, X"
        for group in (1, 2):
            if m.group(group):
                at = start - len(before) + m.start(group)
                mention = next(iter(ctx.mentions_in(at, at + len(m.group(group)) + 2)), None)
                if mention is not None and mention.start == at:
                    return mention.code
    m = ON_BEHALF_RE.match(text[end : end + 40])
    if m:
        mention = next(iter(ctx.mentions_in(end + m.end(), end + m.end() + 40)), None)
        if mention is not None and mention.start == end + m.end():
            return mention.code
    return None


def _office_before(text: str, toks: list[Token], a: int, used: set[int]) -> tuple[int, int] | None:
    """Token range of the office right before a name: "Commissioner X", "Minister for Y, X".

    Read backwards: first the complement (portfolio words, countries, connectors; unknown
    capitalised words only when a comma sets the name apart), then the head, then its
    modifiers ("Foreign Office", "UK's", "Deputy").
    """
    k = a - 1
    while k >= 0 and toks[k].kind == "honorific" and _adjacent(text, toks[k], toks[k + 1]):
        k -= 1
    apposition = False
    if k >= 0 and toks[k].word == ",":
        apposition = True
        k -= 1
    elif k < 0 or not _adjacent(text, toks[k], toks[k + 1]):
        return None
    end = k + 1
    i = k
    head_at = None
    while i >= 0 and i not in used:
        t = toks[i]
        if t.kind == "head":
            head_at = i
            break
        if t.kind in ("office", "mention") or (t.kind == "name" and apposition):
            i -= 1
            continue
        if t.kind == "connector" and t.word in ("of", "for", "to", "the", "and", "on", "&"):
            i -= 1
            continue
        inner = ("office", "name", "mention") if apposition else ("office", "mention")
        if (
            t.word == ","
            and 0 < i < k
            and toks[i - 1].kind in inner
            and (toks[i + 1].kind in inner or toks[i + 1].word == "and")
        ):
            # "Minister of Economy, Trade and Industry, X"; "Under Secretary for Economic
            # Growth, Energy, and the Environment X"
            i -= 1
            continue
        return None
    if head_at is None or end - head_at > 24:
        return None
    between = toks[head_at + 1 : end]
    if between and not (
        between[0].kind in ("head", "office", "mention")
        or between[0].word in ("of", "for", "to", "on")
    ):
        return None
    if between and between[-1].kind == "connector":
        return None
    first = head_at
    while first - 1 >= 0 and first - 1 not in used:
        prev = toks[first - 1]
        if (
            prev.word == "and"
            and first - 2 >= 0
            and toks[first - 2].kind == "head"
            and first - 2 not in used
        ):
            first -= 2  # "First Deputy Prime Minister and Economy Minister"
            continue
        if (
            prev.word in ("and", "&")
            and first - 2 >= 0
            and first - 2 not in used
            and toks[first - 2].kind == "office"
            and toks[first].kind == "office"
            and _adjacent(text, toks[first - 2], prev)
        ):
            first -= 2  # "Natural Resources and Environment Minister": one portfolio
            continue
        if prev.kind not in ("office", "mention", "head"):
            break
        if not _adjacent(text, prev, toks[first]):
            break
        first -= 1
    return first, end


def _office_after(text: str, toks: list[Token], b: int, used: set[int]) -> tuple[int, int] | None:
    """Token range of an office in apposition after a name: "X, Minister for Trade"."""
    k = b
    while k < len(toks) and _bare(toks[k].word) in POSTNOMINALS:
        k += 1  # "Kemi Badenoch MP, Secretary of State ..."
    if k >= len(toks) or toks[k].word != ",":
        return None
    k += 1
    if k < len(toks) and toks[k].word.lower() == "the":
        k += 1
    first = k
    head_at = None
    while k < len(toks) and toks[k].kind in ("office", "mention", "head"):
        if toks[k].kind == "head":
            head_at = k
        k += 1
    if head_at is None or first in used:
        return None
    # complement: of/for/to + capitalised words joined by and/the/of/&, and by commas
    # between portfolio words ("Minister of Innovation, Science and Industry")
    started = False
    while k + 1 < len(toks) and (
        (toks[k].kind == "connector" and toks[k].word != "in")
        or (started and toks[k].word == "," and toks[k + 1].kind == "office")
    ):
        j = k + 1 if toks[k].word == "," else k
        while j < len(toks) and toks[j].kind == "connector" and toks[j].word != "in":
            j += 1
        if j >= len(toks) or toks[j].kind not in ("office", "mention", "head", "name"):
            break
        if toks[k].word in ("and", "&") and toks[j].kind == "name":
            break
        while j < len(toks) and toks[j].kind in ("office", "mention", "head", "name"):
            j += 1
        k = j
        started = True
    return first, k


def _split_office(ctx: _Context, toks: list[Token], a: int, b: int) -> tuple[str, str | None]:
    """The office without its country qualifier, and the party the qualifier names.

    "UK's Minister for the Indo Pacific" -> ("Minister for the Indo Pacific", "GB");
    "Minister of Foreign Affairs of Chile" -> ("Minister of Foreign Affairs", "CL");
    "Ambassador to the United States" names the host country, not the party: kept whole.
    """
    text = ctx.text
    start, end = toks[a].start, toks[b - 1].end
    party = None
    lead = toks[a]
    if lead.kind == "mention":
        first_after = next(
            (t for t in toks[a:b] if t.kind != "mention" or t.code != lead.code), None
        )
        if first_after is not None:
            party = lead.code
            rest_start = first_after.start
            if (party, text[rest_start:end]) not in TITLE_WITH_COUNTRY:
                start = rest_start
    tail = toks[b - 1]
    if tail.kind == "mention":
        first_of_tail = b - 1
        while first_of_tail - 1 > a and toks[first_of_tail - 1].kind == "mention":
            first_of_tail -= 1
        joint = text[start : toks[first_of_tail].start]
        qualifier = re.search(r"\s+of\s+(?:the\s+)?$", joint)
        institution = INSTITUTION_RE.search(text[toks[first_of_tail].start : end])
        if qualifier is not None and (party is None or party == tail.code):
            party = tail.code
            if institution is None:
                end = start + qualifier.start()
    office = text[start:end].strip(" ,")
    office = re.sub(r"\s+", " ", office)
    office = re.sub(r"(?<=[a-z]{2})\.$", "", office)  # the full stop of the sentence
    if party is None:
        for regex, code in OFFICE_PARTY_RE:
            if regex.search(office) and code in ctx.vocab.parties:
                party = code
    return office, party
