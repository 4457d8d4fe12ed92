"""Figures the sources imply but do not state, each with its arithmetic shown and every operand
cited: the rest of a total ("11 - 4 = 7 bases remain"), a funding gap, days between two dates,
a count of listed names, a sum across sentences, the change of one count between two reports
("from 12 to 20", or two dated figures). One-sentence patterns are ``nlp.numbers``' and
``nlp.dates.elapsed``; when unsure, nothing is derived and the answerer quotes the source.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date

from rag.answer.extractive.answer_types import predicate
from rag.answer.extractive.candidate import Candidate, Derived
from rag.answer.extractive.parts import months_agree, stated_change
from rag.nlp.dates import ELAPSED, elapsed, find_dates, is_year
from rag.nlp.lexicon import word_key
from rag.nlp.numbers import (
    MONEY_GAP,
    NUMBER,
    Derivation,
    figure_before,
    fmt,
    funding_gap,
    list_count,
    number_before,
    number_of,
    remainder,
    to_number,
)
from rag.nlp.parse import counted, parse
from rag.nlp.relations import in_date
from rag.nlp.text import STOPWORDS, sentence_spans, tokens
from rag.query.question import Question

_TO_DO = re.compile(r"\b(?:still|yet)\s+(?:\w+\s+)?to\b|\bhow many more\b|\bleft to\b|\bremain to be\b", re.I)
_SUM = re.compile(r"\b(?:altogether|in total|in all|combined|all told|together|between them)\b"
                  r"|\b(?:two|both|three|four)\b.*\b(?:total|sum)\b", re.I)
_HOW_MANY_PARTS = {"two": 2, "both": 2, "three": 3, "four": 4}


def derive(q: Question, top: Sequence[Candidate]) -> Derived | None:
    """A figure the sources imply but do not state: a funding gap, days elapsed, the rest of a
    total, a count of listed names. The newest source's wins; None when nothing fits."""
    found: list[tuple[Derivation, Candidate]] = []
    span = ELAPSED.search(q.text)
    for c in top:
        if MONEY_GAP.search(q.text):  # "how much is still missing from the appeal?"
            d = funding_gap(c.text)
        elif span and c.chunk.published:
            d = elapsed(c.text, c.chunk.published, (span.group("unit") or "days").lower())
        elif q.remainder or q.negated:
            # "still have to leave", "how many more": the rest of the same action, whatever its verb
            pred = None if _TO_DO.search(q.text) else predicate(q)
            d = remainder(c.text, q.focus, q.negated, pred)
            before = None if d else with_previous(c)  # "a convoy of 24 trucks ... 17 of the trucks"
            if before and (d := remainder(before.text, q.focus, q.negated, pred)):
                c = before
        elif q.focus and not any(number_before(x.text, q.focus) for x in top):
            noun = next((w for w in tokens(q.text) if word_key(w) == q.focus), q.focus)
            d = list_count(c.text, noun)
        else:
            d = None
        if d:
            found.append((d, c))
    if not found:
        return None
    # when sources of different dates give the figure, the newest one answers
    d, c = max(found, key=lambda f: f[1].chunk.published or date.min)
    return d, (c,)


def add_up(q: Question, top: Sequence[Candidate]) -> Derived | None:
    """"How many trucks did the two convoys bring altogether?": the figures of the best
    sentences that each count the noun, added up with every operand cited."""
    wanted = _SUM.search(q.text)
    if not wanted or not q.focus:
        return None
    parts_named = re.search(r"\b(two|both|three|four)\b", q.text, re.I)
    n = _HOW_MANY_PARTS[parts_named.group(1).lower()] if parts_named else 2
    parts: list[tuple[str, Candidate]] = []
    for c in top:
        figure = figure_before(c.text, q.focus)
        if (figure and not any(overlap(c, x) for _, x in parts)
                and figure not in {f for f, _ in parts}):
            parts.append((figure, c))
        if len(parts) == n:
            break
    parts.sort(key=lambda p: reading_order(p[1]))
    values = [to_number(f) for f, _ in parts]
    if len(parts) < n or any(v is None for v in values):
        return None
    total = sum(v for v in values if v is not None)
    noun = next((w for w in tokens(q.text) if word_key(w) == q.focus), q.focus)
    expression = " + ".join(fmt(v) for v in values if v is not None) + f" = {fmt(total)} {noun}"
    return Derivation(total, expression, tuple(f for f, _ in parts)), tuple(c for _, c in parts)


def with_previous(c: Candidate) -> Candidate | None:
    """The candidate with the sentence before it in the same paragraph, or None."""
    at = c.start - c.chunk.start
    text = c.chunk.text
    spans = [(a, b) for a, b in sentence_spans(text) if b <= at]
    if not spans or "\n\n" in text[spans[-1][1]:at]:
        return None
    a = spans[-1][0]
    return dataclasses.replace(c, start=c.chunk.start + a, text=text[a:c.end - c.chunk.start])


