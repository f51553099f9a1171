"""Turn a government press release into a proposed agreement record with evidence.

The extractor is a set of small, explainable rules rather than a statistical model:
every value it proposes comes from a sentence it can quote, and when the rules cannot
decide (two candidate dates, a signatory with no country) the field is left empty with a
warning for the editor. Proposals are reviewed by people before they are published, so
a missing value costs a few seconds while a wrong one may slip through; hence precision
over recall throughout.
"""

from __future__ import annotations

import datetime as dt
import re

from .commitments import propose_commitments
from .context import Evidence, Extraction, SignEvent, _Context, _evidence, _sentence_evidence
from .dates import find_dates
from .events import find_sign_events
from .gazetteer import CITY_COUNTRY
from .kind import KIND_LABEL, extract_kind
from .minerals import extract_minerals
from .parties import _agreement_sentence, extract_parties
from .place import (
    _city_in,
    _dateline,
    _event_place,
    _occasion_place,
    _other_city_named,
    _wire_dateline,
)
from .signatories import extract_signatories
from .signing_date import _best_events, _lead_date, _undated_signing_date, extract_signing_date
from .vocabulary import Vocabulary

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
#: Wording that announces a signing to come, or talks instead of signing.
PLANNED_RE = re.compile(
    r"\b(?:will|shall|is|are|was|were)\s+(?:(?:also|now)\s+)?(?:expected|set|due|scheduled|"
    r"poised|going)\s+to\b|\b(?:agreed|agree|plans?|planning|intends?|intend|aims?|decided)\s+"
    r"to\s+(?:negotiate|begin|start|launch|open|work towards|conclude|explore|develop|sign)\b|"
    r"\bwill\s+(?:sign|negotiate|conclude|finali[sz]e)\b|\b(?:launch(?:ed)?|open(?:ed)?|"
    r"start(?:ed)?|begin|began)\s+negotiations\b",
    re.IGNORECASE,
)


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


#: How many days after a signing a release's dateline still places it.
RECENT_DAYS = 2


VISIT_TO_RE = re.compile(r"\b(?:visit|trip|tour)\s+to\s+(?:the\s+)?")


def _visit_abroad(ctx: _Context) -> bool:
    """Whether the lead tells of a visit to a country other than the dateline's: "JAKARTA
    -- the minister, accompanying the President on a state visit to China, signed"."""
    dl = _dateline(ctx)
    home = CITY_COUNTRY.get(dl[0]) if dl else None
    for s in ctx.sentences[:3]:
        for m in VISIT_TO_RE.finditer(s.text):
            at = s.start + m.end()
            mention = next(iter(ctx.mentions_in(at, at + 40)), None)
            if mention is not None and mention.start == at and mention.code != home:
                return True
    return False


def _dated_otherwise(ctx: _Context, ev: SignEvent, signed_on: dt.date) -> bool:
    """Whether the words right after a signing verb date it to another day than the
    agreement's signing ("signed by the two officials in Perth on February 21, 2023")."""
    end = min(ev.sentence.end, ev.verb_end + 80)
    clause = re.split(r"[;,]", ctx.text[ev.verb_end : end], maxsplit=1)[0]
    dates = find_dates(ctx.text, ev.verb_end, ev.verb_end + len(clause), ctx.published_on)
    return any(d.value is not None and d.value != signed_on for d in dates)


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
            if signed_on is not None and _dated_otherwise(ctx, ev, signed_on):
                continue  # "the MoU, which was signed in Perth on February 21": another day
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
        # A signing reported within a few days of the release, with no place of its own: the
        # dateline's city, a news agency's bureau included ("BEIJING, Sept. 28 (Xinhua) --
        # China and South Africa on Wednesday signed"), unless a sentence about the signing
        # names another city.
        recent = (
            signed_on is not None
            and 0 <= (published_on - signed_on).days <= RECENT_DAYS
            and date_mention is not None
            and date_mention.relative
            and not _visit_abroad(ctx)
        )
        if not signed_place and (told_today or said_here or recent):
            dl = _dateline(ctx)
            if dl and (
                (_wire_dateline(ctx, dl) and not recent) or _other_city_named(ctx, past, dl[0])
            ):
                dl = None
            if dl:
                city, ps, pe = dl
                signed_place = text[ps:pe].title() if text[ps:pe].isupper() else text[ps:pe]
                signed_country = CITY_COUNTRY.get(city) or ctx.places.get(city)
                evidence["signed_place"] = [_evidence(text, ps, pe, 0.7)]
        if not signed_place:
            # nothing places the signing itself: the city of the visit, summit or forum the
            # lead tells of, in one of the parties' countries
            found = _occasion_place(ctx, parties)
            if found:
                signed_place, signed_country, ps, pe = found
                evidence["signed_place"] = [_evidence(text, ps, pe, 0.5)]
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

    commitments = [c.as_dict(text) for c in propose_commitments(text, ctx.sentences, published_on)]
    if commitments:
        evidence["commitments"] = [
            {**e, "value": c["text"]} for c in commitments for e in c["evidence"]
        ]

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
        "commitments": commitments,
    }
    return Extraction(proposal=proposal, evidence=evidence, warnings=warnings)
