"""Tokenising a window of text and the grammar of names and offices read from its tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .gazetteer import REGION_COUNTRY
from .titles import (
    HEAD_WORDS,
    HONORIFIC_PAIRS,
    HONORIFIC_SEQUELS,
    HONORIFICS,
    INSTITUTION_RE,
    OFFICE_PARTY_RE,
    OFFICE_WORDS,
    POSTNOMINALS,
    TITLE_WITH_COUNTRY,
)

if TYPE_CHECKING:  # pragma: no cover
    from .context import _Context


#: Initials written together: "P.M.", "J.R.".
INITIALS_RE = re.compile(r"(?:[A-Z]\.){2,3}")
#: A surname joined to its particle: "al-Karouri", "el-Gheit", "bin-Salman".
PREFIXED_SURNAME_RE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|ibn|bin|abu|ould)-[A-Z][\w’'-]*")
#: Initials before a given name or surname: "V.L.", "A.", "J.R.".
LEADING_INITIALS_RE = re.compile(r"(?:[A-Z]\.){1,3}")
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
Servicios Industriales Nacional Empresa Compañía Corporación Sociedad Instituto Ministerio
Secretaría Banco Agencia Société Groupe Companhia Empresas Minera Mineração Petróleos
Great Palace Hall
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

TOKEN_RE = re.compile(r"[^\W\d_][\w’'\-]*(?:\.(?=[\w-]))?[\w’'\-]*\.?|\d+|[,;:()&]")
POSSESSIVE_RE = re.compile(r"[’']s$")


@dataclass
class Token:
    start: int
    end: int
    word: str
    kind: str  # "head", "office", "mention", "name", "particle", "connector", "punct", "other"
    code: str | None = None  # party code of a mention


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
        elif (
            PREFIXED_SURNAME_RE.fullmatch(bare)
            and result
            and result[-1].kind == "name"
            and result[-1].end + 1 == s
        ):
            kind = "name"  # "Ahmed Sadiq al-Karouri", "Ahmed Aboul el-Gheit"
        elif (
            POSSESSIVE_RE.search(bare)
            and bare[:1].isupper()
            and result
            and result[-1].kind == "name"
            and result[-1].end + 1 == s
        ):
            # "Minister Bandar Al-Khorayef’s visit": the name ends before the possessive
            result.append(Token(s, e - 2, word[:-2], "name"))
            continue
        else:
            kind = "other"
        result.append(Token(s, e, word, kind))
    for a, b in reversed(list(zip(result, result[1:], strict=False))):
        if (
            a.kind == "other"
            and b.kind == "name"
            and b.start - a.end <= 1
            and LEADING_INITIALS_RE.fullmatch(a.word)
        ):
            a.kind = "name"  # "V.L. Kantha Rao", "A. K. Singh": initials open the name
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
    return first, _office_tail(toks, k)


#: Words that open the body an office belongs to, in apposition after it: "Secretary,
#: Ministry of Mines, Government of India".
BODY_WORDS = {"Ministry", "Department", "Office"}
STATE_WORDS = {"Government", "Republic", "Kingdom", "State"}


def _office_tail(toks: list[Token], k: int) -> int:
    """Past the body and the state an office in apposition names after a comma:
    ", Ministry of Mines", ", Government of India", ", Republic of Colombia"."""
    while k + 2 < len(toks) and toks[k].word == ",":
        j = k + 1
        if toks[j].word in BODY_WORDS:
            j += 1
            while j + 1 < len(toks) and toks[j].kind == "connector" and toks[j].word != "in":
                j += 1
                if toks[j].kind not in ("office", "mention", "head", "name"):
                    return k
                while j < len(toks) and toks[j].kind in ("office", "mention", "head", "name"):
                    j += 1
        elif toks[j].word in STATE_WORDS and toks[j + 1].word == "of":
            j += 2
            if j < len(toks) and toks[j].word == "the":
                j += 1
            if j >= len(toks) or toks[j].kind != "mention":
                return k
            code = toks[j].code
            while j < len(toks) and toks[j].kind == "mention" and toks[j].code == code:
                j += 1
        else:
            return k
        if j == k + 2:
            return k  # ", Ministry" with nothing after: not a body
        k = j
    return k


REGION_OF_RE = re.compile(
    r"\bof\s+(?:the\s+)?("
    + "|".join(re.escape(r) for r in sorted(REGION_COUNTRY, key=len, reverse=True))
    + r")$"
)
#: Offices held for one country in another: "Ambassador of Japan to Zambia".
ENVOY_WORDS = {"Ambassador", "Envoy", "Consul", "Commissioner", "Chargé"}


def _sending_country(toks: list[Token], a: int, b: int) -> str | None:
    """The country an envoy serves, in "Ambassador of <country> to <host>" (kept whole in
    the office; the host after "to" is not the party)."""
    if not any(t.kind == "head" and _bare(t.word) in ENVOY_WORDS for t in toks[a:b]):
        return None
    for k in range(a + 1, b - 1):
        if toks[k].kind == "mention" and toks[k + 1].word in ("Embassy", "Government"):
            return toks[k].code  # "Chargé d'Affaires of the US Embassy"
        if toks[k].kind == "mention" and toks[k - 1].word == "of":
            j = k
            while j < b and toks[j].kind == "mention" and toks[j].code == toks[k].code:
                j += 1
            if j < b and toks[j].word == "to":
                return toks[k].code
    return None


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
        qualifier = re.search(
            r"(?:,\s*(?:the\s+)?(?:Government|Republic|Kingdom|State))?\s+of\s+(?:the\s+)?$",
            joint,
        )
        if qualifier is None and toks[first_of_tail].word in STATE_WORDS:
            qualifier = re.search(r"\s*,\s*(?:the\s+)?$", joint)  # ", Republic of Colombia"
        institution = INSTITUTION_RE.search(text[toks[first_of_tail].start : end])
        if qualifier is not None and (party is None or party == tail.code):
            party = tail.code
            if institution is None:
                end = start + qualifier.start()
    if party is None:
        party = _sending_country(toks, a, b)
    office = text[start:end].strip(" ,")
    office = re.sub(r"\s+", " ", office)
    office = re.sub(r"(?<=[a-z]{2})\.$", "", office)  # the full stop of the sentence
    if party is None:
        for regex, code in OFFICE_PARTY_RE:
            if regex.search(office) and code in ctx.vocab.parties:
                party = code
    if party is None:
        region = REGION_OF_RE.search(office)
        code = REGION_COUNTRY.get(region.group(1)) if region else None
        if code in ctx.vocab.parties:
            party = code  # "Premier of Western Australia"
    return office, party
