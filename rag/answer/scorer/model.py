"""The trained answer scorer: the probability that a candidate sentence answers the question.

A logistic regression (weights in ``model/scorer.json``) over the fine-tuned MiniLM bi-encoder's
similarity between question and sentence (``model/encoder``), the extractive ranker's features and
spaCy's answer-typing features. ``bench/train_scorer.py`` produces both files from the `train`
split and picks the abstention threshold on `dev`; ``model/MODEL_CARD.md`` says how.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.ranker import FEATURES
from rag.answer.scorer.answer_typing import TYPING_FEATURES, typing_features
from rag.errors import BriefingError
from rag.index.embeddings import SentenceEncoder
from rag.nlp.parse import parse, pipeline
from rag.query.question import Question

MODEL_DIR = Path(__file__).resolve().parent / "model"
SCORER_FEATURES = (*FEATURES, "tuned_sim", "tuned_gap", *TYPING_FEATURES, "gate")


class TunedModel:
    """A sentence-transformers model loaded by path, offline, in float32, with the two methods
    ``index.embeddings.SentenceEncoder`` calls (which adds the vector cache)."""

    def __init__(self, path: Path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        if not Path(path).is_dir():
            raise BriefingError(f"answer scorer encoder not found: {path}; reinstall the package or set "
                                "RAG_SCORER_DIR to the folder bench/train_scorer.py wrote")
        import torch

        # shipped in float16 to halve its size; float16 matrix products are slow on CPUs
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=True,
                                         model_kwargs={"dtype": torch.float32})
        self.model.eval()

    def embed_documents(self, texts: list[str]) -> list[np.ndarray]:
        return list(self.model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def load_tuned_encoder(path: Path) -> SentenceEncoder:
    """The fine-tuned encoder behind the same LRU cache as the index's encoder."""
    return SentenceEncoder(TunedModel(path))  # type: ignore[arg-type]


def feature_matrix(q: Question, query: str, cands: Sequence[Candidate], encoder: SentenceEncoder,
                   gate: Sequence[float]) -> np.ndarray:
    """One row of ``SCORER_FEATURES`` per candidate (candidates already carry the ranker's features;
    ``gate``: whether the answer-type gate keeps each)."""
    if not cands:
        return np.zeros((0, len(SCORER_FEATURES)))
    vecs = encoder.encode([query, *(c.text for c in cands)])
    sims = vecs[1:] @ vecs[0]
    docs = parse([query, *(c.text for c in cands)])
    best = float(np.max(sims))
    rows = []
    for c, sim, doc, kept in zip(cands, sims, docs[1:], gate, strict=True):
        f = dict(c.features or {})
        f["gate"] = kept
        f["tuned_sim"] = float(sim)
        f["tuned_gap"] = float(sim) - best
        f.update(typing_features(q.qtype, docs[0], doc))
        rows.append([f[name] for name in SCORER_FEATURES])
    return np.array(rows, dtype=np.float64)


QUESTION_TYPES = ("factoid", "how", "numeric", "when", "where", "who", "why")  # query.question's kinds
QUESTION_FEATURES = ("best", "gap", "best_sim", "best_coverage", "best_lemma_cov", "best_ent_fit", "top3",
                     "gate_kept", "best_gate", "name_missing", *(f"asks_{t}" for t in QUESTION_TYPES), "has_names",
                     "follow_up")


