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

import numpy as np

from rag.answer.extractive.answer_types import named, numbers_in, predicate, same_verb
from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.derive import Derived, add_up, derive, difference, overlap, reading_order
from rag.answer.extractive.ranker import BIAS, FEATURES, WEIGHTS, features, probability
from rag.cite.citations import INSTRUCTION, make_citation
from rag.index.embeddings import SentenceEncoder
from rag.models import Citation, ScoredChunk, format_date
from rag.nlp.dates import annotate_relative_dates, has_temporal
from rag.nlp.lexicon import phrases, word_key
from rag.nlp.numbers import (
    number_before,
    remainder,
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


def _owner_named(q: Question, sentence: str) -> bool:
    """"Who is the NPA's top commander": a sentence that names the NPA (an organisation is not implied
    the way a country is)."""
    owner = re.search(r"\b([A-Z]{2,})['’]s?\s", q.text)
    return owner is None or owner.group(1) in sentence


_ATTRIBUTE = re.compile(r"^what (?:is|was|are|were) the (?:[\w'’-]+\s+){0,2}?([\w'’-]+) of\b", re.I)
_ANY_ROLE = frozenset(["official", "officials", "person", "people", "man", "woman", "figure", "one"])


def _stems(text: str) -> set[str]:
    return {word_key(t) for t in tokens(text)}


class ExtractiveAnswerer:
    def __init__(self, encoder: SentenceEncoder, idf: Callable[[str], float], prompts: dict[str, Prompt],
                 threshold: float, max_sentences: int, weights: dict[str, float] | None = None,
                 bias: float | None = None, article_terms: Callable[[str], set[str]] | None = None,
                 max_chunks: int = 6, lede_terms: Callable[[str], set[str]] | None = None):
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
            stems = _stems(phrases(c.text))
            f = features(q, c, stems, float(sim), best_sim, weights, key)
            score = self.bias + sum(self.weights[name] * f[name] for name in FEATURES)
            covered = frozenset(t for t in weights if t in stems)
            scored.append(dataclasses.replace(c, score=score, covered=covered, features=f))
        return sorted(scored, key=lambda c: -c.score)

    def missing(self, q: Question, retrieved: Sequence[ScoredChunk]) -> str | None:
        """A reason to abstain that needs no scoring: the question's subject is not in the passages."""
        present: set[str] = set()
        for sc in retrieved:
            present.update(word_key(t) for t in tokens(sc.chunk.title + " " + sc.chunk.text))
        for name in q.names:
            parts = [word_key(t) for t in tokens(name)]
            if parts and not any(p in present for p in parts):
                return f" They do not mention {name}."
        if q.focus and q.focus not in present and q.qtype == "who":
            return f" They do not mention a {q.focus_word}."
        return None

    def answer(self, q: Question, query: str, retrieved: Sequence[ScoredChunk],
               empty_index: bool = False) -> tuple[Extracted, list[Candidate]]:
        steps: list[str] = []  # what decided, in order, for Answer.trace
        if empty_index:
            reason: str | None = " No article is indexed yet: add articles first."
            steps.append("abstain: the index is empty")
        elif not retrieved:
            reason = " No indexed passage matches the question."
            steps.append("abstain: nothing retrieved")
        else:
            reason = self.missing(q, retrieved)
            if reason:
                steps.append(f"abstain: the passages do not mention the question's subject ({reason.strip()})")
        cands = self.candidates(q, query, retrieved) if retrieved else []
        derivation: Derived | None = None
        if reason is None and q.qtype == "numeric":
            derivation = difference(q, cands[:8]) or derive(q, cands[:3]) or add_up(q, cands[:6])
            if derivation:
                steps.append(f"derived: {derivation[0].expression}")
        if reason is None and derivation is None:
            before = len(cands)
            cands, reason = self._gate(q, cands)
            if reason is not None:
                steps.append(f"abstain: the {q.qtype} answer-type gate kept no candidate ({reason.strip() or '-'})")
            elif len(cands) != before:
                steps.append(f"the {q.qtype} answer-type gate kept {len(cands)} of {before} candidates")
        spelled_out = q.define and cands and (cands[0].features or {}).get("type_fit", 0.0) > 0  # "X (ABC)"
        best = probability(cands[0].score) if cands else None
        if reason is None and (best is None or (best < self.threshold and not spelled_out)):
            reason = ""
            steps.append(f"abstain: best probability {'none' if best is None else f'{best:.2f}'} "
                         f"< threshold {self.threshold}")
        if reason is not None:
            text = self.prompts["abstain"].render(reason=reason)
            return Extracted(text, (), True, reason.strip(), "; ".join(steps)), cands
        if not derivation:
            steps.append(f"answered: best probability {best:.2f} >= threshold {self.threshold}"
                         if best is not None and best >= self.threshold else "answered: a definition spelled out")
        return dataclasses.replace(self._compose(q, cands, derivation), decided_by="; ".join(steps)), cands

    @staticmethod
    def _in_role(q: Question, c: Candidate) -> bool:
        """"Who is the defence minister": the sentence speaks of that role (or of no particular one)."""
        return not q.focus or q.focus_word in _ANY_ROLE or q.focus in _stems(c.text)

    def _gate(self, q: Question, cands: list[Candidate]) -> tuple[list[Candidate], str | None]:
        """Answer-type checks: keep the candidates that hold the kind of answer asked for."""
        top = cands[:5]
        if q.names and self.article_terms is not None:
            # the answer comes from an article about what the question names ("the convoy from X")
            names = [{word_key(t) for t in tokens(n)} for n in q.names]
            about = [c for c in cands if all(n & self.article_terms(c.chunk.article_id) for n in names)]
            if about:
                cands = about
                top = cands[:5]
        if q.define:  # "What does X stand for?": prefer a sentence that spells X out
            defining = [c for c in cands[:8] if c.features and c.features["type_fit"] > 0
                        and (q.qtype != "who" or self._in_role(q, c))]
            if defining:
                return defining, None
        if q.qtype == "when" or (q.qtype == "numeric" and q.text.lower().startswith("how long")):
            # a date that is not just the day of the report; a duration
            fitting = [c for c in top if c.features and c.features["type_fit"] > 0]
            return (fitting, None) if fitting else ([], "")
        attribute = _ATTRIBUTE.match(q.text)
        if q.qtype == "factoid" and attribute and not q.define and attribute.group(1).lower() != "name":
            # "what is the annual budget of X": a sentence about a budget
            top = [c for c in cands[:5] if word_key(attribute.group(1).lower()) in _stems(c.text)]
            if not top:
                return [], f" No passage gives the {attribute.group(1).lower()} asked about."
        if q.qtype in ("where", "factoid"):  # a place ("where was it heading?": a destination), a list of names
            fitting = [c for c in cands[:5] if c.features and c.features["type_fit"] > 0]
            return (fitting or top), None
        if q.qtype == "who":
            # "who is the defence minister": a sentence that names someone in that role
            top = [c for c in cands[:8] if named(q, c.text) and self._in_role(q, c) and _owner_named(q, c.text)]
            return (top, None) if top else ([], f" No passage names the {q.focus_word or 'person'} asked about.")
        if q.qtype == "numeric" and q.names:
            # a figure about what the question names comes from a passage that names it
            top = [c for c in top if all(_stems(n) & (_stems(c.chunk.title + " " + c.chunk.text)
                                                      | self.lede_terms(c.chunk.article_id)) for n in q.names)]
            if not top:
                return [], f" No passage that gives a figure mentions {' or '.join(q.names)}."
        if q.qtype == "numeric" and q.focus:
            top = [c for c in top if number_before(c.text, q.focus)]
            if not top:
                return [], ""  # a count of something no top passage counts
            pred = predicate(q)
            if pred and not any(pred in {word_key(t) for t in tokens(c.text)} for c in top[:1]):
                return [], ""  # the number counts something else ("displaced", not "killed")
        return top, None

    @staticmethod
    def _earlier(q: Question, best: Candidate, cands: Sequence[Candidate]) -> Candidate | None:
        """An older source's figure for the same count, when it differs (the figure changed)."""
        if q.qtype != "numeric" or not q.focus or best.chunk.published is None or has_temporal(q.text) \
                or _ANCHORED.match(q.text):
            return None  # a question naming its time ("in mid-March", "when the convoy got through") gets that figure
        mine = set(numbers_in(best.text))
        for c in cands[:6]:
            older = c.chunk.published and c.chunk.published < best.chunk.published
            same_count = (number_before(c.text, q.focus) and same_verb(q, c.text)) or remainder(c.text, q.focus)
            if older and c.chunk.article_id != best.chunk.article_id and same_count and set(numbers_in(c.text)) != mine:
                return c
        return None

    def _compose(self, q: Question, cands: list[Candidate], derivation: Derived | None) -> Extracted:
        best = derivation[1][0] if derivation else cands[0]
        anchored = has_temporal(q.text) or bool(_ANCHORED.match(q.text))  # the question names its own time
        if not derivation and q.qtype == "numeric" and q.focus and not anchored:  # the newest close contender
            newer = [c for c in cands[:4] if c.score >= best.score - 2.0 and number_before(c.text, q.focus)
                     and same_verb(q, c.text)
                     and (c.chunk.published or date.min) > (best.chunk.published or date.min)]
            best = max(newer, key=lambda c: c.chunk.published or date.min) if newer else best
        if q.qtype == "why":  # the reason often follows the claim: "X blames Y. It says ..."
            carried = [c for c in cands if c.chunk.id == best.chunk.id and c.start == best.start and c.end > best.end
                       and c.score >= best.score - 1.0]
            best = carried[0] if carried else best
        earlier = None if derivation and len(derivation[1]) > 1 else self._earlier(q, best, cands)
        chosen = list(derivation[1]) if derivation else [best]
        covered = set(best.covered)
        multi = bool(re.search(r"\b(and|or) (why|what|when|how|where|who)\b", q.text, re.I)) or "," in q.text
        margin = 1.0 if multi else 0.5  # in log-odds: how close to the best another sentence must score
        for c in cands:
            if len(chosen) >= self.max_sentences or derivation or earlier is not None:
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
        chosen.sort(key=reading_order)
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
            cited = " ".join(f"[{n}]" for n in dict.fromkeys(numbers[c.chunk.id] for c in derivation[1]))
            whose = "source's" if len(derivation[1]) == 1 else "sources'"
            parts.insert(0, f"By the {whose} figures, {derivation[0].expression} {cited}.")
        if earlier is not None and earlier.chunk.published:
            n = len(numbers) + 1
            citations.append(make_citation(n, earlier.chunk, earlier.text, earlier.start, earlier.end,
                                           max(0.0, min(1.0, probability(earlier.score)))))
            parts.append(f"The figure has changed: on {format_date(earlier.chunk.published)} the sources said: "
                         f"{earlier.text} [{n}]")
        dates = sorted({c.chunk.published for c in chosen if c.chunk.published})
        head = self.prompts["as_of"].render(date=format_date(dates[-1])) + " " if dates else "Undated source: "
        return Extracted(head + " ".join(parts), tuple(citations), False)


_ANCHORED = re.compile(r"^(?:when|by the time|once|as)\b[^,?]{3,80},", re.I)  # "When the convoy got through, ..."
# a sentence carried on by the next: a pronoun, or a quote that continues the speaker's account
_THAT_DAY = re.compile(r"\b(?:that|the same|the following|the next) (?:day|morning|afternoon|evening|night)\b"
                       r"|\blater that\b", re.I)  # a time that points back to the sentence before
_PRONOUN_START = re.compile(r"^(?:(?:It|They|He|She|This|That|These|Those|The move|The decision)\b|[\"“])")
