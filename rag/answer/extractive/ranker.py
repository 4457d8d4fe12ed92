"""The sentence ranker: each candidate's features and the logistic weights that turn them into
log-odds that the sentence holds the answer."""

from __future__ import annotations

import math

from rag.answer.extractive.answer_types import type_fit
from rag.answer.extractive.candidate import Candidate
from rag.nlp.lexicon import word_key
from rag.nlp.text import sentence_spans, tokens
from rag.query.question import Question

# Sentence-ranking weights: a logistic regression fit by bench/fit_ranker.py on the seed set and
# tests/data/questions.jsonl (label: the sentence holds an evidence quote). Scores are log-odds.
WEIGHTS = {"sim": 2.152, "coverage": 2.048, "title_coverage": 0.563, "key_term": 1.97, "rank": 2.678,
           "type_fit": 1.233, "window": 0.641, "lede": -0.407, "length": 0.285, "sim_gap": 1.73}
BIAS = -4.293


FEATURES = ("sim", "coverage", "title_coverage", "key_term", "rank", "type_fit", "window", "lede", "length", "sim_gap")


def features(q: Question, c: Candidate, stems: set[str], sim: float, best_sim: float, weights: dict[str, float],
             key: str | None) -> dict[str, float]:
    """The ranker's inputs for one candidate; ``stems`` are its words' stems (phrases rewritten)."""
    title = {word_key(t) for t in tokens(c.chunk.title)}
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


def probability(score: float) -> float:
    """Log-odds to probability."""
    return 1.0 / (1.0 + math.exp(-score))
