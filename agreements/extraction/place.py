"""The place of signing: a city named with the signing, the event's venue, or the dateline."""

from __future__ import annotations

import re

from .context import SignEvent, _Context
from .dates import MONTHS, WEEKDAYS
from .events import _background_time
from .gazetteer import CITY_COUNTRY, VENUE_CITY
from .lexicon import CITY_RE

DATELINE_RE = re.compile(
    r"^(?P<city>[A-Z][A-Za-z .'\-]+?)(?:,\s*[A-Z][A-Za-z.]+)?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+(?: \d{4})?))?"
    r"\s*(?:/[A-Z]+/)?\s*(?:--|—|–|-|,|:|$)"
)


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


#: "This came on the sidelines of the International Mining Conference in Riyadh": the
#: sentence right after a signing tells where it took place.
SEQUEL_RE = re.compile(
    r"^(?:This|It|The signing|The signature|The ceremony)\s+(?:came|took place|was held|happened)\b"
)


OCCASIONS = "talks|summit|visit|meeting|forum|conference"


def _event_place(ctx: _Context, ev: SignEvent) -> tuple[str, str, int, int] | None:
    """ "During the talks, the two sides signed ...": the place of those talks, as the one or
    two sentences before name it ("summit talks held in the Kazakh capital of Astana"); or
    the sentence right after, when it says where "this came" or "took place"."""
    ref = EVENT_REF_RE.search(ev.sentence.text)
    if ref is None:
        nxt = ctx.next(ev.sentence)
        if nxt is not None and not nxt.is_headline and SEQUEL_RE.match(nxt.text):
            return _city_in(ctx, SignEvent(nxt, nxt.start, nxt.start + 4, ev.tense, 0.0))
        return None
    word = ref.group("event").lower()
    previous, s = [], ev.sentence
    for _ in range(2):
        s = ctx.previous(s)
        if s is None or s.is_headline:
            break
        previous.append(s)
    for s in previous:
        # "During the talks" after "a meeting between X and Y in Seoul": the same occasion
        m = re.search(
            rf"\b(?i:{word}|{OCCASIONS})\b[^.;]{{0,140}}?\b(?:in|at)\s+"
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


#: An occasion placed in a city: "during the state visit of the President to Seoul", "the
#: Global Gateway Forum taking place in Brussels", "the ceremony at the ... Centre in Lusaka".
OCCASION_PLACE_RE = re.compile(
    r"\b(?i:visit|trip|tour|summit|forum|conference|meeting|talks|ceremony|hosted|held|"
    r"taking place|took place|gathered)\b[^.;:]{0,90}?\b(?:in|to|at)\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'-]*\s+)?(?:capital(?:\s+city)?(?:,|\s+of)?\s+)?"
    r"(?P<place>[A-Z][\w’'.-]*(?: [A-Z][\w’'.-]*)?)"
)
#: How many sentences of the lead (after the headline) may name the occasion.
OCCASION_LEAD = 4


def _occasion_place(ctx: _Context, parties: list[str]) -> tuple[str, str, int, int] | None:
    """The city of the visit, summit or forum the lead tells of, when nothing places the
    signing itself: one city only, and in the country of one of the parties (Brussels for
    the EU), so that a place named for something else is not taken."""
    found: dict[str, tuple[str, str, int, int]] = {}
    lead = [s for s in ctx.sentences if not s.is_headline][:OCCASION_LEAD]
    for s in lead:
        if ctx.is_quoted(s):
            continue
        for m in OCCASION_PLACE_RE.finditer(s.text):
            place = m.group("place")
            code = None
            for phrase in (place, place.split(" ")[0]):
                if phrase not in CITY_COUNTRY:
                    phrase = phrase.rstrip(".")
                if phrase in VENUE_CITY or phrase in NOT_PLACE_WORDS:
                    break
                if phrase in ctx.vocab.party_names:
                    continue
                code = CITY_COUNTRY.get(phrase) or ctx.places.get(phrase)
                if code:
                    place = phrase
                    break
            if code is None:
                continue
            if code not in parties and not (code == "BE" and "EU" in parties):
                continue
            start = s.start + m.start("place")
            found.setdefault(place, (place, code, start, start + len(place)))
    if len(found) != 1:
        return None
    return next(iter(found.values()))
