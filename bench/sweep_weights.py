"""Sweep the extractive answerer's score weights over question sets and print accuracy.

    python bench/sweep_weights.py ../shared/eval/seed_questions.jsonl:corpus tests/data/questions.jsonl:tests/data/articles
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Assistant, Settings, evaluation  # noqa: E402
from rag import extractive  # noqa: E402
from rag.embeddings import load_embeddings  # noqa: E402


def main(specs: list[str]) -> None:
    emb = load_embeddings()
    sets = []
    for spec in specs:
        qpath, corpus = spec.split(":")
        tmp = tempfile.mkdtemp(prefix="sweep-")
        a = Assistant(Settings(data_dir=Path(tmp), corpus_dir=Path(corpus)), embeddings=emb)
        a.ingest([corpus])
        sets.append((Path(qpath).stem, a, evaluation.load_questions(qpath)))
    print("w_sim w_cov w_rank thr  " + "  ".join(f"{n[:10]:>10} acc/prec/abst" for n, _, _ in sets))
    for w_sim, w_cov, thr in itertools.product([0.3, 0.4, 0.5], [0.4, 0.5, 0.6], [0.3, 0.36]):
        extractive.W_SIM, extractive.W_COV = w_sim, w_cov
        cells = []
        for _, a, qs in sets:
            a.extractive.threshold = thr
            r = evaluation.run(a, qs)
            cells.append(f"{r['answer_accuracy']:.2f}/{r['citation_precision'] or 0:.2f}/{r['abstention_accuracy']:.2f}")
        print(f"{w_sim:5} {w_cov:5} {extractive.W_RANK:6} {thr:4}  " + "  ".join(f"{c:>24}" for c in cells), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
