"""The default answerer: no LLM. It picks the source sentences that answer the question and
composes a short answer in the sources' own words, each sentence cited.

Sentence score = semantic similarity to the question + IDF-weighted coverage of the question's
terms + a bonus or penalty for whether the sentence holds the kind of thing asked for (a number
for "how many", a time for "when", a cause for "why", ...) + the retrieval rank of its chunk.
It abstains (an Answer with ``abstained=True``) when a name the question asks about appears in
no retrieved passage, when the thing a count or a "who is the X" asks about is absent, or when
no sentence clears the calibrated bar. Counts and differences are derived only in the two plain
patterns of ``numbers.py``, with the arithmetic shown. It does not retrieve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .citations import make_citation
from .dates import annotate_relative_dates, has_temporal
from .embeddings import SentenceEncoder
from .models import Chunk, Citation, ScoredChunk, format_date
from .numbers import Derivation, has_number, list_count, number_before, remainder
from .prompts import Prompt
from .question import Question
from .text import content_terms, sentence_spans, stem, tokens

_CAUSAL = re.compile(r"\b(because|due to|owing to|as a result|following|after|since|amid|so that|in order to|"
                     r"saying|said|accus\w*|blam\w*|reason|caus\w*|led to|push\w*|prompt\w*|would|contravene|"
                     r"over|for fear|to protest|stronghold|strategic|major)\b", re.I)
_PLACE = re.compile(r"\b(in|to|from|at|near|towards|toward)\s+(?:the\s+)?(?:[a-z]+\s+)?[A-Z][\w-]+")


@dataclass(frozen=True)
class Candidate:
    chunk: Chunk
    rank: int
    start: int  # offsets into the article text
    end: int
    text: str
    score: float = 0.0
    covered: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Extracted:
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    reason: str = ""


def _type_adjustment(q: Question, sent: str) -> float:
    if q.qtype == "numeric":
        if q.focus and number_before(sent, q.focus):
            return 0.15
        return 0.05 if has_number(sent) else -0.2
    if q.qtype == "when":
        return 0.1 if has_temporal(sent) else -0.2
    if q.qtype == "why":
        return 0.08 if _CAUSAL.search(sent) else -0.05
    if q.qtype == "where":
        return 0.08 if _PLACE.search(sent) else -0.1
    if q.qtype == "who":
        return 0.05 if re.search(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+", sent[1:]) or "spokes" in sent.lower() else -0.05
    return 0.0


class ExtractiveAnswerer:
    def __init__(self, encoder: SentenceEncoder, idf: Callable[[str], float], prompts: dict[str, Prompt],
                 threshold: float, max_sentences: int):
        self.encoder = encoder
        self.idf = idf
        self.prompts = prompts
        self.threshold = threshold
        self.max_sentences = max_sentences

    def candidates(self, q: Question, query: str, retrieved: Sequence[ScoredChunk]) -> list[Candidate]:
        cands: list[Candidate] = []
        for rank, sc in enumerate(retrieved):
            for s, e in sentence_spans(sc.chunk.text):
                text = sc.chunk.text[s:e]
                if len(text) >= 15:
                    cands.append(Candidate(sc.chunk, rank, sc.chunk.start + s, sc.chunk.start + e, text))
        if not cands:
            return []
        qvec = self.encoder.query(query)
        sims = self.encoder.encode([c.text for c in cands]) @ qvec
        terms = content_terms(query)
        weights = {t: self.idf(t) for t in terms}
        total = sum(weights.values()) or 1.0
        scored = []
        for c, sim in zip(cands, sims, strict=True):
            stems = {stem(t) for t in tokens(c.text)}
            context = {stem(t) for t in tokens(c.chunk.title)}
            covered = frozenset(t for t in terms if t in stems)
            cov = (sum(weights[t] for t in covered)
                   + 0.3 * sum(weights[t] for t in terms if t not in covered and t in context)) / total
            score = 0.5 * float(sim) + 0.4 * cov + 0.05 / (1 + c.rank) + _type_adjustment(q, c.text)
            scored.append(Candidate(c.chunk, c.rank, c.start, c.end, c.text, score, covered))
        return sorted(scored, key=lambda c: -c.score)

    def missing(self, q: Question, retrieved: Sequence[ScoredChunk]) -> str | None:
        """A reason to abstain that needs no scoring: the question's subject is not in the passages."""
        present: set[str] = set()
        for sc in retrieved:
            present.update(stem(t) for t in tokens(sc.chunk.title + " " + sc.chunk.text))
        for name in q.names:
            parts = [stem(t) for t in tokens(name)]
            if parts and not any(p in present for p in parts):
                return f" They do not mention {name}."
        if q.focus and q.focus not in present and q.qtype == "who":
            return f" They do not mention a {q.focus}."
        return None

    def answer(self, q: Question, query: str, retrieved: Sequence[ScoredChunk]) -> tuple[Extracted, list[Candidate]]:
        reason = self.missing(q, retrieved) if retrieved else " No article is indexed yet."
        cands = self.candidates(q, query, retrieved) if retrieved else []
        if reason is None and (not cands or cands[0].score < self.threshold):
            reason = ""
        derivation: tuple[Derivation, Candidate] | None = None
        if reason is None and q.qtype == "numeric":
            derivation = self._derive(q, cands[:3])
            if derivation is None and q.focus and not any(q.focus in c.covered or number_before(c.text, q.focus)
                                                          for c in cands[:3]):
                reason = ""  # a count of something no top passage mentions
        if reason is not None:
            return Extracted(self.prompts["abstain"].render(reason=reason), (), True, reason.strip()), cands
        return self._compose(q, cands, derivation), cands

    def _derive(self, q: Question, top: Sequence[Candidate]) -> tuple[Derivation, Candidate] | None:
        for c in top:
            if q.remainder:
                d = remainder(c.text, q.focus)
                if d:
                    return d, c
            elif q.focus and not any(number_before(x.text, q.focus) for x in top):
                noun = next((w for w in tokens(q.text) if stem(w) == q.focus), q.focus)
                d = list_count(c.text, noun)
                if d:
                    return d, c
        return None

    def _compose(self, q: Question, cands: list[Candidate], derivation: tuple[Derivation, Candidate] | None) -> Extracted:
        best = derivation[1] if derivation else cands[0]
        chosen = [best]
        covered = set(best.covered)
        multi = bool(re.search(r"\b(and|or) (why|what|when|how|where|who)\b", q.text, re.I)) or "," in q.text
        ratio = 0.8 if multi else 0.9
        for c in cands[1:]:
            if len(chosen) >= self.max_sentences or derivation:
                break
            if c.score >= ratio * cands[0].score and not c.covered <= covered and c.text != best.text:
                chosen.append(c)
                covered |= c.covered
        chosen.sort(key=lambda c: (c.chunk.article_id, c.start))
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for c in chosen:
            if c.chunk.id not in numbers:
                numbers[c.chunk.id] = len(numbers) + 1
                citations.append(make_citation(numbers[c.chunk.id], c.chunk, c.text, c.start, c.end,
                                               max(0.0, min(1.0, c.score))))
            sent = annotate_relative_dates(c.text, c.chunk.published)
            parts.append(f"{sent} [{numbers[c.chunk.id]}]")
        if derivation:
            parts.insert(0, f"By the source's figures, {derivation[0].expression} [{numbers[best.chunk.id]}].")
        dates = sorted({c.chunk.published for c in chosen if c.chunk.published})
        head = self.prompts["as_of"].render(date=format_date(dates[-1])) + " " if dates else "Undated source: "
        return Extracted(head + " ".join(parts), tuple(citations), False)


def nearest(retrieved: Sequence[ScoredChunk], n: int = 3) -> list[ScoredChunk]:
    return list(retrieved[:n])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)