def question_features(scores: np.ndarray, x: np.ndarray, gate_kept: bool, name_missing: bool,
                      q: Question, query: str) -> list[float]:
    """What the abstention model reads: the best candidate's log-odds and features, the margin to
    the runner-up, the mean of the top three, whether the answer-type gate kept any candidate,
    whether a name of the question is missing from the passages read, the question's kind and
    whether it names anything (how often each kind goes unanswered differs), whether it is a
    follow-up (``query``, the standalone question, differs from it). Not its length: on
    train the unanswerable questions are the short ones, which says more of their writers than of
    users (with it, the seed set's short questions were refused)."""
    asked = [float(q.qtype == t) for t in QUESTION_TYPES] + [float(bool(q.names)), float(q.text != query)]
    if not len(scores):
        return [-10.0, 0.0, 0.0, 0.0, 0.0, 0.0, -10.0, float(gate_kept), 0.0, float(name_missing), *asked]
    order = np.argsort(-scores)
    best = x[order[0]]
    second = scores[order[1]] if len(order) > 1 else scores[order[0]] - 5.0
    col = SCORER_FEATURES.index
    return [float(scores[order[0]]), float(scores[order[0]] - second), float(best[col("tuned_sim")]),
            float(best[col("coverage")]), float(best[col("lemma_cov")]), float(best[col("ent_fit")]),
            float(np.mean(scores[order[:3]])), float(gate_kept), float(best[col("gate")]), float(name_missing),
            *asked]


_loaded: dict[Path, AnswerScorer] = {}
_load_lock = threading.Lock()


def load_scorer(model_dir: Path = MODEL_DIR) -> AnswerScorer:
    """The scorer in ``model_dir``, loaded once per process (its encoder is 90 MB in memory), with
    spaCy's pipeline loaded too so that no answer pays for it."""
    with _load_lock:
        key = Path(model_dir).resolve()
        if key not in _loaded:
            _loaded[key] = AnswerScorer(key)
            pipeline()
        return _loaded[key]


def scorer_for(settings: Any) -> tuple[AnswerScorer | None, float]:
    """The scorer the settings ask for (None: the hand-fit ranker) and the abstention threshold:
    the settings' own, else the scorer's (chosen on dev), else 0.35 for the hand-fit ranker."""
    scorer = load_scorer(settings.scorer_dir or MODEL_DIR) if settings.answer_scorer else None
    if settings.abstain_threshold is not None:
        return scorer, settings.abstain_threshold
    return scorer, (scorer.threshold if scorer is not None else 0.35)


class AnswerScorer:
    """Loads ``scorer.json`` (and the tuned encoder when it was trained with one) from a folder."""

    def __init__(self, model_dir: Path = MODEL_DIR, fallback_encoder: Path | None = None):
        card = model_dir / "scorer.json"
        if not card.is_file():
            raise BriefingError(f"answer scorer not found: {card}; run bench/train_scorer.py --write")
        spec: dict[str, Any] = json.loads(card.read_text(encoding="utf-8"))
        if tuple(spec["features"]) != SCORER_FEATURES:
            raise BriefingError(f"{card} was trained on other features; retrain with bench/train_scorer.py --write")
        self.weights = np.array(spec["weights"], dtype=np.float64)
        self.bias = float(spec["bias"])
        if tuple(spec["question_features"]) != QUESTION_FEATURES:
            raise BriefingError(f"{card} has another abstention model; retrain with bench/train_scorer.py --write")
        self.question_weights = np.array(spec["question_weights"], dtype=np.float64)
        self.question_bias = float(spec["question_bias"])
        self.threshold = float(spec["threshold"])
        path = model_dir / "encoder" if spec.get("tuned_encoder") else fallback_encoder
        if path is None:
            from rag.index.embeddings import default_model_path

            path = default_model_path()
        self.encoder = load_tuned_encoder(path)
        self.feature_names = SCORER_FEATURES

    def score(self, q: Question, query: str, cands: Sequence[Candidate], gate: Sequence[float],
              gate_kept: bool) -> tuple[np.ndarray, np.ndarray]:
        """Each candidate's log-odds that it answers, and the feature matrix they came from."""
        x = feature_matrix(q, query, cands, self.encoder, gate)
        return (x @ self.weights + self.bias if len(x) else np.zeros(0)), x

    def answerable(self, scores: np.ndarray, x: np.ndarray, gate_kept: bool, name_missing: bool,
                   q: Question, query: str) -> float:
        """The probability that the passages answer the question at all (the abstention model)."""
        features = question_features(scores, x, gate_kept, name_missing, q, query)
        z = float(np.dot(features, self.question_weights) + self.question_bias)
        return 1.0 / (1.0 + np.exp(-z))
