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

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from .citations import INSTRUCTION, make_citation
from .dates import annotate_relative_dates, has_temporal
from .embeddings import SentenceEncoder
from .models import Chunk, Citation, ScoredChunk, format_date
from .numbers import NUMBER, Derivation, has_number, list_count, number_before, remainder
from .prompts import Prompt
from .question import Question
from .text import content_terms, sentence_spans, stem, tokens

_CAUSAL = re.compile(r"\b(because|due to|owing to|as a result|following|after|since|amid|so that|in order to|"
                     r"saying|said|accus\w*|blam\w*|reason|caus\w*|led to|push\w*|prompt\w*|would|contravene|"
                     r"over|for fear|to protest|stronghold|strategic|major)\b", re.I)
_MOTION = re.compile(r"\b(head\w*|going|go|bound|travel\w*|mov\w*|destination|send\w*|sent|fle\w*|"
                     r"return\w*|driv\w*|walk\w*|transferr?\w*|relocat\w*)\b", re.I)
_PLACE = re.compile(r"\b(?:in|to|from|at|near|towards?|via|into|for)\s+(?:the\s+)?([A-Z][a-z][\w-]*)")


# Sentence-ranking weights: a logistic regression fit by bench/fit_ranker.py on the seed set and
# tests/data/questions.jsonl (label: the sentence holds an evidence quote). Scores are log-odds.
WEIGHTS = {"sim": 2.152, "coverage": 2.048, "title_coverage": 0.563, "key_term": 1.97, "rank": 2.678,
           "type_fit": 1.233, "window": 0.641, "lede": -0.407, "length": 0.285, "sim_gap": 1.73}
BIAS = -4.293


@dataclass(frozen=True)
class Candidate:
    chunk: Chunk
    rank: int
    start: int  # offsets into the article text
    end: int
    text: str
    score: float = 0.0
    covered: frozenset[str] = frozenset()
    features: dict[str, float] | None = None


@dataclass(frozen=True)
class Extracted:
    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    reason: str = ""


def type_fit(q: Question, sent: str) -> float:
    """+1 when the sentence holds the kind of answer asked for, -1 when it cannot, 0 unsure."""
    for name in q.names if q.define else ():  # a sentence that defines the name asked about: "X (ABC)", "X, the ..."
        if re.search(rf"\({re.escape(name)}\)|\b{re.escape(name)},\s+(?:the\s+|a\s+|an\s+)?[a-z]", sent):
            return 1.0
    asked = {t.lower() for n in q.names for t in n.split()}
    if q.qtype == "numeric":
        if q.focus and number_before(sent, q.focus):
            return 1.0
        return 0.0 if has_number(sent) else -1.0
    if q.qtype == "when":
        return 1.0 if has_temporal(sent) else -1.0
    if q.qtype == "why":
        return 1.0 if _CAUSAL.search(sent) else 0.0
    if q.qtype == "where":
        places = [m for m in _PLACE.finditer(sent) if m.group(1).lower() not in asked]
        if _MOTION.search(q.text):  # "where was it heading?": a destination, "to X", "towards X"
            places = [m for m in places if m.group(0).split()[0].lower() in ("to", "towards", "toward", "into")]
        return 1.0 if places else 0.0
    if q.qtype == "who":
        return 1.0 if person_names(sent, asked) else -1.0
    return 0.0


FEATURES = ("sim", "coverage", "title_coverage", "key_term", "rank", "type_fit", "window", "lede", "length", "sim_gap")


def features(q: Question, c: Candidate, sim: float, best_sim: float, weights: dict[str, float],
             key: str | None) -> dict[str, float]:
    stems = {stem(t) for t in tokens(c.text)}
    title = {stem(t) for t in tokens(c.chunk.title)}
    total = sum(weights.values()) or 1.0
    covered = [t for t in weights if t in stems]
    return {
        "sim": sim,
        "coverage": sum(weights[t] for t in covered) / total,
        "title_coverage": sum(weights[t] for t in weights if t not in stems and t in title) / total,
        "key_term": 1.0 if key and key in stems else 0.0,
        "rank": 1.0 / (1 + c.rank),
        "type_fit": type_fit(q, c.text),
        "window": 1.0 if "\n" not in c.text and len(list(sentence_spans(c.text))) > 1 else 0.0,
        "lede": 1.0 if c.start == 0 else 0.0,
        "length": len(c.text) / 200.0,
        "sim_gap": sim - best_sim,
    }


