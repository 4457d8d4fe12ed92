"""Fit the extractive answerer's sentence-ranking weights (logistic regression) on question sets.

A candidate sentence is a positive when it contains one of the question's evidence quotes.
Prints the weights to paste into rag/extractive.py and the best-candidate probabilities of
answerable and unanswerable questions, to place the abstention threshold.

    python bench/fit_ranker.py ../shared/eval/seed_questions.jsonl:corpus tests/data/questions.jsonl:tests/data/articles
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Assistant, Settings  # noqa: E402
from rag.answer.extractive.ranker import FEATURES, probability  # noqa: E402
from rag.assistant import condense  # noqa: E402
from rag.eval import evaluation  # noqa: E402
from rag.query.question import analyse  # noqa: E402


def candidates_for(assistant: Assistant, rows: list[dict]) -> list[tuple[dict, list]]:
    by_id = {r["id"]: r for r in rows}
    out = []
    for row in rows:
        history = [("user", by_id[row["follows"]]["question"])] if row.get("follows") else None
        query = condense(row["question"], history)
        retrieved = assistant.retriever.retrieve(query, assistant.encoder.query(query))
        out.append((row, assistant.extractive.candidates(analyse(query), query, retrieved)))
    return out


def main(specs: list[str]) -> None:
    from sklearn.linear_model import LogisticRegression

    from rag.index.embeddings import load_embeddings

    emb = load_embeddings()
    data = []
    for spec in specs:
        qpath, corpus = spec.split(":")
        a = Assistant(Settings(data_dir=Path(tempfile.mkdtemp()), corpus_dir=Path(corpus)), embeddings=emb)
        a.ingest([corpus])
        data += candidates_for(a, evaluation.load_questions(qpath))
    X, y = [], []
    for row, cands in data:
        if row["type"] == "unanswerable":
            continue
        for c in cands:
            X.append([c.features[f] for f in FEATURES])
            y.append(int(evaluation.holds_evidence(c.text, row["evidence"])))
    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced").fit(np.array(X), np.array(y))
    weights = {f: round(float(w), 3) for f, w in zip(FEATURES, model.coef_[0], strict=True)}
    print(f"{len(y)} candidates, {sum(y)} positives")
    print("WEIGHTS =", weights)
    print("BIAS =", round(float(model.intercept_[0]), 3))
    for row, cands in data:
        if not cands:
            continue
        f = np.array([[c.features[k] for k in FEATURES] for c in cands])
        p = model.predict_proba(f)[:, 1]
        best = int(np.argmax(p))
        hit = evaluation.holds_evidence(cands[best].text, row["evidence"]) if row["evidence"] else None
        current = probability(cands[0].score)
        print(f"{row['id']:<5}{row['type']:<13}p={p[best]:.3f} top-hit={hit}  (current p={current:.3f})")


if __name__ == "__main__":
    main(sys.argv[1:])
