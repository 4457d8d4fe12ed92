"""The time constraint of a question: "after 1 November", "since August", "before 2023",
"between 1 and 8 November", "in October 2023", "in the last two weeks", "latest on Dorvan".

Date expressions are found and parsed by ``rag.nlp.dates.find_dates`` (regexes locate them,
dateparser resolves them); this module reads the word in front of each one ("after", "since",
"until", "between ... and", "in") and turns it into a window of days. Year-less dates and
relative windows are resolved against a reference day: the publication date of the newest
indexed article, the "now" of the collection (an archive of 2023 articles asked "after
1 November" means 1 November 2023, not the current year). Weekday names are not read: in a
question they are ambiguous between articles.

It also says whether the question asks for a list of developments ("what happened ...",
"latest on X", "any news about X") and what it is about once the time words are removed.
It does not retrieve or answer (see ``rag.chronicle``).

>>> from datetime import date
>>> f = parse_timeframe("What happened in Dorvan after 1 November?", date(2023, 11, 9))
>>> f.date_from, f.date_to, f.events, f.topic
(datetime.date(2023, 11, 2), None, True, 'Dorvan')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from rag.models import format_date
from rag.nlp.dates import FUTURE, MONTH_NAMES, DateMention, Precision, find_dates, period_end

_LEAD = re.compile(r"\b(after|since|from|before|prior to|until|till|through|to|by|up to|as of|in|during|on|"
                   r"throughout|between|and)\s+(?:the\s+)?(?:(?:early|mid|late|end of|beginning of|start of)"
                   r"[- ]?)?$", re.I)
_KIND = {"after": "after", "since": "since", "from": "since", "before": "before", "prior to": "before",
         "until": "until", "till": "until", "through": "until", "to": "until", "by": "until", "up to": "until",
         "as of": "until", "and": "until", "between": "since"}  # anything else: within the period
_PHRASE_LEAD = re.compile(r"^(since|until|till|by|from|during|of|through|before|after|between|and|to|in)\s+", re.I)
ONE_DAY = timedelta(days=1)
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "few": 3, "several": 3}
_RECENT = re.compile(r"\b(?:in|over|during|within|for)?\s*the\s+(?:last|past)\s+(\d+|a|an|one|two|three|four|five|"
                     r"six|seven|eight|nine|ten|few|several)?\s*(day|week|fortnight|month|year)s?\b", re.I)
_LATEST = re.compile(r"\b(latest|most recent|newest|recent(?:ly)?|what'?s new|news|updates?)\b", re.I)
_TAIL = (r"(?=\s*(?:$|[?.!]|on\b|about\b|in\b|at\b|from\b|regarding\b|concerning\b|for\b|with\b|news\b|"
         r"developments?\b|updates?\b))")
_EVENTS = re.compile(  # asks for developments, not one fact ("the latest figure" is one fact)
    r"^(?:so\s+|and\s+)?(?:what(?:'s|\s+has|\s+have|\s+had)?\s+(?:happened|been happening|is happening|was happening|"
    r"took place|occurred|went on|is going on|was going on)\b(?!\s+to\b)"
    r"|(?:what|which|any|list|give me|show me|tell me|summari[sz]e)\b.*\b(?:developments?|events?|news|updates?|"
    r"incidents?|the latest" + _TAIL + r")\b"
    r"|(?:the\s+)?(?:latest" + _TAIL + r"|news|updates?|recent developments?|events|developments|incidents)\b"
    r"|what'?s\s+(?:the\s+)?(?:latest|new)" + _TAIL + r")", re.I)
_STATE = re.compile(r"\b(still|remain\w*|yet|so far|by then|at the time|at that point|currently)\b", re.I)
_PART = re.compile(r"\b(early|mid|late|end|beginning|start)(?:[- ]+(?:of|the|month|in))*[- ]+(?:" + "|".join(MONTH_NAMES)
                   + r")\b", re.I)
_SCAFFOLD = frozenset("""
    what what's whats which any list give show tell me summarise summarize has have had happened happening is was
    been going on took place occurred went the latest most recent recently newest news update updates development
    developments event events incident incidents there were key main new so and about in regarding concerning for
    with of at a an to did do does