class ExtractiveAnswerer:
    def __init__(self, encoder: SentenceEncoder, idf: Callable[[str], float], prompts: dict[str, Prompt],
                 threshold: float, max_sentences: int, weights: dict[str, float] | None = None,
                 bias: float | None = None, article_terms: Callable[[str], set[str]] | None = None,
                 max_chunks: int = 4):
        self.encoder = encoder
        self.idf = idf
        self.prompts = prompts
        self.threshold = threshold
        self.max_sentences = max_sentences
        self.weights = dict(weights or WEIGHTS)
        self.article_terms = article_terms
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
                    if "\n\n" not in sc.chunk.text[e:s2] and _PRONOUN_START.match(sc.chunk.text[s2:e2]):
                        cands.append(Candidate(sc.chunk, rank, sc.chunk.start + s, sc.chunk.start + e2,
                                               sc.chunk.text[s:e2]))
        if not cands:
            return []
        qvec = self.encoder.query(query)
        sims = self.encoder.encode([c.text for c in cands]) @ qvec
        weights = {t: self.idf(t) for t in content_terms(query)}
        present = set().union(*({stem(t) for t in tokens(sc.chunk.text)} for sc in retrieved))
        key = max((t for t in weights if t in present), key=lambda t: weights[t], default=None)
        best_sim = float(np.max(sims))
        scored = []
        for c, sim in zip(cands, sims, strict=True):
            f = features(q, c, float(sim), best_sim, weights, key)
            score = self.bias + sum(self.weights[name] * f[name] for name in FEATURES)
            covered = frozenset(t for t in weights if t in {stem(w) for w in tokens(c.text)})
            scored.append(dataclasses.replace(c, score=score, covered=covered, features=f))
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
            return f" They do not mention a {q.focus_word}."
        return None

    def answer(self, q: Question, query: str, retrieved: Sequence[ScoredChunk],
               empty_index: bool = False) -> tuple[Extracted, list[Candidate]]:
        if empty_index:
            reason: str | None = " No article is indexed yet: add articles first."
        else:
            reason = self.missing(q, retrieved) if retrieved else " No indexed passage matches the question."
        cands = self.candidates(q, query, retrieved) if retrieved else []
        derivation: tuple[Derivation, Candidate] | None = None
        if reason is None and q.qtype == "numeric":
            derivation = self._derive(q, cands[:3])
        if reason is None and derivation is None:
            cands, reason = self._gate(q, cands)
        if reason is None and (not cands or probability(cands[0].score) < self.threshold):
            reason = ""
        if reason is not None:
            return Extracted(self.prompts["abstain"].render(reason=reason), (), True, reason.strip()), cands
        return self._compose(q, cands, derivation), cands

    def _gate(self, q: Question, cands: list[Candidate]) -> tuple[list[Candidate], str | None]:
        """Answer-type checks: keep the candidates that hold the kind of answer asked for."""
        top = cands[:5]
        if q.names and self.article_terms is not None:
            # the answer comes from an article about what the question names ("the convoy from X")
            names = [{stem(t) for t in tokens(n)} for n in q.names]
            about = [c for c in cands if all(n & self.article_terms(c.chunk.article_id) for n in names)]
            if about:
                cands = about
                top = cands[:5]
        if q.define:  # "What does X stand for?": prefer a sentence that spells X out
            defining = [c for c in cands[:8] if c.features and c.features["type_fit"] > 0]
            if defining:
                return defining, None
        if q.qtype == "where" and _MOTION.search(q.text):  # "where was it heading?": name a destination
            placed = [c for c in cands[:5] if c.features and c.features["type_fit"] > 0]
            return (placed or top), None
        if q.qtype == "who":
            asked = {t.lower() for n in q.names for t in n.split()}
            top = [c for c in cands[:8] if person_names(c.text, asked)]
            return (top, None) if top else ([], " No passage names a person for this.")
        if q.qtype == "numeric" and q.focus:
            top = [c for c in top if number_before(c.text, q.focus)]
            if not top:
                return [], ""  # a count of something no top passage counts
            pred = predicate(q)
            if pred and not any(pred in {stem(t) for t in tokens(c.text)} for c in top[:1]):
                return [], ""  # the number counts something else ("displaced", not "killed")
        return top, None

    def _derive(self, q: Question, top: Sequence[Candidate]) -> tuple[Derivation, Candidate] | None:
        found: list[tuple[Derivation, Candidate]] = []
        for c in top:
            if q.remainder:
                d = remainder(c.text, q.focus)
            elif q.focus and not any(number_before(x.text, q.focus) for x in top):
                noun = next((w for w in tokens(q.text) if stem(w) == q.focus), q.focus)
                d = list_count(c.text, noun)
            else:
                d = None
            if d:
                found.append((d, c))
        # when sources of different dates give the figure, the newest one answers
        return max(found, key=lambda f: f[1].chunk.published or date.min) if found else None

    @staticmethod
    def _earlier(q: Question, best: Candidate, cands: Sequence[Candidate]) -> Candidate | None:
        """An older source's figure for the same count, when it differs (the figure changed)."""
        if q.qtype != "numeric" or not q.focus or best.chunk.published is None:
            return None
        mine = set(numbers_in(best.text))
        for c in cands[:6]:
            older = c.chunk.published and c.chunk.published < best.chunk.published
            same_count = number_before(c.text, q.focus) or remainder(c.text, q.focus)
            if older and c.chunk.article_id != best.chunk.article_id and same_count and set(numbers_in(c.text)) != mine:
                return c
        return None

    def _compose(self, q: Question, cands: list[Candidate],
                 derivation: tuple[Derivation, Candidate] | None) -> Extracted:
        best = derivation[1] if derivation else cands[0]
        if not derivation and q.qtype == "numeric" and q.focus:  # the newest close contender answers
            newer = [c for c in cands[:4] if c.score >= best.score - 2.0 and number_before(c.text, q.focus)
                     and (c.chunk.published or date.min) > (best.chunk.published or date.min)]
            best = max(newer, key=lambda c: c.chunk.published or date.min) if newer else best
        earlier = self._earlier(q, best, cands)
        chosen = [best]
        covered = set(best.covered)
        multi = bool(re.search(r"\b(and|or) (why|what|when|how|where|who)\b", q.text, re.I)) or "," in q.text
        margin = 1.0 if multi else 0.5  # in log-odds: how close to the best another sentence must score
        for c in cands:
            if len(chosen) >= self.max_sentences or derivation or earlier is not None:
                break
            same_chunk = c.chunk.id == best.chunk.id  # costs no extra citation
            overlaps = any(c.start < x.end and x.start < c.end for x in chosen)
            if not overlaps and not c.covered <= covered and (
                    c.score >= best.score - margin or (same_chunk and c.score >= best.score - 2 * margin)):
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
        if earlier is not None and earlier.chunk.published:
            n = len(numbers) + 1
            citations.append(make_citation(n, earlier.chunk, earlier.text, earlier.start, earlier.end,
                                           max(0.0, min(1.0, probability(earlier.score)))))
            parts.append(f"The figure has changed: on {format_date(earlier.chunk.published)} the sources said: "
                         f"{earlier.text} [{n}]")
        dates = sorted({c.chunk.published for c in chosen if c.chunk.published})
        head = self.prompts["as_of"].render(date=format_date(dates[-1])) + " " if dates else "Undated source: "
        return Extracted(head + " ".join(parts), tuple(citations), False)


