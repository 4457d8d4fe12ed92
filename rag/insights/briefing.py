"""A short situation briefing of what the indexed sources say: the key developments with their
dates and numbers, grouped by place, casualties first, at most ~8 lines, each line citing the
sentence it quotes.

Extractive by default: candidate sentences are those that carry a number, a date or a named actor
(a capitalised name or an acronym after the first word), less procedural lines and boilerplate
(``rag.insights.procedural``: "The following statement was issued by ...", "For more information,
contact ...", "X said in a statement." and the like, each rule a failure class). They are scored by
closeness to the centroid of all candidates (so the lines are about what the article set is about)
plus small bonuses for numbers, actors, newer sources, a date of their own (a day more than a
month; a bare year, mostly background, nothing) and the topic (``rag.insights.topics.topic_of``:
casualties, displacement, territory, access, other), less ``_REPEAT`` for each line of the same
topic already kept; near-duplicates (``near_duplicate``, or almost the same vector) are skipped.
Each line is "<date> — <sentence verbatim> [n]", the date being the sentence's own event date
when it has one (``rag.insights.timeline.event_date``: a year only mentioned, "founded in 2016",
"since 2012", is none), else its article's. Lines are read group by
group (``BriefLine.group``, ``Briefing.groups``: the line's country, or its town when all lines are
in one country; ``topics.place_groups``), the group with the gravest topic first; within a group by
topic (casualties, displacement, territory, access, other), then newest first, a plan ("a convoy on
12 April") counting from the day it was announced. Citations are numbered in reading order.
``since`` keeps sentences whose date (period end for a month or a year) is on or after it;
``place`` keeps sentences that name it.

With an LLM configured (``view.chat_model()``), the model writes the briefing from the numbered
candidate sentences (``prompts/brief.txt``) and every line goes through ``rag.cite.verifier.verify``;
its lines get the topic of their words and the group of the sentence they cite first, are put in
the same reading order and renumbered; a line without a date is given its sentence's date. When no
line verifies, or the server fails, the extractive briefing is returned with a notice.
It does not merge facts across sentences, compute changes between figures, or translate.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.cite.citations import DASH, INSTRUCTION, MARKER, Source, make_citation, with_marker
from rag.cite.verifier import verify
from rag.errors import PromptError
from rag.insights.procedural import procedural
from rag.insights.timeline import event_date, indexed_sentences
from rag.insights.topics import RANK, place_groups, topic_of
from rag.models import Chunk, Citation, format_date
from rag.nlp.dates import Precision, find_dates, format_when, period_end
from rag.nlp.numbers import has_number
from rag.nlp.sentences import Sentence
from rag.nlp.similarity import near_duplicate
from rag.nlp.text import STOPWORDS, sentence_spans
from rag.prompts import load_prompt

if TYPE_CHECKING:
    from rag.retrieval.view import IndexView

log = logging.getLogger(__name__)
PROMPT_VARIABLES = frozenset({"sentences", "as_of", "max_lines"})
_NOT_ACTORS = STOPWORDS | {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                           "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                           "saturday", "sunday"}
_CAPITALISED = re.compile(r"\b(?:[A-Z]{2,}|[A-Z][a-z][\w'’-]*)\b")
_DATED = {"day": 0.12, "month": 0.06, "year": 0.0}  # a dated development beats a background year
_TOPICAL = {"casualties": 0.12, "displacement": 0.1, "territory": 0.08, "access": 0.06}  # what a desk reads first
_REPEAT = 0.08  # so one topic of many similar lines does not fill the briefing


def has_actor(text: str) -> bool:
    """A name or acronym after the first word: ``has_actor("The army said") is False``."""
    return any(m.start() > 0 and m.group().lower().removesuffix("'s") not in _NOT_ACTORS
               for m in _CAPITALISED.finditer(text))


@dataclass(frozen=True)
class BriefLine:
    when: str  # "9 Nov 2023", "Jun 2023", "2013"; "" when the model's line gave none
    day: date | None
    text: str  # as shown, with its [n] marker(s)
    numbers: tuple[int, ...]
    topic: str = "other"  # "casualties" | "displacement" | "territory" | "access" | "other"
    group: str = ""  # the place heading it goes under (a country, or a town); "" when none is known


@dataclass(frozen=True)
class Briefing:
    lines: tuple[BriefLine, ...]
    citations: tuple[Citation, ...]
    as_of: date | None
    articles: int
    answerer: str = "extractive"  # | "llm" | "extractive-fallback"
    notice: str = ""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def groups(self) -> list[tuple[str, list[BriefLine]]]:
        """(heading, lines) in reading order; lines with no place under "Other", last."""
        out: dict[str, list[BriefLine]] = {}
        for line in self.lines:
            out.setdefault(line.group or "Other", []).append(line)
        return sorted(out.items(), key=lambda item: item[0] == "Other")

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat() if self.as_of else None, "articles": self.articles,
                "answerer": self.answerer, "notice": self.notice, "text": self.text,
                "lines": [{"date": ln.day.isoformat() if ln.day else None, "when": ln.when, "text": ln.text,
                           "citations": list(ln.numbers), "topic": ln.topic, "group": ln.group}
                          for ln in self.lines],
                "citations": [c.to_dict() for c in self.citations]}


@dataclass(frozen=True)
class _Candidate:
    sentence: Sentence
    day: date
    precision: Precision
    dated: bool  # the sentence has its own date (else ``day`` is its article's)
    score: float = 0.0
    topic: str = "other"


def _candidates(sentences: list[Sentence], since: date | None, place: str | None) -> list[_Candidate]:
    out = []
    for s in sentences:
        pub = s.chunk.published
        if len(s.text.split()) < 6 or len(s.text) > 420 or INSTRUCTION.search(s.text):
            continue
        if place and place.strip().lower() not in s.text.lower():
            continue
        best = event_date(s.text, pub) if pub else None
        day = best.day if best else pub
        precision: Precision = best.precision if best else "day"
        if day is None or not (best or has_number(s.text) or has_actor(s.text)):
            continue
        if since and period_end(day, precision) < since:
            continue
        kind = procedural(s.text)
        if kind:
            log.debug("briefing: dropped a %s line: %s", kind, s.text[:80])
            continue
        out.append(_Candidate(s, day, precision, best is not None, topic=topic_of(s.text)))
    return out


def _rank(view: IndexView, cands: list[_Candidate], limit: int) -> list[_Candidate]:
    """Score by centrality and content, then keep the best ``limit`` that are not near-duplicates,
    each line already kept of a topic costing the next of that topic ``_REPEAT``."""
    vectors = view.sentence_encoder().encode([c.sentence.text for c in cands])
    centroid = vectors.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    pubs = [c.sentence.chunk.published or date.min for c in cands]
    span = max((max(pubs) - min(pubs)).days, 1)
    scored = []
    for c, v, pub in zip(cands, vectors, pubs, strict=True):
        t = c.sentence.text
        bonus = (0.1 * has_number(t) + _DATED.get(c.precision, 0) * c.dated + 0.05 * has_actor(t)
                 + 0.1 * (pub - min(pubs)).days / span + _TOPICAL.get(c.topic, 0.0))
        scored.append((float(v @ centroid) + bonus, c, v))
    kept: list[tuple[_Candidate, np.ndarray]] = []
    per_topic: Counter[str] = Counter()
    while scored and len(kept) < limit:
        best = max(scored, key=lambda x: x[0] - _REPEAT * per_topic[x[1].topic])
        scored.remove(best)
        score, c, v = best
        if any(near_duplicate(c.sentence.text, k.sentence.text) or float(v @ kv) > 0.92 for k, kv in kept):
            continue
        kept.append((replace(c, score=score), v))
        per_topic[c.topic] += 1
    return [c for c, _ in kept]


def _newest_first(cands: list[_Candidate]) -> list[_Candidate]:
    """By the date of the development; a plan ("a convoy on 12 April") counts from when it was announced."""
    def key(c: _Candidate) -> tuple[date, date, int]:
        pub = c.sentence.chunk.published or c.day
        return min(c.day, pub), pub, -c.sentence.start

    return sorted(cands, key=key, reverse=True)


def reading_order(groups: list[str], topics: list[str]) -> list[int]:
    """Positions of items given newest first, in reading order: by group (the one holding the
    gravest topic first, then the larger, no place last), within it by topic, then as given."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[g].append(i)
    rank = {g: (g == "", min(RANK[topics[i]] for i in ix), -len(ix), ix[0]) for g, ix in members.items()}
    return sorted(range(len(groups)), key=lambda i: (rank[groups[i]], RANK[topics[i]], i))


