"""Write what the product answers, so a refactor can show it changed nothing: one canonical JSON
file per question set (every answer's text, abstention, flags and citations with offsets) and per
corpus for the timeline, briefing and places views.

    python bench/snapshot.py OUT_DIR
    python bench/snapshot.py OUT_DIR --compare BEFORE_DIR   # exit 1 when an answer or citation changed

Article and chunk ids are left out: they hash the checkout's absolute path.

Sets: the seed questions, tests/data/questions.jsonl, every tests/data/holdout*/ and every split
of tests/data/news. A sealed split is written as digests (of everything, and of the answers and
citations alone) and a count only, so the comparison covers it without anyone reading its
per-question output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def question_sets() -> list[tuple[str, Path, Path]]:
    sets = [("seed", ROOT.parent / "shared" / "eval" / "seed_questions.jsonl", ROOT / "corpus"),
            ("fiction", DATA / "questions.jsonl", DATA / "articles")]
    sets += [(d.name, d / "questions.jsonl", d / "articles") for d in sorted(DATA.glob("holdout*"))]
    sets += [(f"news-{d.name}", d / "questions.jsonl", d / "articles")
             for d in sorted((DATA / "news").iterdir()) if (d / "questions.jsonl").exists()]
    return [s for s in sets if s[1].exists()]


def without_ids(x: Any) -> Any:
    """Article and chunk ids hash the file's absolute path, so two checkouts differ in them alone."""
    if isinstance(x, dict):
        return {k: without_ids(v) for k, v in x.items() if k not in ("article_id", "chunk_id")}
    return [without_ids(v) for v in x] if isinstance(x, list) else x


def canonical(answer: Any) -> dict[str, Any]:
    return {"text": answer.text, "abstained": answer.abstained, "notice": answer.notice,
            "answerer": answer.answerer, "flags": [f.reason for f in answer.flags],
            "citations": [without_ids({**c.to_dict(), "support": round(c.support, 4)}) for c in answer.citations]}


def assistant_for(corpus: Path, tmp: str, embeddings: Any) -> Any:
    from rag import Assistant

    settings = Settings().model_copy(update={"data_dir": Path(tmp), "corpus_dir": corpus, "top_k": 5})
    assistant = Assistant(settings, embeddings=embeddings)
    assistant.ingest([corpus])
    return assistant


def answers(name: str, questions_path: Path, corpus: Path, embeddings: Any) -> dict[str, Any]:
    from rag.eval import evaluation

    questions = evaluation.load_questions(questions_path)
    by_id = {q["id"]: q for q in questions}
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        assistant = assistant_for(corpus, tmp, embeddings)
        given: dict[str, str] = {}
        for q in questions:
            history = []
            if q.get("follows"):
                prev = by_id[q["follows"]]
                history = [("user", prev["question"]), ("assistant", given[prev["id"]])]
            a = assistant.ask(q["question"], history)
            given[q["id"]] = a.text
            out[q["id"]] = canonical(a)
    return out


def views(corpus: Path, embeddings: Any) -> dict[str, Any]:
    from rag.insights.briefing import brief
    from rag.insights.places import places
    from rag.insights.timeline import timeline

    with tempfile.TemporaryDirectory() as tmp:
        a = assistant_for(corpus, tmp, embeddings)
        b = brief(a)
        return without_ids({"timeline": [e.to_dict() for e in timeline(a)],
                "timeline_query": [e.to_dict() for e in timeline(a, query="aid convoy")],
                "brief": b.to_dict(), "places": [p.to_dict() for p in places(a)]})


def compare(before: Path, after: Path) -> int:
    """Per set: answers whose text, abstention or citations differ, and answers whose flags differ."""
    changed = 0
    for f in sorted(after.glob("*.json")):
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (f, before / f.name))
        if a.get("sealed"):
            same = a["sha256_answers_and_citations"] == b["sha256_answers_and_citations"]
            print(f"{f.stem:<16} sealed: answers and citations {'identical' if same else 'DIFFER'}")
            changed += not same
            continue
        if f.stem.startswith("views-"):
            print(f"{f.stem:<16} {'identical' if a == b else 'differs'}")
            continue
        core = ("text", "abstained", "citations")
        diff = [k for k in a if any(a[k][x] != b[k][x] for x in core)]
        flags = sum(a[k]["flags"] != b[k]["flags"] for k in a)
        print(f"{f.stem:<16} {len(a):>4} answers: {len(diff)} with other text or citations, {flags} with other flags")
        changed += len(diff)
    return 1 if changed else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--compare", metavar="BEFORE", help="compare OUT with an earlier snapshot instead of writing")
    ap.add_argument("--only", nargs="*", help="set names to write (default: all)")
    args = ap.parse_args(argv)
    if args.compare:
        return compare(Path(args.compare), Path(args.out))
    from rag.eval.dataset import is_sealed
    from rag.index.embeddings import load_embeddings

    embeddings = load_embeddings()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, questions, corpus in question_sets():
        if args.only and name not in args.only:
            continue
        result = answers(name, questions, corpus, embeddings)
        text = json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True, default=str)
        if is_sealed(questions):
            core = {k: {f: v[f] for f in ("text", "abstained", "citations")} for k, v in result.items()}
            core_text = json.dumps(core, ensure_ascii=False, sort_keys=True, default=str)
            text = json.dumps({"sealed": True, "answers": len(result),
                               "sha256": hashlib.sha256(text.encode()).hexdigest(),
                               "sha256_answers_and_citations": hashlib.sha256(core_text.encode()).hexdigest()},
                              indent=1)
        (out / f"{name}.json").write_text(text + "\n", encoding="utf-8")
        print(f"{name}: {len(result)} answers", flush=True)
    for corpus in (DATA / "articles", DATA / "briefing"):
        if args.only and f"views-{corpus.name}" not in args.only:
            continue
        text = json.dumps(views(corpus, embeddings), indent=1, ensure_ascii=False, sort_keys=True, default=str)
        (out / f"views-{corpus.name}.json").write_text(text + "\n", encoding="utf-8")
        print(f"views-{corpus.name}: written", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