def reading_order(c: Candidate) -> tuple[date, str, int]:
    """Older sources first, then each article in text order."""
    return c.chunk.published or date.min, c.chunk.article_id, c.start


def overlap(a: Candidate, b: Candidate) -> bool:
    return a.chunk.article_id == b.chunk.article_id and a.start < b.end and b.start < a.end


_NOT_CONCEPT = """
    estimate estimates figure figures count number total tally rise rose grow grew increase increased fall fell
    drop dropped change changed jump jumped early mid late update updated previous latest first second third
    new old earlier later between official officials count counts report reports two both sources source
""".split()  # noqa: SIM905  (words of the comparison, not of what is compared)
_NOT_A_COUNT = re.compile(r"^\s*(?:percent|per cent|%|km|kilomet|metre|meter|hours?|days?|weeks?|months?|years?|"
                          r"million|billion|bn)\b",
                          re.I)


def _main_figure(text: str) -> tuple[str, float, str] | None:
    """The first count in the sentence, as (written figure, value, counted noun as written); a day
    beside its month is not a count ("As of 20 January 2021, over 84,000 individuals": dev h1-104
    compared the days of two reports' dates, which ``checked`` then refused, so no change was
    shown; with days skipped, train h1-010 and h7-020 showed wrong changes until
    ``_of_named_reports`` and ``_covers`` held them)."""
    named = re.search(r"\b(?:number|total|tally|count) of ([A-Za-z][\w'-]*)", text)
    stated = number_of(text, word_key(named.group(1).lower())) if named else None  # "the number of people ... to N"
    if named and stated and (value := to_number(stated)) is not None:
        return stated, value, named.group(1)
    days = {t.idx for t in parse([text])[0] if t.like_num and in_date(t)}
    for m in NUMBER.finditer(text):
        value = to_number(m.group(1))
        if value is None or _NOT_A_COUNT.match(text[m.end():]) or is_year(m.group(1)) or m.start(1) in days:
            continue
        noun = next((w for w in re.findall(r"[A-Za-z][\w'-]*", text[m.end():m.end() + 40])[:3]
                     if w.lower() not in STOPWORDS and not w.endswith("ed")), None)
        if noun:
            return m.group(1), value, noun
    return None


def difference(q: Question, top: Sequence[Candidate]) -> Derived | None:
    """"By how much did the estimate rise between the early count and the latest update?": the
    oldest and the newest source's figure of one count, subtracted, both cited. Nothing unless
    both sentences speak of what the question names and count the same noun."""
    if not q.compares:
        return None
    names = {word_key(t) for n in q.names for t in tokens(n)}
    generic = {word_key(w) for w in _NOT_CONCEPT} | names
    concept = {t for t in q.terms if t not in generic} or {t for t in q.terms if t in names}
    for c in top[:3]:  # one sentence that gives both: "imports fell from 42,000 tonnes in April to 6,500"
        stated = (from_to(c.text) if months_agree(q, c) else None) or stated_change(q, c)
        if stated and concept & {word_key(t) for t in tokens(c.text)}:
            return stated, (c,)
    figures = []
    for c in top:
        found = _main_figure(c.text)
        if found and c.chunk.published and concept & {word_key(t) for t in tokens(c.text)}:
            figures.append((c.chunk.published, found, c))
    figures, named = _of_named_reports(q, figures)
    # the best sentence's count decides what is compared, unless its figures miss a report the
    # question names: then the next count that has them all (train h7-020)
    nouns = list(dict.fromkeys(word_key(f[1][2].lower()) for f in figures))
    for noun in nouns if named else nouns[:1]:
        same = sorted((f for f in figures if word_key(f[1][2].lower()) == noun), key=lambda f: (f[0], f[2].start))
        if _covers(same, named):
            break
    else:
        return None
    (d0, (w0, v0, _), c0), (d1, (w1, v1, word), c1) = same[0], same[-1]
    if d0 == d1 or v0 == v1:
        return None
    change = v1 - v0
    said = f"{fmt(v1)} - {fmt(v0)} = {fmt(change)} {word}" if change > 0 else \
        f"{fmt(v0)} - {fmt(v1)} = {fmt(-change)} {word} fewer"
    return Derivation(change, said, (w0, w1)), (c0, c1)


def _of_named_reports(q: Question, figures: list) -> tuple[list, set]:
    """"Between OCHA's 1 October and 15 October reports": only the figures of reports published on
    the dates the question names (a named day: within three days of it; a named month: in it), when
    it names two or more (returned too: each must have its report, ``_covers``). Days
    count: two reports of one month ("between the 22 and 28 May updates") are told apart by their
    day. A question naming years takes only reports of those years: "between 22 and 28 May 2014"
    names one day (spaCy and dateparser read "22" alone as no date), and a 2022 report's "399
    cases" elsewhere was subtracted from the 2014 sentence's 395 (train h1-010); "between its
    March 2018 and May 2019 updates" had no May 2019 report, and two of March 2018 were compared
    (train h7-020)."""
    if not figures:
        return [], set()
    newest = max(f[0] for f in figures)
    found = find_dates(q.text, newest)
    years = {d.day.year for d in found}
    if years:
        figures = [f for f in figures if f[0].year in years]
    named = {(d.day, d.precision) for d in found if d.precision in ("day", "month")}
    if len({day for day, _ in named}) < 2:
        return figures, set()
    return [f for f in figures if any(_near(f[0], day, precision) for day, precision in named)], named


