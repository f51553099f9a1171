"""The signatories of the agreement, from its signing events and their sentences."""

from __future__ import annotations

import re

from .context import Person, SignEvent, _Context
from .lexicon import SEVERAL_RE, SIGN_RE
from .people import Found, find_people
from .roles import _assign_parties, _roles_around
from .text import Sentence


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
        if ev.tense == "past" and TWO_BEFORE_RE.search(
            ctx.text, max(ev.sentence.start, ev.verb_start - 30), ev.verb_start
        ):
            # "X met Y in Istanbul and the two ministers signed": both, whatever the
            # subject guess made of the clause before
            pair = _antecedents(ctx, ev)
            if len(pair) == 2:
                named = [n for n in named if n[2] != "subject"]
                named += [(earlier, "signatory", "subject") for earlier in pair]
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
        lead_side = _lead_side(ctx, ev)
        if lead_side and not partner:
            # "On behalf of Saudi Arabia, the agreements were signed by A and B": both
            for p in subject:
                if p.party is None:
                    p.party, p.party_source = lead_side, "sentence"
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
    _other_side(list(people.values()), parties)
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


def _other_side(people: list[Person], parties: list[str]) -> None:
    """A bilateral agreement is signed by both sides: when every signatory whose party is
    known signed for one party and exactly one signatory with an office is left unknown,
    that one signed for the other ("On Thursday, he signed an MoU with Energy Minister X",
    where "he" is not resolved to the first party's minister)."""
    if len(parties) != 2:
        return
    signers = [p for p in people if p.role == "signatory"]
    missing = [p for p in signers if p.party is None]
    known = {p.party for p in signers if p.party}
    if len(missing) != 1 or not missing[0].office or len(known) != 1 or not known <= set(parties):
        return
    (q,) = known
    missing[0].party = next(c for c in parties if c != q)
    missing[0].party_from_context = True


#: "On behalf of Saudi Arabia, ...", "For Japan, ...": the side a whole sentence speaks for.
LEAD_SIDE_RE = re.compile(r"(?:On behalf of|For|On the part of)\s+(?:the\s+)?(?=[A-Z])")


def _lead_side(ctx: _Context, ev: SignEvent) -> str | None:
    """The party named by a sentence-opening "On behalf of <party>," before the verb."""
    s = ev.sentence
    m = LEAD_SIDE_RE.match(s.text)
    if m is None:
        return None
    at = s.start + m.end()
    mention = next(iter(ctx.mentions_in(at, at + 60)), None)
    if mention is None or mention.start != at or mention.end >= ev.verb_start:
        return None
    if not re.match(r"\s*,", ctx.text[mention.end : mention.end + 3]):
        return None
    return mention.code


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
TWO_BEFORE_RE = re.compile(r"\b(?:[Tt]he two|[Bb]oth)\s+\w+s\s+(?:also\s+|then\s+|jointly\s+)?$")
#: How many sentences back the person "the minister" stands for may be named.
ANAPHOR_REACH = 3


def _antecedents(ctx: _Context, ev: SignEvent) -> list[Found]:
    """The people "the minister" / "the two ministers" before the verb stand for: the one
    (or two) people with that office head named in the sentence or the few before it; none
    when more could be meant."""
    s = ev.sentence
    m = ANAPHOR_RE.search(ctx.text, max(s.start, ev.verb_start - 40), ev.verb_start)
    if m is None and not s.is_headline:
        return _pronoun_antecedent(ctx, ev)
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


#: "On Thursday, he signed": a pronoun subject right before the verb.
PRONOUN_RE = re.compile(
    r"(?:^|[,;]\s*|\b(?:[Tt]hen|[Ll]ater|and)\s+)(?:he|she)\s+(?:also\s+|then\s+)?$"
)


def _pronoun_antecedent(ctx: _Context, ev: SignEvent) -> list[Found]:
    """ "On Thursday, he signed the MoU with Minister Y": the person "he" stands for is the
    first one named with an office in the nearest sentence before that names anyone."""
    s = ev.sentence
    clause_start = max(s.start, ev.verb_start - 60)
    if not PRONOUN_RE.search(ctx.text[clause_start : ev.verb_start].lstrip()) and not (
        PRONOUN_RE.search(ctx.text[s.start : ev.verb_start])
    ):
        return []
    sentence: Sentence | None = ctx.previous(s)
    for _ in range(ANAPHOR_REACH):
        if sentence is None or sentence.is_headline:
            break
        key = (sentence.start, sentence.end)
        if key not in ctx.people:
            ctx.people[key] = find_people(ctx, sentence.start, sentence.end)
        named = [p for p in ctx.people[key] if p.office]
        if ctx.people[key]:
            return named[:1] if named and named[0] is ctx.people[key][0] else []
        sentence = ctx.previous(sentence)
    return []


REPRESENTED_RE = re.compile(r"\b(?:was|were)\s+represented\s+by\s+")
#: Where the clause naming a represented side starts.
CLAUSE_START_RE = re.compile(r"[,;]|\b(?:while|whereas|and)\b")


def _representatives(ctx: _Context, parties: list[str]) -> list[Person]:
    """ "The U.S. side was represented by Secretary X": in a release reporting a signing,
    the person who represented a party at it, with that party."""
    found = []
    for s in ctx.sentences:
        if ctx.is_quoted(s):
            continue
        for m in REPRESENTED_RE.finditer(s.text):
            at = s.start + m.end()
            # the side is named in the clause before: "..., while Korea was represented by"
            clause = CLAUSE_START_RE.split(s.text[: m.start()])[-1]
            side = {x.code for x in ctx.mentions_in(s.start + m.start() - len(clause), at)}
            if len(side) != 1 or (parties and not side <= set(parties)):
                continue
            (code,) = side
            people = [p for p in find_people(ctx, at, s.end) if p.start == at]
            for p in people[:1]:
                found.append(
                    Person(p.name, p.name_start, p.name_end, p.office, code, "signatory", s, False)
                )
    return found


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