def extractive(cands: list[_Candidate], context: list[Sentence]) -> tuple[tuple[BriefLine, ...], tuple[Citation, ...]]:
    newest = _newest_first(cands)
    groups = place_groups([c.sentence for c in newest], context)
    lines, cites = [], []
    for n, i in enumerate(reading_order(groups, [c.topic for c in newest]), start=1):
        c, s = newest[i], newest[i].sentence
        when = format_when(c.day, c.precision)
        cites.append(make_citation(n, s.chunk, s.text, s.start, s.end, 1.0))
        lines.append(BriefLine(when, c.day, f"{when} {DASH} {with_marker(s.text, f'[{n}]')}", (n,), c.topic, groups[i]))
    return tuple(lines), tuple(cites)


def _sentence_chunk(s: Sentence) -> Chunk:
    """The sentence as a one-sentence source (its own id, so two sentences of a chunk stay apart)."""
    return replace(s.chunk, id=f"{s.chunk.id}:{s.start}", start=s.start, end=s.end, text=s.text)


def format_sentences(sources: list[Source], cands: list[_Candidate]) -> str:
    """Numbered sentences for the prompt, fenced as data like ``generative.format_sources``."""
    blocks = []
    for src, c in zip(sources, cands, strict=True):
        ch = src.chunk
        body = ch.text.replace("<<<", "< < <").replace(">>>", "> > >")
        blocks.append(f"[{src.number}] {ch.title} ({format_date(ch.published)}); date: "
                      f"{format_when(c.day, c.precision)}\n<<<\n{body}\n>>>")
    return "\n\n".join(blocks)


