"""Learned arithmetic (a probe in bench/, not used by the product; see train.py for why):
figures the sources imply but do not state, chosen by a trained model.

Two small logistic models, both trained on the real-news `train` split by
``bench/train_arithmetic.py`` (weights in ``model/arithmetic.json``):

1. **What the question asks for**: a stated figure, a difference ("by how much did it grow",
   "how many were NOT ..."), a sum ("counting both ...") or a share ("how many of them were
   women", given "80 percent of 312,000"), from the lemmas of the question.
2. **Which two figures**: every pair of figures in the best candidate sentences (spaCy's
   ``nlp.figures``), each with the operations the question may ask for, is scored on what the
   parse says of them (the same counted noun, "from X to Y", "X of Y", one report or two, how
   close each figure sits to the question's words, how well its sentence ranks).

The best pair answers when its probability clears the threshold chosen on `dev` for no wrong
derived figure; otherwise nothing is derived and the answerer quotes its sentences. The answer
shows the operation with both operands, and cites the sentences that hold them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from figures import Figure, figures

from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.derive import Derived, overlap
from rag.errors import BriefingError
from rag.nlp.dates import find_dates
from rag.nlp.numbers import Derivation
from rag.nlp.parse import parse

OPS = ("none", "diff", "sum", "share")
FIGURE_FEATURES = ("context6", "context12", "noun_in_question", "noun_unknown", "verb_in_question", "rank",
                   "first_in_sentence", "prep_from", "prep_to", "prep_part", "money", "percent", "named_report",
                   "in_question", "log_value", "sentence_figures")
MAX_CANDIDATES = 1  # the best sentences whose figures are paired
_CONTENT = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})
_PART = frozenset({"of", "including", "among", "whom", "which"})


def question_terms(doc: Any) -> list[str]:
    """The question's lemma unigrams and bigrams (what the question-type model reads)."""
    lemmas = [t.lemma_.lower() for t in doc if not t.is_punct and not t.is_space]
    return lemmas + [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]


def content_lemmas(doc: Any) -> set[str]:
    return {t.lemma_.lower() for t in doc if t.pos_ in _CONTENT and not t.is_stop}


@dataclass(frozen=True)
class Operand:
    figure: Figure
    cand: Candidate  # the sentence holding it
    features: dict[str, float]
    p: float = 0.0  # the figure model's probability that it is an operand of the answer


@dataclass(frozen=True)
class Pair:
    op: str
    a: Figure  # the first operand as shown (the larger one of a difference, the percentage of a share)
    b: Figure
    ca: Candidate  # the sentences holding them
    cb: Candidate
    confidence: float = 0.0

    def result(self) -> float:
        if self.op == "diff":
            return self.a.value - self.b.value
        if self.op == "sum":
            return self.a.value + self.b.value
        return self.a.written / 100.0 * self.b.value  # share: a percentage of a count


def _fmt(value: float, scale: str, decimals: int) -> str:
    if scale:
        unit = {"thousand": 1e3, "million": 1e6, "billion": 1e9}[scale]
        n = round(value / unit, max(decimals, 0))
        shown = f"{n:,.{max(decimals, 0)}f}".rstrip("0").rstrip(".") if decimals > 0 else f"{int(n):,}"
        return f"{shown} {scale}"
    n = round(value)
    return f"{int(n):,}" if abs(value - n) < 1e-6 or abs(value) >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


def _decimals(f: Figure) -> int:
    text = f.text.split()[0].replace(",", "")
    return len(text.split(".")[1]) if "." in text else 0


def expression(p: Pair) -> tuple[str, float]:
    """"921,000 - 87,000 = 834,000", "5.6 million - 4.57 million = 1.03 million", "80% × 312,000 = 249,600"."""
    value = p.result()
    if p.op == "share":
        scale = p.b.scale
        shown_b = p.b.text
        return f"{p.a.text.rstrip('%')}% × {shown_b} = {_fmt(value, scale, _decimals(p.b) + 2)}", value
    scale = p.a.scale if p.a.scale == p.b.scale else ""
    decimals = max(_decimals(p.a), _decimals(p.b)) if scale else 0
    a = _fmt(p.a.value, scale, decimals)
    b = _fmt(p.b.value, scale, decimals)
    sign = "-" if p.op == "diff" else "+"
    return f"{a} {sign} {b} = {_fmt(value, scale, decimals)}", value


def _context(doc: Any, f: Figure, wanted: set[str], width: int) -> float:
    """The share of the question's content lemmas within a few words of the figure."""
    if not wanted:
        return 0.0
    lo, hi = max(0, f.index - width), min(len(doc), f.index + width + 1)
    near = {t.lemma_.lower() for t in doc[lo:hi]}
    return len(near & wanted) / len(wanted)


