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

from .names import _bare, _known_at, _name_run, _office_after, _office_before, _split_office, tokens
from .titles import HEAD_RE

if TYPE_CHECKING:  # pragma: no cover
    from .context import _Context


#: Words after a name that make it the name of an organisation ("Khanij Bidesh India Ltd").
ORGANISATION_RE = re.compile(
    r"^(?:\s+[A-Z][\w.&’'-]*){0,2}\s+(?:Limited|Ltd|Corporation|Corp|Company|Inc|Plc|PLC|SE|SA|"
    r"AG|GmbH|Group|Holdings|Bank|Agency|Committee|Institute|Association|Council|Fund|"
    r"Organisation|Organization|Authority|Industries|Enterprises|Motors|Mining|Metals|"
    r"Shipbuilding|Electronics|Technologies)\b"
)
#: How many sentences from the top are read for people named in full.
SURNAME_SENTENCES = 30
#: Looking this far around a signing verb is enough for the subject, "with" and "by" phrases.
WINDOW_BEFORE = 260
WINDOW_AFTER = 220


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


def surnames(ctx: _Context) -> dict[str, Found]:
    """People named in full with an office early in the release, by their last name, so
    that "signed by Svyrydenko" finds "First Deputy Prime Minister Yulia Svyrydenko".
    A last name two such people share is left out."""
    table: dict[str, Found | None] = {}
    firsts: dict[str, dict[str, Found]] = {}
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
            first = person.name.split()[0]
            if len(person.name.split()) >= 2:
                # "Bahlil signed": people known by their first name (Indonesian usage)
                firsts.setdefault(first, {})[person.name] = person
    for first, full in firsts.items():
        if len(full) == 1 and first not in table:
            table[first] = next(iter(full.values()))
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
    r"\b(?:his|her|their)\s+(?:(\S+(?:\s[A-Z]\S*)?)\s+)?counterparts?(?:\s+from\s+(?:the\s+)?(\S+(?:\s\S+)?))?"
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
    r"\b[Oo]n behalf of\s+(?:the\s+)?(?P<behalf>[A-Z][\w-]*(?:\s[A-Z][\w-]*)?)\s*(?:,|\s+by))"
    r"(?:\s+(?:the|his|her))?\s*$"
)


#: "Minister Mercedes Aráoz of Peru": the country right after the name (not "of Peru's").
COUNTRY_AFTER_RE = re.compile(r"^\s+of\s+(?:the\s+)?(?=[A-Z][^’'\s]*\b(?![’']s))")
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
    anchor = start
    m = COUNTERPART_RE.search(text[max(0, start - 60) : start])
    if m is None and 0 <= office_start < start:
        # "his South Korean counterpart, Trade Minister X": the office stands between
        anchor = office_start
        m = COUNTERPART_RE.search(text[max(0, anchor - 60) : anchor])
    before = text[max(0, anchor - 60) : anchor]
    if m:
        # "his Vietnamese counterpart, X", "her counterpart from Japan, X"
        for group in (1, 2):
            if m.group(group):
                at = anchor - len(before) + m.start(group)
                mention = next(iter(ctx.mentions_in(at, at + len(m.group(group)) + 2)), None)
                if mention is not None and mention.start == at:
                    return mention.code
    m = ON_BEHALF_RE.match(text[end : end + 40]) or COUNTRY_AFTER_RE.match(text[end : end + 40])
    if m:
        mention = next(iter(ctx.mentions_in(end + m.end(), end + m.end() + 40)), None)
        if mention is not None and mention.start == end + m.end():
            return mention.code
    return None
