"""Answers to "what happened after 1 November?" and "latest on Dorvan": a list of dated
developments, each line quoting and citing its sentence, instead of one best passage.

A period question lists the events the sources date inside the window (``rag.nlp.dates.find_dates``: one
event per sentence with an explicit date, weekdays resolved), in date order, plans marked as
such. A "latest" question lists what the newest sources say about the topic, newest first: dated
events and, from the articles themselves, undated sentences carrying a number, a date or a named
actor, dated by their article (a plan counts from the day it was announced). A topic left over
from the question ("in Dorvan", "about the convoy") keeps the sentences that mention it.

Only articles published on or after a window opens can report an event inside it, so the others
are not read. When nothing qualifies the answer says so, with the period the sources cover.
It does not merge one event reported by several articles (near-identical sentences are shown
once) or rank developments by importance.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rag.cite.citations import DASH, INSTRUCTION, make_citation, with_marker
from rag.index.filters import Filters
from rag.models import Answer, Chunk, Citation, format_date
from rag.nlp.dates import find_dates, format_when, main_date, period_end
from rag.nlp.lexicon import content_terms, word_key
from rag.nlp.numbers import has_number
from rag.nlp.sentences import Sentence, sentences_of
from rag.nlp.similarity import jaccard, shingles
from rag.nlp.text import tokens
from rag.query.timeframe import TimeFrame

if TYPE_CHECKING:
    from rag.retrieval.view import IndexView

MAX_LINES = 8
MAX_LATEST = 5
MAX_CHUNKS = 2000  # read at most this many passages for one question (the nearest in time)


@dataclass(frozen=True)
class _Line:
    sentence: Sentence
    day: date  # the event's date, or its article's for an undated sentence
    label: str
    planned: bool

    @property
    def reported(self) -> date:
        return self.sentence.chunk.published or self.day


def _mentions(text: str, wanted: tuple[str, ...]) -> bool:
    """All topic words (stemmed) for a short topic, two thirds of them for a longer one."""
    have = {word_key(t) for t in tokens(text)}
    need = len(wanted) if len(wanted) <= 2 else math.ceil(len(wanted) * 2 / 3)
    return sum(w in have for w in wanted) >= need


def _pool(view: IndexView, frame: TimeFrame, filters: Filters,
          wanted: tuple[str, ...]) -> tuple[list[Chunk], bool]:
    """The passages that may hold an answer, nearest the window in time; True when capped."""
    opens = max(filter(None, (frame.date_from, filters.date_from)), default=None)
    narrowed = Filters(filters.article_ids, opens, filters.date_to)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, wanted)) + ")", re.I) if wanted else None
    chunks = [c for c in view.passages()
              if narrowed.accepts(c) and (pattern is None or pattern.search(c.text))]
    anchor = frame.date_from or frame.date_to
    if frame.latest or anchor is None:
        chunks.sort(key=lambda c: c.published or date.min, reverse=True)
    else:
        chunks.sort(key=lambda c: abs(((c.published or date.min) - anchor).days))
    return chunks[:MAX_CHUNKS], len(chunks) > MAX_CHUNKS


def _in_window(day: date, end: date, frame: TimeFrame) -> bool:
    return (frame.date_from is None or end >= frame.date_from) and (frame.date_to is None or day <= frame.date_to)


def _lines(sentences: list[Sentence], frame: TimeFrame, wanted: tuple[str, ...]) -> list[_Line]:
    out = []
    for s in sentences:
        pub = s.chunk.published
        if pub is None or INSTRUCTION.search(s.text) or (wanted and not _mentions(s.text, wanted)):
            continue
        best = main_date(find_dates(s.text, pub))
        if best is not None:
            if frame.window and not _in_window(best.day, period_end(best.day, best.precision), frame):
                continue
            out.append(_Line(s, best.day, format_when(best.day, best.precision), best.day > pub))
        elif frame.latest and not frame.window and len(s.text.split()) >= 6 and has_number(s.text):
            out.append(_Line(s, pub, format_when(pub, "day"), False))
    return out


def _distinct(lines: list[_Line], limit: int) -> list[_Line]:
    kept: list[tuple[_Line, set[str]]] = []
    for line in lines:
        sh = shingles(line.sentence.text)
        if not any(jaccard(sh, other) >= 0.6 for _, other in kept):
            kept.append((line, sh))
        if len(kept) == limit:
            break
    return [line for line, _ in kept]


def _render(lines: list[_Line]) -> tuple[list[str], tuple[Citation, ...]]:
    rows, cites = [], []
    for n, line in enumerate(lines, start=1):
        s = line.sentence
        cites.append(make_citation(n, s.chunk, s.text, s.start, s.end, 1.0))
        when = f"{line.label}{' (planned)' if line.planned else ''}"
        rows.append(f"- {when} {DASH} {with_marker(s.text.rstrip(), f'[{n}]')}")
    return rows, tuple(cites)


def answer_dated(view: IndexView, question: str, frame: TimeFrame, filters: Filters) -> Answer:
    """The dated developments ``frame`` asks for, or an honest "none" with the period covered."""
    wanted = tuple(content_terms(frame.topic))  # stemmed, without repeats
    chunks, capped = _pool(view, frame, filters, wanted)
    lines = _lines(sentences_of(chunks), frame, wanted)
    about = f" about {frame.topic}" if frame.topic else ""
    if frame.latest and not frame.window:
        lines.sort(key=lambda ln: (min(ln.day, ln.reported), ln.reported), reverse=True)
        lines = _distinct(lines, MAX_LATEST)
    else:
        lines.sort(key=lambda ln: (ln.day, ln.reported, ln.sentence.chunk.article_id, ln.sentence.start))
        lines = _distinct(lines, 10 * MAX_LINES)
    notice = (f"Only the {MAX_CHUNKS:,} passages nearest in time were read; name a place or actor to narrow "
              "the question.") if capped else ""
    if not lines:
        span = view.published_span()
        covered = " No dated article is indexed."
        if span:
            first, last = map(format_date, span)
            when = f"on {first}" if first == last else f"between {first} and {last}"
            covered = f" The indexed articles were published {when}."
        what = "recent development" if frame.latest and not frame.window else f"dated event {frame.label}"
        return Answer(question=question, text=f"The sources report no {what}{about}.{covered}", citations=(),
                      abstained=True, notice=notice, standalone_question=question)
    more = len(lines) - MAX_LINES
    lines = lines[:MAX_LINES]
    rows, cites = _render(lines)
    as_of = format_date(max(ln.reported for ln in lines))
    if frame.latest and not frame.window:
        head = f"The latest the sources report{about}, newest first (as of {as_of}):"
    else:
        count = f"{len(lines)}{f' of {len(lines) + more}' if more > 0 else ''}"
        head = f"As of {as_of}, the sources date {count} event{'s' if len(lines) + max(more, 0) != 1 else ''} " \
               f"{frame.label}{about}:"
    tail = [f"{more} more in the Timeline tab (python -m rag timeline)."] if more > 0 else []
    return Answer(question=question, text="\n".join([head, *rows, *tail]), citations=cites, abstained=False,
                  notice=notice, standalone_question=question, answerer="extractive-timeline")