def operands(question: str, cands: Sequence[Candidate]) -> tuple[Any, list[Operand]]:
    """The question's parse and every figure of the best distinct candidates, with its features."""
    top = distinct(cands)
    docs = parse([question, *(c.text for c in top)])
    qdoc = docs[0]
    wanted = content_lemmas(qdoc)
    qlemmas = {t.lemma_.lower() for t in qdoc}
    in_question = {f.value for f in figures(qdoc)}
    newest = max((c.chunk.published for c in top if c.chunk.published), default=None) or date.today()
    named = {(d.day.year, d.day.month) for d in find_dates(question, newest) if d.precision in ("day", "month")}
    out: list[Operand] = []
    for rank, (c, doc) in enumerate(zip(top, docs[1:], strict=True)):
        found = [f for f in figures(doc) if f.value > 0]
        published = c.chunk.published
        for k, f in enumerate(found):
            features = {
                "context6": _context(doc, f, wanted, 6), "context12": _context(doc, f, wanted, 12),
                "noun_in_question": float(bool(f.noun) and f.noun in qlemmas), "noun_unknown": float(not f.noun),
                "verb_in_question": float(bool(f.verb) and f.verb in qlemmas), "rank": 1.0 / (1 + rank),
                "first_in_sentence": float(k == 0), "prep_from": float(f.prep == "from"),
                "prep_to": float(f.prep == "to"), "prep_part": float(f.prep in _PART),
                "money": float(f.kind == "money"), "percent": float(f.kind == "percent"),
                "named_report": float(bool(published) and len(named) >= 2
                                      and (published.year, published.month) in named),
                "in_question": float(f.value in in_question), "log_value": math.log10(f.value) / 10.0,
                "sentence_figures": min(len(found), 8) / 8.0,
            }
            out.append(Operand(f, c, features))
    return qdoc, out


def best_pair(op: str, scored: Sequence[Operand]) -> Pair | None:
    """The two most probable operands an operation can take (of one kind, different values; a
    share takes a percentage and a count), with the product of their probabilities."""
    ranked = sorted(scored, key=lambda o: -o.p)[:6]
    best: Pair | None = None
    for x in range(len(ranked)):
        for y in range(x + 1, len(ranked)):
            u, v = ranked[x], ranked[y]
            f, g = u.figure, v.figure
            if u.cand is not v.cand:
                continue
            if op == "share":
                if {f.kind, g.kind} != {"percent", "count"}:
                    continue
                (pct, cp), (cnt, cc) = ((f, u.cand), (g, v.cand)) if f.kind == "percent" else ((g, v.cand), (f, u.cand))
                if pct.written > 100:
                    continue
                pair = Pair(op, pct, cnt, cp, cc, u.p * v.p)
            else:
                if f.kind != g.kind or f.value == g.value or f.kind == "percent" and op == "sum":
                    continue
                if op == "diff" and g.value > f.value:
                    u, v, f, g = v, u, g, f
                elif op == "sum" and (u.cand.start, f.start) > (v.cand.start, g.start):
                    u, v, f, g = v, u, g, f  # in reading order
                pair = Pair(op, f, g, u.cand, v.cand, u.p * v.p)
            if best is None or pair.confidence > best.confidence:
                best = pair
    return best


class ArithmeticModel:
    """Loads ``arithmetic.json`` and derives a figure from the best candidates, or nothing."""

    def __init__(self, path: Path):
        if not path.is_file():
            raise BriefingError(f"arithmetic model not found: {path}; run bench/train_arithmetic.py --write")
        spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if tuple(spec["ops"]) != OPS or tuple(spec["figure_features"]) != FIGURE_FEATURES:
            raise BriefingError(f"{path} was trained on other features; retrain with bench/train_arithmetic.py --write")
        self.vocab = {t: i for i, t in enumerate(spec["vocab"])}
        self.op_weights = np.array(spec["op_weights"], dtype=np.float64)  # (ops, vocab)
        self.op_bias = np.array(spec["op_bias"], dtype=np.float64)
        self.figure_weights = np.array(spec["figure_weights"], dtype=np.float64)
        self.figure_bias = float(spec["figure_bias"])
        self.question_threshold = float(spec["question_threshold"])
        self.threshold = float(spec["threshold"])

    def op_probabilities(self, qdoc: Any) -> dict[str, float]:
        x = np.zeros(len(self.vocab))
        for t in question_terms(qdoc):
            if t in self.vocab:
                x[self.vocab[t]] = 1.0
        z = self.op_weights @ x + self.op_bias
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(OPS, p.tolist(), strict=True))

    def figure_probability(self, features: dict[str, float]) -> float:
        z = float(np.dot([features[n] for n in FIGURE_FEATURES], self.figure_weights) + self.figure_bias)
        return 1.0 / (1.0 + math.exp(-z))

    def best(self, question: str, cands: Sequence[Candidate]) -> tuple[Pair | None, dict[str, float]]:
        """The most probable derivation of the operation the question most likely asks for."""
        qdoc, found = operands(question, cands)
        p_op = self.op_probabilities(qdoc)
        op = max(OPS[1:], key=lambda o: p_op[o])
        scored = [Operand(o.figure, o.cand, o.features, self.figure_probability(o.features)) for o in found]
        return best_pair(op, scored), p_op

    def derive(self, question: str, cands: Sequence[Candidate]) -> Derived | None:
        """A derived figure with its operands' sentences, when the model is confident enough."""
        if not cands:
            return None
        pair, p_op = self.best(question, cands)
        if pair is None or 1.0 - p_op["none"] < self.question_threshold or pair.confidence < self.threshold:
            return None
        said, value = expression(pair)
        sentences = (pair.ca,) if pair.ca is pair.cb else (pair.ca, pair.cb)
        return Derivation(value, said, (pair.a.text, pair.b.text)), sentences


def distinct(cands: Sequence[Candidate], n: int = MAX_CANDIDATES) -> list[Candidate]:
    """The best ``n`` candidates that do not overlap a better one (a two-sentence unit repeats one)."""
    out: list[Candidate] = []
    for c in cands:
        if not any(overlap(c, x) for x in out):
            out.append(c)
        if len(out) == n:
            break
    return out


_loaded: dict[Path, ArithmeticModel] = {}


def load_arithmetic(path: Path) -> ArithmeticModel:
    key = path.resolve()
    if key not in _loaded:
        _loaded[key] = ArithmeticModel(key)
    return _loaded[key]
