"""Training data for the answer scorer: every candidate sentence the extractive answerer sees for
each question of a split, with its features and a label (does it hold the question's evidence).

The candidates are recorded from the real pipeline: each split's articles are indexed alone in a
temporary store and every question is asked as `python -m rag eval` asks it (follow-ups with the
history of the question they follow); the answerer is wrapped so that each call's candidates are
kept. First-stage retrieval is widened (``--passages``) so the scorer also learns to rerank.

    python bench/scorer_data.py train dev --out /tmp/scorer-data   # never the sealed test split
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Assistant, Settings  # noqa: E402
from rag.eval import evaluation  # noqa: E402
from rag.eval.evidence import norm  # noqa: E402

NEWS = Path(__file__).resolve().parent.parent / "tests" / "data" / "news"


@dataclass
class Record:
    qid: str
    qtype: str
    question: str  # as asked
    query: str  # the standalone question the answerer read
    evidence: list[str]
    analysis: object = None  # the Question the answerer read
    cands: list = field(default_factory=list)  # Candidate objects, scored by today's features
    labels: list[int] = field(default_factory=list)
    gate: list[float] = field(default_factory=list)  # the answer-type gate keeps each candidate
    gate_kept: bool = True  # the gate keeps some candidate


def label(text: str, evidence: list[str]) -> int:
    """1 when the candidate holds an evidence quote, or is itself a sentence of a longer quote."""
    c = norm(text)
    for e in evidence:
        e = norm(e)
        if e and (e in c or (len(c) >= 30 and c in e)):
            return 1
    return 0


def collect(split: str, passages: int, embeddings) -> list[Record]:
    folder = NEWS / split
    if (folder / "SEALED").exists():
        raise SystemExit(f"{split} is sealed: no training data comes from it")
    rows = evaluation.load_questions(folder / "questions.jsonl")
    by_id = {r["id"]: r for r in rows}
    records: list[Record] = []
    with tempfile.TemporaryDirectory(prefix="scorer-data-") as tmp:
        settings = Settings(data_dir=Path(tmp), corpus_dir=folder / "articles", top_k=passages,
                            answer_chunks=passages)
        # candidates as the hand-fit ranker orders them: the scorer is trained on its features
        settings = settings.model_copy(update={"answer_scorer": False})
        assistant = Assistant(settings, embeddings=embeddings).warm_up()
        assistant.ingest([folder / "articles"])
        answerer = assistant.extractive
        original = answerer.answer
        current: dict = {}

        def recording(q, query, retrieved, empty_index=False):
            result, cands = original(q, query, retrieved, empty_index=empty_index)
            every = answerer.candidates(q, query, retrieved) if retrieved else []
            row = current["row"]
            gate, kept = answerer.gate_flags(q, every) if every else ([], False)
            rec = Record(row["id"], row["type"], row["question"], query, row.get("evidence") or [], q, every,
                         [label(c.text, row.get("evidence") or []) for c in every], gate, kept)
            current.setdefault("records", []).append(rec)
            return result, cands

        answerer.answer = recording  # type: ignore[method-assign]
        answers: dict = {}

        def ask(row):
            history = []
            if row.get("follows"):
                prev = by_id[row["follows"]]
                if prev["id"] not in answers:
                    answers[prev["id"]] = ask(prev)
                history = [("user", prev["question"]), ("assistant", answers[prev["id"]].text)]
            current["row"] = row
            current["records"] = []
            answer = assistant.ask(row["question"], history)
            if current["records"]:
                records.append(current["records"][-1])
            return answer

        for row in rows:
            answers.setdefault(row["id"], ask(row))
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("splits", nargs="+")
    ap.add_argument("--out", default="/tmp/scorer-data")
    ap.add_argument("--passages", type=int, default=20)
    args = ap.parse_args(argv)
    from rag.index.embeddings import load_embeddings

    embeddings = load_embeddings()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for split in args.splits:
        records = collect(split, args.passages, embeddings)
        with open(out / f"{split}.pkl", "wb") as f:
            pickle.dump(records, f)
        pos = sum(any(r.labels) for r in records)
        print(f"{split}: {len(records)} questions, {sum(len(r.cands) for r in records)} candidates, "
              f"{pos} with a positive candidate")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
