"""python bench/encoder_quality.py [--json OUT]

Retrieval recall@1 / @5 and answer accuracy with each encoder backend (torch, onnx-int8) on the seed
set (the shipped corpus) and on the real-news dev split, each indexed alone in a temporary store:
the evidence that the quantized encoder keeps the torch encoder's retrieval quality. The sealed test
split is not run here."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag import Settings
from rag.eval import evaluation
from rag.index.embeddings import from_settings

ROOT = Path(__file__).resolve().parent.parent
SETS = {"seed": (ROOT.parent / "shared" / "eval" / "seed_questions.jsonl", ROOT / "corpus"),
        "news dev": (ROOT / "tests" / "data" / "news" / "dev" / "questions.jsonl",
                     ROOT / "tests" / "data" / "news" / "dev" / "articles")}
METRICS = ("retrieval_recall@1", "retrieval_recall@5", "answer_accuracy")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json")
    args = p.parse_args()
    out: dict[str, dict[str, dict[str, float]]] = {}
    for backend in ("torch", "onnx-int8"):
        settings = Settings(encoder=backend)
        embeddings = from_settings(settings)
        for name, (questions, corpus) in SETS.items():
            report = evaluation.evaluate(questions, settings, corpus=corpus, embeddings=embeddings, k=5,
                                         with_baseline=False)
            out.setdefault(name, {})[backend] = {m: report[m] for m in METRICS}
    print(f"| set | backend | {' | '.join(METRICS)} |\n|---|---|{'---|' * len(METRICS)}")
    for name, by in out.items():
        for backend, m in by.items():
            print(f"| {name} | {backend} | {' | '.join(f'{m[k]:.3f}' for k in METRICS)} |")
        diff = [by["onnx-int8"][k] - by["torch"][k] for k in METRICS]
        print(f"| {name} | difference | {' | '.join(f'{d:+.3f}' for d in diff)} |")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
