"""Who does what around a signing verb: signers, witnesses and the people attending,
and the party each signs for."""

from __future__ import annotations

import re

from .context import SignEvent, _Context
from .events import _modifies_instrument
from .lexicon import SIGN_RE
from .people import ON_BEHALF_RE, WINDOW_AFTER, WINDOW_BEFORE, Found, find_people
from .titles import HONORIFICS

WITNESS_RE = re.compile(
    r"\b(?:in the presence of|witnessed by|witnessed|witnessing|witness(?:es)?)\b", re.IGNORECASE
)


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
    by_at = ev.verb_end + by.start("by") if by else None
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
        agent = re.compile(r"\s+by\s+").search(text, zs, ze)
        if agent and zs > ev.verb_end:
            # "signed in the presence of X and Y by A and B": the agents sign
            ze = agent.start()
            if by is None:
                by_at = agent.start() + 1
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
                witness_at
                and ev.verb_end <= witness_at.start() < p.start
                and not (by_at is not None and witness_at.start() < by_at < p.start)
            ):
                result.append((p, "witness", "object"))
            elif (
                re.search(r",\s*represented\s+by\s+(?:its\s+|their\s+|the\s+)?$", gap)
                and ev.tense == "past"
            ):
                # "signed between A, represented by X, and B, represented by Y"
                result.append((p, "signatory", "subject"))
            elif (
                ev.tense == "past"
                and not ev.nominal
                and BETWEEN_RE.search(gap)
                and BETWEEN_LIST_RE.fullmatch(
                    _without_people(
                        text, found, ev.verb_end + BETWEEN_RE.search(gap).end(), p.start
                    )
                )
            ):
                # "were signed on Thursday between President X and his counterpart, Y"
                result.append((p, "signatory", "subject"))
            elif SIGNING_FOR_RE.fullmatch(gap) and not ev.nominal:
                # "Signing for India was Minister X"
                result.append((p, "signatory", "subject"))
            elif by_at is not None and BY_LIST_RE.fullmatch(
                _without_people(text, found, by_at, p.start)
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
#: "signed ... between X and Y": people right after "between" sign (within the clause).
BETWEEN_RE = re.compile(
    r"^(?![^;:]{0,80}?\b(?:meetings?|talks|visit|summit|following|after|during|conversation|"
    r"discussions|concluded|held)\b[^;:]{0,80}?\bbetween\b)[^;:]{0,80}?\bbetween\s+"
)
BETWEEN_LIST_RE = re.compile(
    r"\s*(?:(?:and|the|,|(?:his|her|their)(?: [A-Z][\w-]*){0,2} counterparts?)\s*)*"
)
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
HONORIFIC_ALTERNATIVES = "|".join(
    re.escape(h.rstrip(".")) for h in sorted(HONORIFICS | {"His", "Her"}, key=len, reverse=True)
)
#: What may stand between "signed by" and each of the people it lists.
BY_LIST_RE = re.compile(
    r"\s*by\s+(?:(?:and(?: by)?|by|the|both|as well as|,|"
    r"(?:on behalf of|for|representing)(?: the)?(?: [A-Z][\w’'-]*)+"
    r"(?: of(?: the)?(?: [A-Z][\w’'-]*)+)?|"
    r"on the [A-Z][\w-]* side(?: by)?|"
    # "his South Korean counterpart, Trade Minister X"
    r"(?:his|her|their)(?: [A-Z][\w-]*){0,2} counterparts?|"
    # what an office's words leave: "Chairman of the Board of AzerGold CJSC"
    r"[A-Z][A-Za-z]*[A-Z]|"
    # forms of address before a name: "Mr.", "H.E.", "Shri"
    rf"(?:{HONORIFIC_ALTERNATIVES})\.?|"
    r"(?:in|at) [A-Z][\w’'-]*(?: [A-Z][\w’'-]*)?)\s*|\s+)*"
)
BY_RE = re.compile(
    r"\s+(?:(?:on|in|at)\s+[\w ,.]{1,30}?\s+|(?:today|yesterday|here),?\s+|"
    # "witnessed the signing of the memorandum by X and Y"
    r"(?:the\s+sign(?:ing|ature)\s+)?of\s+(?:the|a|an|this|their)\s+[\w -]{1,60}?\s+)?"
    r"(?P<by>by)\s+"
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
