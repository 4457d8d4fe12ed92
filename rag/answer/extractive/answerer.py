"""The default answerer: no LLM. It picks the source sentences that answer the question and
composes a short answer in the sources' own words, each sentence cited.

Sentence score = semantic similarity to the question + IDF-weighted coverage of the question's
terms + a bonus or penalty for whether the sentence holds the kind of thing asked for (a number
for "how many", a time for "when", a cause for "why", ...) + the retrieval rank of its chunk.
It abstains (an Answer with ``abstained=True``) when a name the question asks about appears in
no retrieved passage, when the thing a count or a "who is the X" asks about is absent, or when
no sentence clears the calibrated bar. Figures the sources imply (remainders, sums, differences,
funding gaps, counts of listed names, elapsed days) come from ``derive``, with the arithmetic
shown. It does not retrieve, and records in ``Extracted.decided_by`` what decided.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from rag.answer.extractive.answer_types import listed, numbers_in, same_verb
from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.derive import Derived, add_up, checked, derive, difference, overlap, reading_order
from rag.answer.extractive.gates import gate, stems_of
from rag.answer.extractive.parts import rest_of_whole
from rag.answer.extractive.ranker import BIAS, FEATURES, WEIGHTS, features, probability
from rag.answer.extractive.sides import sides_of_one_sentence
from rag.answer.extractive.sources import ANCHORED, earlier_figure, other_sources, several
from rag.answer.scorer.model import AnswerScorer
from rag.cite.citations import INSTRUCTION, make_citation
from rag.index.embeddings import SentenceEncoder
from rag.models import Citation, ScoredChunk, format_date
from rag.nlp.dates import annotate_relative_dates, has_temporal
from rag.nlp.lexicon import phrases, word_key
from rag.nlp.numbers import (
    number_before,
)
from rag.nlp.text import sentence_spans, tokens
from rag.prompts import Prompt
from rag.query.question import Question, question_terms


@dataclass(frozen=True)
class Extracted:
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    reason: str = ""
    decided_by: str = ""  # the gate or threshold that decided, for Answer.trace
    passages: tuple[ScoredChunk, ...] = ()  # the passages read, in the scorer's order when it reranked
    alternatives: tuple[str, ...] = ()  # several sources' answers, one line each (Answer.alternatives)


@dataclass(frozen=True)
class Scored:
    cands: list[Candidate]  # best first
    passages: list[ScoredChunk]  # the passages read, best first
    absent: str | None  # a name of the question that none of them mentions, as a reason to give
    answerable: float | None  # the abstention model's probability; None without the scorer


class ExtractiveAnswerer:
    def __init__(self, encoder: SentenceEncoder, idf: Callable[[str], float], prompts: dict[str, Prompt],
                 threshold: float, max_sentences: int, weights: dict[str, float] | None = None,
                 bias: float | None = None, article_terms: Callable[[str], set[str]] | None = None,
                 max_chunks: int = 6, lede_terms: Callable[[str], set[str]] | None = None,
                 scorer: AnswerScorer | None = None, keep: int = 6, gates: bool = True):
        self.encoder = encoder
        self.idf = idf
        self.prompts = prompts
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.weights = dict(weights or WEIGHTS)
        self.article_terms = article_terms
        self.lede_terms = lede_terms or (lambda _article_id: set())
        self.max_chunks = max_chunks
        self.bias = BIAS if bias is None else bias
        self.scorer = scorer  # the trained answer scorer: rescoring, reranking and abstention
        self.keep = keep  # passages kept after reranking
        self.gates = gates

    @classmethod
    def from_settings(cls, s: Any, encoder: SentenceEncoder, retriever: Any,
                      prompts: dict[str, Prompt]) -> ExtractiveAnswerer:
        """The answerer the settings ask for: the hand-fit ranker (default) or the trained scorer."""
        from rag.answer.scorer.model import scorer_for

        scorer, threshold = scorer_for(s)
        return cls(encoder, retriever.idf, prompts, threshold, s.max_answer_sentences,
                   article_terms=retriever.article_terms, lede_terms=retriever.lede_terms,
                   max_chunks=s.rerank_from if scorer else s.answer_chunks, scorer=scorer, keep=s.top_k,
                   gates=s.answer_gates)

    def candidates(self, q: Question, query: str, retrieved: Sequence[ScoredChunk]) -> list[Candidate]:
        cands: list[Candidate] = []
        for rank, sc in enumerate(retrieved[: self.max_chunks]):
            spans = [(a, b) for a, b in sentence_spans(sc.chunk.text)
                     if b - a >= 15 and not INSTRUCTION.search(sc.chunk.text[a:b])]
            for i, (s, e) in enumerate(spans):
                cands.append(Candidate(sc.chunk, rank, sc.chunk.start + s, sc.chunk.start + e, sc.chunk.text[s:e]))
                # a sentence and the next one that carries the thought on ("It was forced ...") as one unit
                if i + 1 < len(spans):
                    s2, e2 = spans[i + 1]
                    # for "why", any next sentence of the paragraph: the cause often follows the claim
                    nxt = sc.chunk.text[s2:e2]
                    if "\n\n" not in sc.chunk.text[e:s2] and (q.qtype == "why" or _PRONOUN_START.match(nxt)
                                                               or (q.qtype == "when" and _THAT_DAY.search(nxt))):
                        cands.append(Candidate(sc.chunk, rank, sc.chunk.start + s, sc.chunk.start + e2,
                                               sc.chunk.text[s:e2]))
        if not cands:
            return []
        qvec = self.encoder.query(query)
        sims = self.encoder.encode([c.text for c in cands]) @ qvec
        weights = {t: self.idf(t) for t in question_terms(query)}
        present = set().union(*({word_key(t) for t in tokens(sc.chunk.text)} for sc in retrieved))
        key = max((t for t in weights if t in present), key=lambda t: weights[t], default=None)
        best_sim = float(np.max(sims))
        scored = []
        for c, sim in zip(cands, sims, strict=True):
            stems = stems_of(phrases(c.text))
            f = features(q, c, stems, float(sim), best_sim, weights, key)
            score = self.bias + sum(self.weights[name] * f[name] for name in FEATURES)
            covered = frozenset(t for t in weights if t in stems)
            scored.append(dataclasses.replace(c, score=score, covered=covered, features=f))
        return sorted(scored, key=lambda c: -c.score)

    def scored(self, q: Question, query: str, retrieved: Sequence[ScoredChunk]) -> Scored:
        """The candidates rescored by the trained scorer (when there is one), best first; the
        passages in the order of their best candidate; a name of the question missing from those
        passages; the probability that the passages answer the question at all."""
        cands = self.candidates(q, query, retrieved)
        if self.scorer is None or not cands:
            return Scored(cands, list(retrieved), self.missing(q, retrieved), None)
        gate, kept = self.gate_flags(q, cands)
        scores, x = self.scorer.score(q, query, cands, gate, kept)
        names = self.scorer.feature_names
        rescored = sorted((dataclasses.replace(c, score=float(s), features=dict(zip(names, row, strict=True)))
                           for c, s, row in zip(cands, scores, x.tolist(), strict=True)), key=lambda c: -c.score)
        passages = self.rerank(retrieved, rescored)[: self.keep]
        absent = self.missing(q, passages)
        answerable = self.scorer.answerable(scores, x, kept, absent is not None, q, query)
        # a name in none of the first-stage passages at all vetoes (the seed's "Wagner Group", "Burkina
        # Faso"); missing only from the passages kept is a feature: on train it was wrong 70 times of 89
        return Scored(rescored, passages, absent, 0.0 if self.missing(q, retrieved) else answerable)

    def gate_flags(self, q: Question, cands: list[Candidate]) -> tuple[list[float], bool]:
        """The answer-type gates as features, not vetoes: for each candidate (in the hand-fit
        ranker's order) whether the gate keeps it, and whether the gate keeps any."""
        kept, reason = gate(q, cands, self.article_terms, self.lede_terms)
        ids = {(c.chunk.id, c.start, c.end) for c in kept}
        return [1.0 if (c.chunk.id, c.start, c.end) in ids else 0.0 for c in cands], reason is None

    @staticmethod
    def rerank(retrieved: Sequence[ScoredChunk], cands: Sequence[Candidate]) -> list[ScoredChunk]:
        """Passages in the order of their best candidate (candidates come best first)."""
        order = {c.chunk.id: i for i, c in reversed(list(enumerate(cands)))}
        return sorted(retrieved, key=lambda sc: order.get(sc.chunk.id, len(order)))

    @staticmethod
    def missing(q: Question, retrieved: Sequence[ScoredChunk]) -> str | None:
        """A reason to abstain that needs no scoring: the question's subject is not in the passages."""
        present: set[str] = set()
        for sc in retrieved:
            present.update(word_key(t) for t in tokens(sc.chunk.title + " " + sc.chunk.text))
        stems = {t[:6] for t in present if len(t) >= 6}
        for name in q.names:
            parts = [word_key(p) for t in tokens(name) for p in t.split("-") if p]
            # a name written otherwise: "Congo-Kinshasa" for Congo, "Burkinabè" for Burkina
            if parts and not any(p in present or (len(p) >= 7 and p[:6] in stems) for p in parts):
                return f" They do not mention {name}."
        if q.focus and q.focus not in present and q.qtype == "who":
            return f" They do not mention a {q.focus_word}."
        return None

    def answer(self, q: Question, query: str, retrieved: Sequence[ScoredChunk],
               empty_index: bool = False) -> tuple[Extracted, list[Candidate]]:
        steps: list[str] = []  # what decided, in order, for Answer.trace
        reason: str | None = None
        if empty_index:
            reason = " No article is indexed yet: add articles first."
            steps.append("abstain: the index is empty")
        elif not retrieved:
            reason = " No indexed passage matches the question."
            steps.append("abstain: nothing retrieved")
        found = self.scored(q, query, retrieved) if retrieved else Scored([], [], None, None)
        cands, passages, answerable = found.cands, found.passages, found.answerable
        if reason is None and found.absent and answerable is None:  # the hand-fit ranker: a veto
            reason = found.absent
            steps.append(f"abstain: the passages do not mention the question's subject ({reason.strip()})")
        elif found.absent:  # the scorer: a feature of the abstention model
            steps.append(f"a name of the question is in no passage read ({found.absent.strip()})")
        derivation: Derived | None = None
        if reason is None and q.qtype == "numeric":
            derivation = (checked(sides_of_one_sentence(q, cands[:3])) or checked(difference(q, cands[:8]))
                          or checked(derive(q, cands[:3]))
                          or checked(rest_of_whole(q, cands[:3])) or checked(add_up(q, cands[:6])))
            if derivation:
                steps.append(f"derived: {derivation[0].expression}")
        if reason is None and derivation is None and self.gates and self.scorer is None:
            before = len(cands)
            cands, reason = gate(q, cands, self.article_terms, self.lede_terms)
            if reason is not None:
                steps.append(f"abstain: the {q.qtype} answer-type gate kept no candidate ({reason.strip() or '-'})")
            elif len(cands) != before:
                steps.append(f"the {q.qtype} answer-type gate kept {len(cands)} of {before} candidates")
        spelled_out = q.define and cands and (cands[0].features or {}).get("type_fit", 0.0) > 0  # "X (ABC)"
        best = probability(cands[0].score) if cands else None
        # the trained abstention model's probability that the passages answer, else the best sentence's
        decisive, what = ((answerable, "answerable probability") if answerable is not None
                          else (best, "best probability"))
        # a parse-checked derivation from the sentence the scorer ranks first answers, whatever the
        # abstention model says (it was not trained on derivations)
        derived_from_best = bool(derivation and cands and any(overlap(c, cands[0]) for c in derivation[1]))
        if reason is None and not derived_from_best and (
                decisive is None or (decisive < self.threshold and not spelled_out)):
            reason = found.absent or ""
            steps.append(f"abstain: {what} {'none' if decisive is None else f'{decisive:.2f}'} "
                         f"< threshold {self.threshold}")
        if reason is not None:
            text = self.prompts["abstain"].render(reason=reason)
            return Extracted(text, (), True, reason.strip(), "; ".join(steps), tuple(passages)), cands
        if not derivation:
            confident = decisive is not None and decisive >= self.threshold
            steps.append(f"answered: {what} {decisive:.2f} >= threshold {self.threshold}"
                         if confident else "answered: a definition spelled out")
        composed = self._compose(q, cands, derivation)
        return dataclasses.replace(composed, decided_by="; ".join(steps), passages=tuple(passages)), cands

    def _compose(self, q: Question, cands: list[Candidate], derivation: Derived | None) -> Extracted:
        best = derivation[1][0] if derivation else cands[0]
        anchored = has_temporal(q.text) or bool(ANCHORED.match(q.text))  # the question names its own time
        if not derivation and q.qtype == "numeric" and q.focus and not anchored:  # the newest close contender
            newer = [c for c in cands[:4] if c.score >= best.score - 2.0 and number_before(c.text, q.focus)
                     and same_verb(q, c.text)
                     and (c.chunk.published or date.min) > (best.chunk.published or date.min)]
            best = max(newer, key=lambda c: c.chunk.published or date.min) if newer else best
        if q.qtype == "why":  # the reason often follows the claim: "X blames Y. It says ..."
            carried = [c for c in cands if c.chunk.id == best.chunk.id and c.start == best.start and c.end > best.end
                       and c.score >= best.score - 1.0]
            best = carried[0] if carried else best
        earlier = None if derivation and len(derivation[1]) > 1 else earlier_figure(q, best, cands)
        others = [] if derivation or earlier else other_sources(q, best, cands)
        chosen = list(derivation[1]) if derivation else [best, *others]
        covered = set(best.covered)
        multi = bool(re.search(r"\b(and|or) (why|what|when|how|where|who)\b", q.text, re.I)) or "," in q.text
        margin = 1.0 if multi else 0.5  # in log-odds: how close to the best another sentence must score
        for c in cands:
            if len(chosen) >= self.max_sentences or derivation or earlier is not None or others:
                break
            same_chunk = c.chunk.id == best.chunk.id  # costs no extra citation
            overlaps = any(overlap(c, x) for x in chosen)
            fits = (c.features or {}).get("type_fit", 0.0) >= (best.features or {}).get("type_fit", 0.0)
            if q.qtype == "numeric" and q.focus and number_before(c.text, q.focus):
                fits = fits and set(numbers_in(c.text)) <= set(numbers_in(best.text))  # never two figures of one count
            if not overlaps and fits and not c.covered <= covered and (
                    c.score >= best.score - margin or (same_chunk and c.score >= best.score - 2 * margin)):
                chosen.append(c)
                covered |= c.covered
        chosen.sort(key=reading_order, reverse=bool(others))  # several sources: newest first
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for c in chosen:
            if c.chunk.id not in numbers:
                numbers[c.chunk.id] = len(numbers) + 1
                citations.append(make_citation(numbers[c.chunk.id], c.chunk, c.text, c.start, c.end,
                                               max(0.0, min(1.0, c.score))))
            sent = annotate_relative_dates(c.text, c.chunk.published)
            dated = f"({format_date(c.chunk.published)}) " if others and c.chunk.published else ""
            parts.append(f"{dated}{sent} [{numbers[c.chunk.id]}]")
        if derivation:
            cited = " ".join(f"[{n}]" for n in dict.fromkeys(numbers[c.chunk.id] for c in derivation[1]))
            whose = "source's" if len(derivation[1]) == 1 else "sources'"
            parts.insert(0, f"By the {whose} figures, {derivation[0].expression} {cited}.")
        alternatives = tuple(parts) if others else ()
        if others:
            parts.insert(0, several(len(chosen)))
        elif not derivation and (names := listed(q, best.text)):  # the list asked for, then its sentence
            parts.insert(0, f"{names} [{numbers[best.chunk.id]}].")
        if earlier is not None and earlier.chunk.published:
            n = len(numbers) + 1
            citations.append(make_citation(n, earlier.chunk, earlier.text, earlier.start, earlier.end,
                                           max(0.0, min(1.0, probability(earlier.score)))))
            parts.append(f"The figure has changed: on {format_date(earlier.chunk.published)} the sources said: "
                         f"{earlier.text} [{n}]")
        dates = sorted({c.chunk.published for c in chosen if c.chunk.published})
        head = self.prompts["as_of"].render(date=format_date(dates[-1])) + " " if dates else "Undated source: "
        return Extracted(head + " ".join(parts), tuple(citations), False, alternatives=alternatives)


# a sentence carried on by the next: a pronoun, or a quote that continues the speaker's account
_THAT_DAY = re.compile(r"\b(?:that|the same|the following|the next) (?:day|morning|afternoon|evening|night)\b"
                       r"|\blater that\b", re.I)  # a time that points back to the sentence before
_PRONOUN_START = re.compile(r"^(?:(?:It|They|He|She|This|That|These|Those|The move|The decision)\b|[\"“])")