def _renumber(line: BriefLine, new: dict[int, int]) -> BriefLine:
    def sub(m: re.Match[str]) -> str:
        lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip())]
        return f"{lead}[{', '.join(str(new[int(n)]) for n in m.group(1).split(','))}]"

    return replace(line, text=MARKER.sub(sub, line.text), numbers=tuple(new[n] for n in line.numbers))


def _llm(view: IndexView, pool: list[_Candidate], context: list[Sentence], as_of: date | None,
         max_lines: int) -> tuple[tuple[BriefLine, ...], tuple[Citation, ...]]:
    prompt = load_prompt(view.settings.prompts_dir, "brief")
    missing = PROMPT_VARIABLES - prompt.variables
    if missing:
        raise PromptError(f"prompts/brief.txt lacks the variable(s) {sorted(missing)}")
    ordered = _newest_first(pool)
    sources = [Source(n, _sentence_chunk(c.sentence)) for n, c in enumerate(ordered, start=1)]
    text = prompt.render(sentences=format_sentences(sources, ordered), as_of=format_date(as_of), max_lines=max_lines)
    model = view.chat_model()
    assert model is not None
    reply = model.invoke(text)
    content = reply.content if isinstance(reply.content, str) else str(reply.content)
    checked = verify(content, sources, view.sentence_encoder())
    for f in checked.flags:
        log.info("briefing verifier %s a line: %s", f.action, f.reason)
    real = {src.chunk.id: c.sentence.chunk for src, c in zip(sources, ordered, strict=True)}
    cites = tuple(replace(c, chunk_id=real[c.chunk_id].id, passage=real[c.chunk_id].text,
                          passage_start=real[c.chunk_id].start) for c in checked.citations)
    lines = []
    for s, e in list(sentence_spans(checked.text))[:max_lines]:
        line = checked.text[s:e]
        numbers = tuple(int(n) for m in MARKER.finditer(line) for n in re.split(r"\s*,\s*", m.group(1)))
        if not numbers or not all(1 <= n <= len(ordered) for n in numbers):
            continue  # the verifier keeps cited lines only; never a line pointing nowhere
        head = line.split(f" {DASH} ", 1)[0] if f" {DASH} " in line[:24] else ""
        day = next((d.day for d in find_dates(head, as_of)), None) if head and as_of else None
        if not head:  # a line without a date says its sentence's (its article's when it has none)
            c = ordered[numbers[0] - 1]
            head, day, line = format_when(c.day, c.precision), c.day, f"{format_when(c.day, c.precision)} {DASH} {line}"
        lines.append(BriefLine(head, day, line, numbers, topic_of(line[len(head):])))
    groups = place_groups([ordered[line.numbers[0] - 1].sentence for line in lines], context)
    order = reading_order(groups, [line.topic for line in lines])
    placed = [replace(lines[i], group=groups[i]) for i in order]
    new = {n: k for k, n in enumerate(dict.fromkeys(n for line in placed for n in line.numbers), start=1)}
    cites = tuple(sorted((replace(c, number=new[c.number]) for c in cites if c.number in new), key=lambda c: c.number))
    return tuple(_renumber(line, new) for line in placed), cites


def brief(view: IndexView, *, since: date | None = None, place: str | None = None,
          max_lines: int = 8) -> Briefing:
    """The briefing of the whole index (or of ``since`` / ``place``)."""
    context = indexed_sentences(view)
    cands = _candidates(context, since, place)
    if not cands:
        return Briefing((), (), None, 0, notice="No sentence of the indexed articles matches these filters.")
    as_of = max((c.sentence.chunk.published for c in cands if c.sentence.chunk.published), default=None)
    articles = len({c.sentence.chunk.article_id for c in cands})
    if view.chat_model() is not None:
        pool = _rank(view, cands, max(2 * max_lines, 12))
        notice = "No line of the model's briefing could be verified against the sources"
        try:
            lines, cites = _llm(view, pool, context, as_of, max_lines)
            if lines:
                return Briefing(lines, cites, as_of, articles, answerer="llm")
        except PromptError:
            raise
        except Exception as exc:  # any failure of the model server: fall back, never show its text
            log.warning("LLM briefing failed: %s", type(exc).__name__)
            notice = f"The LLM server failed ({type(exc).__name__})"
        lines, cites = extractive(_rank(view, cands, max_lines), context)
        return Briefing(lines, cites, as_of, articles, "extractive-fallback",
                        f"{notice}; showing the extractive briefing instead.")
    lines, cites = extractive(_rank(view, cands, max_lines), context)
    return Briefing(lines, cites, as_of, articles)