def _near(published: date, day: date, precision: str) -> bool:
    return (abs((published - day).days) <= 3 if precision == "day"
            else (published.year, published.month) == (day.year, day.month))


def _covers(figures: list, named: set) -> bool:
    """Figures of two report dates or more, with a report for each date the question names."""
    return len({f[0] for f in figures}) >= 2 and all(
        any(_near(f[0], day, precision) for f in figures) for day, precision in named)


_FIG = r"(?:about\s+|some\s+|around\s+|nearly\s+)?(\d[\d,]*(?:\.\d+)?)(?:\s+(million|billion))?(?:\s+([a-z]+))?"
_FROM_TO = re.compile(r"\b(fell|dropped|declined|decreased|plunged|slumped|shrank|rose|increased|grew|jumped|climbed|"
                      rf"soared|swelled|went up|went down)\b[^.;]{{0,60}}?\bfrom\s+{_FIG}[^.;]{{0,40}}?\bto\s+{_FIG}",
                      re.I)


def from_to(sentence: str) -> Derivation | None:
    """The change a sentence states as "fell from X to Y": the difference, with its unit.

    >>> from_to("Imports fell from 42,000 tonnes in April to 6,500 tonnes in May, officials said.").expression
    '42,000 - 6,500 = 35,500 tonnes less'
    >>> from_to("The toll rose from 12 to 30.").expression
    '30 - 12 = 18 more'
    """
    m = _FROM_TO.search(sentence)
    if not m:
        return None
    a, scale_a, unit_a, b, scale_b, unit_b = m.group(2, 3, 4, 5, 6, 7)
    x, y = to_number(a), to_number(b)
    if x is None or y is None or (scale_a or "") != (scale_b or "") or (unit_a and unit_b and unit_a != unit_b):
        return None  # "from 3 million to 900,000": not the same unit; quote it
    unit = " ".join(w for w in (scale_a, unit_a or unit_b) if w)
    unit = f" {unit}" if unit else ""
    if y < x:
        return Derivation(x - y, f"{fmt(x)} - {fmt(y)} = {fmt(x - y)}{unit} less", (a, b))
    return Derivation(y - x, f"{fmt(y)} - {fmt(x)} = {fmt(y - x)}{unit} more", (b, a))


def checked(found: Derived | None) -> Derived | None:
    """A derived figure kept only when the parse agrees that its operands are counts of one thing.

    Figures from two or more sentences must count the same noun (lemma), governed by the same
    verb when summed (a change between reports may say "fled" in one and "displaced" in the
    other); no operand may be part of a date ("28 - 20 = 8 January" subtracted days of
    the month); the counted noun must be a noun ("internally" is not what 87,000 counts). Elapsed
    days and counts of listed names carry no figure operands and pass. When this fails the
    answerer quotes the figures with their citations instead of computing.
    """
    if found is None:
        return None
    d, cands = found
    # figures written in digits or in words ("four additional trucks"): a word left out once let
    # "163 + 4 = 167 lorries" add trucks involved in one convoy to trucks that arrived elsewhere
    figures = [f for f in d.operands
               if any(ch.isdigit() for ch in f) or (f.split() and to_number(f.split()[0]) is not None)]
    if not figures or len(cands) == 0 or all(find_dates(f, date.today()) for f in figures):
        return found  # days between two dates: the operands are dates, not counts
    texts = [c.text for c in cands]
    docs = parse(texts)
    counts: list[tuple[str, str]] = []
    for figure in figures:
        seen = None
        for doc in docs:
            token = next((t for t in doc if t.text == figure.split()[0]), None)
            if token is not None:
                if token.ent_type_ == "TIME" or (token.ent_type_ == "DATE" and in_date(token)):
                    return None  # a day or a year; not every figure spaCy tags DATE ("since January 2019, 3264")
                seen = counted(doc, figure)
                noun_pos = next((t.pos_ for t in doc if t.lemma_.lower() == (seen or ("", ""))[0]), "")
                if seen and noun_pos not in ("NOUN", "PROPN", "NUM"):
                    return None
                break
        if seen is not None:
            counts.append(seen)
    if len(cands) > 1:
        if len(counts) < len(figures) or len({n for n, _ in counts}) > 1:
            return None
        if " + " in d.expression and len({v for _, v in counts if v}) > 1:
            return None  # housed in a camp + arrived elsewhere: two different counts
        if " + " in d.expression and len({c.chunk.article_id for c in cands}) < len(cands):
            return None  # one report's sentences restate its totals ("two killed on 23 May"; "to date, 6")
    return found
