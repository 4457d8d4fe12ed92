"""When more than one source answers: other articles' sentences that answer about as well as the
best one ("Two statements match, newest first: ..."), and an older report's different figure
for the same count ("The figure has changed: on ... the sources said ..."). Both say so instead
of silently picking one source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.extractive.answer_types import numbers_in, same_verb
from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.derive import overlap
from rag.answer.extractive.ranker import probability
from rag.nlp.dates import has_temporal
from rag.nlp.numbers import number_before, remainder
from rag.nlp.similarity import near_duplicate, shingles
from rag.nlp.text import tokens
from rag.query.question import Question

ANCHORED = re.compile(r"^(?:when|by the time|once|as)\b[^,?]{3,80},", re.I)  # "When the convoy got through, ..."
COUNT_WORDS = {2: "Two", 3: "Three", 4: "Four"}
FLOOR, MARGIN = 0.8, 0.15  # another source answers too: its probability, and how far below the best's it may be
# (0.15, not 0.05: three statements at 0.99, 0.90, 0.87 were one answer; news dev figures are the same at both)


def earlier_figure(q: Question, best: Candidate, cands: Sequence[Candidate]) -> Candidate | None:
    """An older source's figure for the same count, when it differs (the figure changed)."""
    if q.qtype != "numeric" or not q.focus or best.chunk.published is None or has_temporal(q.text) \
            or ANCHORED.match(q.text):
        return None  # a question naming its time ("in mid-March", "when the convoy got through") gets that figure
    mine = set(numbers_in(best.text))
    for c in cands[:6]:
        older = c.chunk.published and c.chunk.published < best.chunk.published
        same_count = (number_before(c.text, q.focus) and same_verb(q, c.text)) or remainder(c.text, q.focus)
        if older and c.chunk.article_id != best.chunk.article_id and same_count and set(numbers_in(c.text)) != mine:
            return c
    return None


def other_sources(q: Question, best: Candidate, cands: Sequence[Candidate], floor: float = FLOOR,
                  margin: float = MARGIN, limit: int = 3) -> list[Candidate]:
    """Sentences of other articles that answer about as well as ``best``: each at least ``floor``
    probable and within ``margin`` of its probability, covering every question term it covers
    (a second convoy's departure does not answer "when did the first convoy leave"), none a copy
    of another (syndicated wire text) or of the best. Counts are left to ``earlier_figure`` and
    the arithmetic; a question that names its time wants that time's source."""
    if q.qtype == "numeric" or has_temporal(q.text) or ANCHORED.match(q.text):
        return []
    out: list[Candidate] = []
    articles = {best.chunk.article_id}
    for c in cands[1:]:
        if len(out) + 1 >= limit or probability(c.score) < probability(best.score) - margin:
            break
        if (c.chunk.article_id in articles or probability(c.score) < floor or not c.covered >= best.covered
                or _another_of_a_series(q, c) or any(overlap(c, x) or _copy(c.text, x.text) for x in (best, *out))):
            continue
        out.append(c)
        articles.add(c.chunk.article_id)
    return out


_ORDINALS = frozenset({"first", "second", "third", "fourth", "fifth", "last", "latest", "final"})


def _another_of_a_series(q: Question, c: Candidate) -> bool:
    """The question asks for one of a series ("the first aid convoy") and the sentence names
    another of it ("a second and larger aid convoy"): another event, not another source."""
    asked = {t.lower() for t in tokens(q.text)} & _ORDINALS
    said = {t.lower() for t in tokens(c.text)} & _ORDINALS
    return bool(asked) and bool(said) and not asked & said


def _copy(a: str, b: str) -> bool:
    """Syndicated wire text, or one sentence quoted inside a longer one."""
    sa, sb = shingles(a), shingles(b)
    return near_duplicate(a, b) or (bool(sa and sb) and len(sa & sb) / min(len(sa), len(sb)) >= 0.6)


def several(n: int) -> str:
    """The words that open an answer from ``n`` sources."""
    return f"{COUNT_WORDS.get(n, str(n))} statements match, newest first:"
