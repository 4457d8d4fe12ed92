"""Time in sentences, the one date finder: spot temporal expressions; resolve relative days
("Wednesday", "yesterday") against the publication date of the article they appear in
(``resolve_day``, plain calendar arithmetic); find explicit dates with their precision
(``find_dates``: regexes locate them, dateparser reads them relative to the publication date);
and the days between two dated days of one sentence (``elapsed``).

>>> from datetime import date
>>> annotate_relative_dates("The army said Wednesday it fired.", date(2023, 11, 9))
'The army said Wednesday [8 November 2023] it fired.'
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from rag.models import format_date
from rag.nlp.numbers import Derivation

_WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
WEEKDAYS, MONTHS = _WEEKDAYS, _MONTHS
_RELATIVE = re.compile(rf"\b(?:(?:last|this|on|since|until|by)\s+)?({_WEEKDAYS}|yesterday|today)(?:['’]s)?\b", re.I)
TEMPORAL = re.compile(
    rf"\b((1[89]|20)\d\d|{_WEEKDAYS}|{_MONTHS}|yesterday|today|tomorrow|week|weeks|month|months|"
    r"year|years|decade|ago|since|until|after|before|earlier|later|recently|dawn|morning|evening|night)\b",
    re.I,
)


def is_year(text: str) -> bool:
    """A year as a number is written: "2019" (1900-2099)."""
    return re.fullmatch(_YEAR, text) is not None


def has_temporal(text: str) -> bool:
    return bool(TEMPORAL.search(text))


_DAY_INDEX = {d: i for i, d in enumerate(_WEEKDAYS.split("|"))}


def resolve_day(word: str, published: date) -> date | None:
    """The date a weekday, 'yesterday' or 'today' names in an article published on ``published``.

    A bare weekday in news copy means the most recent such day up to the publication date
    (the publication day itself when it is that weekday).

    >>> resolve_day("Wednesday", date(2023, 11, 9)), resolve_day("Thursday", date(2023, 11, 9))
    (datetime.date(2023, 11, 8), datetime.date(2023, 11, 9))
    """
    w = word.lower()
    if w == "today":
        return published
    if w == "yesterday":
        return published - timedelta(days=1)
    if w in _DAY_INDEX:
        return published - timedelta(days=(published.weekday() - _DAY_INDEX[w]) % 7)
    return None


def annotate_relative_dates(sentence: str, published: date | None) -> str:
    """Insert the resolved date after each relative day name, in square brackets."""
    if published is None:
        return sentence
    out, pos = [], 0
    for m in _RELATIVE.finditer(sentence):
        if m.group(0).lower().startswith(("last ", "this ")):
            continue  # "last Wednesday" is ambiguous between editors; leave it as written
        d = resolve_day(m.group(1), published)
        if d is None:
            continue
        out.append(sentence[pos:m.end()] + f" [{format_date(d)}]")
        pos = m.end()
    out.append(sentence[pos:])
    return "".join(out)


ELAPSED = re.compile(r"^how (?:many (?P<unit>days|weeks)|long)\b.*\b(?:between|since|after|passed|elapsed|take|took|"
                     r"later|before|until)\b", re.I)


def elapsed(sentence: str, published: date, unit: str = "days") -> Derivation | None:
    """The time between the two days a sentence dates: "turned back on 16 September reached the
    town on 21 September" -> 21 September 2025 - 16 September 2025 = 5 days. Nothing unless the
    sentence holds exactly two dated days."""
    days = [d for d in find_dates(sentence, published) if d.precision == "day"]
    if len(days) != 2 or days[0].day == days[1].day:
        return None
    first, last = sorted(days, key=lambda d: d.day)
    n = (last.day - first.day).days
    amount = f"{n // 7} weeks" if unit == "weeks" and n % 7 == 0 else f"{n} day{'s' if n != 1 else ''}"
    return Derivation(float(n), f"{format_date(last.day)} - {format_date(first.day)} = {amount}",
                      (first.phrase, last.phrase))


Precision = Literal["day", "month", "year"]
PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_MONTH_NUM = {m: i for i, m in enumerate(MONTH_NAMES, 1)} | {m[:3]: i for i, m in enumerate(MONTH_NAMES, 1)} | {"Sept": 9}
_MONTH = r"(?P<month>" + "|".join(MONTH_NAMES) + r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_FULL_MONTH = r"(?P<month>" + "|".join(MONTH_NAMES) + ")"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_LEAD = (r"(?:[Ii]n|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]y|[Ff]rom|[Dd]uring|[Oo]f|[Tt]hrough|[Bb]efore|[Aa]fter|"
         r"[Bb]etween|and|to|[Ee]arly|[Mm]id|[Ll]ate)[- ]")  # a bare month or year only after one of these
_PLURAL = r"(?!(?:was|has|is|as|its|this|his|always|less|unless|across|whereas)\b)[a-z]+s\b"  # "2000 troops"
_PATTERNS: list[tuple[Precision, re.Pattern[str]]] = [
    ("day", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")),
    ("day", re.compile(rf"\b{_MONTH}\s+{_DAY}\b(?!,\d|\.\d)(?:,?\s+{_YEAR}\b)?")),
    ("month", re.compile(rf"\b(?:(?:early|mid|late)[- ])?{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("month", re.compile(rf"\b{_LEAD}(?:(?:early|mid|late)[- ])?{_FULL_MONTH}\b(?![-\s]*\d)")),
    ("year", re.compile(rf"\b{_LEAD}{_YEAR}\b(?![\d,.]\d|\s+{_PLURAL})")),
]
_WEEKDAY = re.compile(r"\b(?:(?P<mod>[Ll]ast|[Tt]his|[Nn]ext)\s+)?(?P<word>Monday|Tuesday|Wednesday|Thursday|Friday|"
                      r"Saturday|Sunday|[Yy]esterday|[Tt]oday)(?:['’]s)?\b")
_REPORTED = re.compile(r"\b(?:said|says|told|announced|reported|stated)\s+(?:\w+\s+){0,2}(?:on\s+)?$")
_LAST = re.compile(r"\b(?P<mod>last|this) (?P<unit>month|year)\b", re.I)
FUTURE = re.compile(r"\b(will|would|shall|won't|is due|are due|due to|plans?|planned|planning|expected to|"
                    r"scheduled|upcoming|coming|next)\b", re.I)


@dataclass(frozen=True)
class DateMention:
    day: date  # the first day of the period
    precision: Precision
    phrase: str  # as written in the sentence
    start: int  # offsets in the sentence
    end: int


def period_end(day: date, precision: Precision) -> date:
    """The last day of the period: ``period_end(date(2024, 2, 1), "month") == date(2024, 2, 29)``."""
    if precision == "day":
        return day
    if precision == "month":
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day.replace(month=12, day=31)


def main_date(dates: Sequence[DateMention]) -> DateMention | None:
    """The date an event is filed under: the most precise, the first on a tie."""
    return min(dates, key=lambda d: (PRECISION_RANK[d.precision], d.start)) if dates else None


def format_when(day: date, precision: Precision) -> str:
    """``format_when(date(2023, 11, 9), "day") == '9 Nov 2023'``; month -> 'Jun 2023'; year -> '2013'."""
    if precision == "year":
        return str(day.year)
    return (f"{day.day} " if precision == "day" else "") + f"{day.strftime('%b')} {day.year}"


@functools.lru_cache(maxsize=4096)
def _parse(phrase: str, base: date, prefer: str) -> date | None:
    import dateparser

    settings: Any = {"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": prefer,
                     "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _resolve(phrase: str, published: date, future_tense: bool, has_year: bool, month_only: bool) -> date | None:
    past = _parse(phrase, published, "past")
    if has_year:
        return past
    future = _parse(phrase, published, "future")
    if past is None or future is None or past == future:
        return past or future
    ahead, back = (future - published).days, (published - past).days
    if month_only:  # in whole months: "in April" written in mid-March is next month
        ahead = (future.year - published.year) * 12 + future.month - published.month
        back = (published.year - past.year) * 12 + published.month - past.month
        near, far, recent = 2, 10, 1
    else:
        near, far, recent = 92, 270, 31
    return future if (future_tense and back > recent) or (ahead <= near and back >= far) else past


def find_dates(sentence: str, published: date) -> list[DateMention]:
    """Explicit date expressions in ``sentence``, resolved against ``published``, in text order.

    >>> [(d.day.isoformat(), d.precision) for d in find_dates("It fired on Tuesday, in June and in 2013.",
    ...                                                       date(2023, 11, 9))]
    [('2023-11-07', 'day'), ('2023-06-01', 'month'), ('2013-01-01', 'year')]
    """
    future = bool(FUTURE.search(sentence))
    found: list[DateMention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= d.start or s >= d.end for d in found)

    for precision, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if not free(m.start(), m.end()):
                continue
            g = m.groupdict()
            month = _MONTH_NUM.get(g.get("month") or "", 0)
            if precision == "year":
                day: date | None = date(int(g["year"]), 1, 1)
            elif precision == "month" and not g.get("year") and month == published.month:
                day = published.replace(day=1)
            else:
                phrase = " ".join(x for x in (g.get("day"), MONTH_NAMES[month - 1], g.get("year")) if x)
                day = _resolve(phrase, published, future, bool(g.get("year")), precision == "month")
                day = day.replace(day=1) if day and precision == "month" else day
            if day and (precision != "day" or day.day == int(g["day"])) and day.year <= published.year + 10:
                found.append(DateMention(day, precision, m.group(0), m.start(), m.end()))
    for m in _WEEKDAY.finditer(sentence):
        if m.group("mod") or not free(m.start(), m.end()):
            continue  # "last Tuesday" is ambiguous between editors
        word = m.group("word").lower()
        day = resolve_day(word, published)
        reported = _REPORTED.search(sentence[:m.start()])  # "said on Tuesday it would ..."
        if day and future and not reported and word not in ("yesterday", "today"):
            day = published + timedelta(days=(day.weekday() - published.weekday()) % 7)
        if day:
            found.append(DateMention(day, "day", m.group(0), m.start(), m.end()))
    for m in _LAST.finditer(sentence):
        if free(m.start(), m.end()):
            last = m.group("mod").lower() == "last"
            if m.group("unit").lower() == "month":
                first = published.replace(day=1)
                day = (first - timedelta(days=1)).replace(day=1) if last else first
                found.append(DateMention(day, "month", m.group(0), m.start(), m.end()))
            else:
                found.append(DateMention(date(published.year - last, 1, 1), "year", m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)
