"""The date of signing: dates of the signing sentences, or of the lead for an undated one."""

from __future__ import annotations

import datetime as dt
import re

from .context import SignEvent, _Context
from .dates import DateMention, find_dates
from .events import _MONTHS_RE, BACKGROUND_TIME_RE, _background_time, _modifies_instrument
from .lexicon import ACTION_RE, KIND_RE, SIGN_RE
from .text import Sentence


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