_PRONOUN_START = re.compile(r"^(It|They|He|She|This|That|These|Those|The move|The decision)\b")
_NOT_NAMES = frozenset("""
    the a an this that these those it they he she we i in on at for but and or according after while
    when as if monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december
""".split())  # noqa: SIM905


_ORG_WORDS = frozenset("""
    front office community council army force forces mission nations united party ministry union
    crescent cross committee bank group agency organisation organization coordination liberation
    movement government republic province river road city state states school university battalion
    brigade company corporation news post wire daily herald times press agence programme program
    fund court assembly
""".split())  # noqa: SIM905
_NAME_RUN = re.compile(r"(?:[A-Z][a-z][\w'’-]*\s+){1,3}[A-Z][a-z][\w'’-]*"
                       r"|[A-Z][a-z][\w'’-]*(?=\s+(?:said|told|added)\b)")


def person_names(sentence: str, asked: set[str]) -> list[str]:
    """Runs of capitalised words that look like a person's name (no organisation words, not asked).

    >>> person_names("The talks are chaired by Ingrid Halvorsen, a former diplomat.", set())
    ['Ingrid Halvorsen']
    >>> person_names("Fighters of the Haskar Liberation Front blocked the road.", set())
    []
    """
    out = []
    for m in _NAME_RUN.finditer(sentence):
        words = m.group(0).split()
        while words and words[0].lower() in _NOT_NAMES:
            words = words[1:]
        if not words or any(w.lower() in _ORG_WORDS for w in words) or all(w.lower() in asked for w in words):
            continue
        if len(words) >= 2 or m.group(0) == words[0]:
            out.append(" ".join(words))
    return out


def predicate(q: Question) -> str | None:
    """The first content term after the counted noun: 'how many people were KILLED in ...'."""
    words = tokens(q.text)
    stems = [stem(w) for w in words]
    if q.focus not in stems:
        return None
    names = {t.lower() for n in q.names for t in n.split()}
    for w, st in zip(words[stems.index(q.focus) + 1:], stems[stems.index(q.focus) + 1:], strict=True):
        if st in q.terms and w not in names:
            return st
    return None


def probability(score: float) -> float:
    """Log-odds to probability."""
    return 1.0 / (1.0 + math.exp(-score))


def numbers_in(text: str) -> list[str]:
    return [m.group(1).lower() for m in NUMBER.finditer(text)]