""".split())  # noqa: SIM905
_MAY_AS_MONTH = re.compile(r"(?:(?<=\d )|(?<=\bin )|(?<=\bby )|(?<=\bof )|(?<=since )|(?<=until )|(?<=after )|"
                           r"(?<=before ))may\b|\bmay(?= \d)", re.I)
_MONTH_WORD = re.compile(r"\b(" + "|".join(m for m in MONTH_NAMES if m != "May") + r"|jan|feb|mar|apr|jun|jul|aug|sep|"
                         r"sept|oct|nov|dec)\b\.?", re.I)

_DAY_RANGE = re.compile(r"\b(?P<a>[0-3]?\d)(?:st|nd|rd|th)?\s*(?P<sep>and|to|until|-|–)\s*"
                        r"(?P<b>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month>" + "|".join(MONTH_NAMES) + r")\b")


@dataclass(frozen=True)
class TimeFrame:
    date_from: date | None  # first day of the window (inclusive)
    date_to: date | None  # last day of the window (inclusive)
    kind: str  # "after", "since", "before", "until", "within", "recent" or "latest"
    phrase: str  # the constraint as written
    topic: str  # the question without its time words and scaffolding ("Dorvan"); "" for none
    events: bool  # asks for a list of developments rather than one fact
    latest: bool
    state: bool = False  # asks how things stood ("still", "remain", "so far") rather than what happened

    @property
    def window(self) -> bool:
        return self.date_from is not None or self.date_to is not None

    @property
    def label(self) -> str:
        """'after 1 November 2023', 'between 1 November 2023 and 8 November 2023', 'latest'."""
        f, t = self.date_from, self.date_to
        if f and t:
            return f"on {format_date(f)}" if f == t else f"between {format_date(f)} and {format_date(t)}"
        if f:
            return f"after {format_date(f - ONE_DAY)}" if self.kind == "after" else f"since {format_date(f)}"
        if t:
            return f"before {format_date(t + ONE_DAY)}" if self.kind == "before" else f"up to {format_date(t)}"
        return "latest"

    def publication_window(self) -> tuple[date | None, date | None]:
        """Which articles can answer a fact question under this constraint: only those published on
        or after the window opens can report it; a closing bound ("before", "until", "as of") reads
        as "what the sources said by then". A closed period ("in October") keeps later articles,
        which may report it, except for a state ("in mid-March, how many were still closed?"),
        which is what the sources said by the end of that period."""
        if self.state and self.date_to:
            return None, self.date_to
        closing = self.date_to if self.kind in ("before", "until") else None
        return self.date_from, closing


def _normalise(text: str) -> str:
    """The date finder only trusts capitalised month names, and questions are often typed in lower
    case; "between 1 and 8 November" names the month once for two days."""
    text = _MONTH_WORD.sub(lambda m: m.group(0)[:1].upper() + m.group(0)[1:].lower(), text)
    text = _MAY_AS_MONTH.sub("May", text)
    return _DAY_RANGE.sub(lambda m: f"{m['a']} {m['month']} {m['sep']} {m['b']} {m['month']}", text)


@functools.lru_cache(maxsize=256)
def _ago(n: int, unit: str, reference: date) -> date:
    import dateparser

    parsed = dateparser.parse(f"{n} {unit}{'s' if n != 1 else ''} ago", languages=["en"],
                              settings={"RELATIVE_BASE": datetime(reference.year, reference.month, reference.day)})
    return parsed.date() if parsed else reference


def _lead(text: str, m: DateMention) -> tuple[str, int]:
    """The constraint word of a date mention and where the constraint phrase starts."""
    inside = _PHRASE_LEAD.match(m.phrase)
    if inside:
        return inside.group(1).lower(), m.start
    before = _LEAD.search(text[:m.start])
    if before:
        return before.group(1).lower(), before.start()
    return "", m.start


def _bounds(kind: str, day: date, precision: Precision, end: date | None = None) -> tuple[date | None, date | None]:
    end = end or period_end(day, precision)
    return {"after": (end + timedelta(days=1), None), "since": (day, None), "before": (None, day - timedelta(days=1)),
            "until": (None, end)}.get(kind, (day, end))


def _part_of_month(text: str, m: DateMention) -> tuple[date, Precision] | tuple[date, Precision, date]:
    """ "early/mid/late March", "the end of March": a third of the month."""
    part = _PART.search(text[max(0, m.start - 24):m.end])
    if m.precision != "month" or not part:
        return m.day, m.precision
    word = part.group(1).lower()
    last = period_end(m.day, "month")
    if word in ("early", "beginning", "start"):
        return m.day, "day", m.day.replace(day=10)
    if word == "mid":
        return m.day.replace(day=11), "day", m.day.replace(day=20)
    return m.day.replace(day=21), "day", last


def _topic(text: str, spans: list[tuple[int, int]]) -> str:
    for s, e in sorted(spans, reverse=True):
        text = text[:s] + " " + text[e:]
    words = [w for w in re.findall(r"[\w'’-]+", text) if w.lower().strip("'’") not in _SCAFFOLD]
    return " ".join(words).strip(" -'’")


def parse_timeframe(question: str, reference: date) -> TimeFrame | None:
    """The time constraint of ``question`` (None when it has none)."""
    text = _normalise(question.strip())
    mentions = [m for m in find_dates(text, reference)
                if not re.fullmatch(r"(?i)(?:\w+\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                                    r"yesterday|today)(?:['’]s)?", m.phrase)]
    date_from: date | None = None
    date_to: date | None = None
    kinds, spans, phrases = [], [], []
    past_tense = not FUTURE.search(text)
    for m in mentions:
        if past_tense and m.day > reference and not re.search(r"\b(?:19|20)\d\d\b", m.phrase):
            m = replace(m, day=m.day.replace(year=m.day.year - 1))  # "what happened after 1 December": the last one
        word, start = _lead(text, m)
        kind = _KIND.get(word, "within")
        if kind == "within" and word not in ("in", "during", "on", "of", "throughout", ""):
            continue
        lo, hi = _bounds(kind, *_part_of_month(text, m))
        date_from = max(filter(None, (date_from, lo)), default=None)
        date_to = min(filter(None, (date_to, hi)), default=None)
        kinds.append(kind)
        spans.append((start, m.end))
        phrases.append(text[start:m.end])
    recent = _RECENT.search(text)
    if recent:
        n = recent.group(1) or "1"
        count = int(n) if n.isdigit() else _NUMBER_WORDS.get(n.lower(), 1)
        unit = recent.group(2).lower()
        lo = _ago(count * (2 if unit == "fortnight" else 1), "week" if unit == "fortnight" else unit, reference)
        date_from = max(filter(None, (date_from, lo)), default=None)
        kinds.append("recent")
        spans.append(recent.span())
        phrases.append(recent.group(0).strip())
    latest = bool(_LATEST.search(text))
    events = bool(_EVENTS.search(text))
    if not kinds and not (latest and events):
        return None
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from  # "between 8 and 1 November": the user means the span
    kind = ("within" if len(set(kinds)) > 1 else kinds[0]) if kinds else "latest"
    if kinds and len(set(kinds)) > 1 and date_from and not date_to:
        kind = "since"
    if kinds and len(set(kinds)) > 1 and date_to and not date_from:
        kind = "until"
    return TimeFrame(date_from, date_to, kind, "; ".join(phrases) or "latest", _topic(text, spans),
                     events, latest, bool(_STATE.search(text)))


def follow_up_timeframe(question: str, standalone: str, reference: date) -> TimeFrame | None:
    """The constraint of a turn that may lean on the previous one: "And after 5 November?" after
    "What happened in Dorvan after 1 November?" asks the same about a new window."""
    own = parse_timeframe(question, reference)
    if own is None or standalone == question or own.events or own.topic:
        return own
    whole = parse_timeframe(standalone, reference)
    if whole is None or not whole.events:
        return own
    return TimeFrame(own.date_from, own.date_to, own.kind, own.phrase, whole.topic, True, own.latest)
