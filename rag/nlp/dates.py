"""Time in sentences: spot temporal expressions, and resolve relative days ("Wednesday",
"yesterday") against the publication date of the article they appear in, with dateparser.

>>> from datetime import date
>>> annotate_relative_dates("The army said Wednesday it fired.", date(2023, 11, 9))
'The army said Wednesday [8 November 2023] it fired.'
"""

from __future__ import annotations

import re
from datetime import date, timedelta

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
    from rag.insights.timeline import find_dates  # timeline builds on this module

    days = [d for d in find_dates(sentence, published) if d.precision == "day"]
    if len(days) != 2 or days[0].day == days[1].day:
        return None
    first, last = sorted(days, key=lambda d: d.day)
    n = (last.day - first.day).days
    amount = f"{n // 7} weeks" if unit == "weeks" and n % 7 == 0 else f"{n} day{'s' if n != 1 else ''}"
    return Derivation(float(n), f"{format_date(last.day)} - {format_date(first.day)} = {amount}",
                      (first.phrase, last.phrase))
