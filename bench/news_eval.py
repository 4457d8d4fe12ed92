"""Score the current answerer on the real-news corpus, split by split, and (optionally) store the
CI floors: today's figures minus a small margin, which `tests/test_news_corpus.py` asserts.

    python bench/news_eval.py                      # tables for train, dev, test (test: aggregates only)
    python bench/news_eval.py --json eval-report/news --write-floors

Each split's articles are indexed alone in a temporary store, as `python -m rag eval --corpus`
does. The sealed test split's report holds aggregates only: no rows, no question text.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import Settings  # noqa: E402
from rag.eval import evaluation  # noqa: E402
from rag.eval import report as eval_report  # noqa: E402
from rag.eval.dataset import SPLITS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "tests" / "data" / "news"
FLOORS = NEWS / "floors.json"
# Rates that must not fall below (value - MARGIN), and rates and counts that must not rise above
# (value + MARGIN; counts exactly). The margin absorbs run-to-run noise, not regressions.
HIGHER_IS_BETTER = ("answer_accuracy", "citation_precision", "citation_recall", "abstention_accuracy",
                    "retrieval_recall@5")
LOWER_IS_BETTER = ("false_abstention_rate", "unanswerable_answered")
COUNTS = ("wrong_derived_figures",)
MARGIN = 0.03
FLOOR_SPLITS = ("dev", "test")


def floors_from(reports: dict[str, dict]) -> dict:
    out: dict = {"margin": MARGIN, "made_by": "python bench/news_eval.py --write-floors", "splits": {}}
    for split in FLOOR_SPLITS:
        r = reports[split]
        out["splits"][split] = {
            "n": r["n"],
            **{m: round(max(0.0, r[m] - MARGIN), 3) for m in HIGHER_IS_BETTER if r.get(m) is not None},
            **{m: round(min(1.0, r[m] + MARGIN), 3) for m in LOWER_IS_BETTER if r.get(m) is not None},
            **{m: r[m] for m in COUNTS},  # wrong derived figures: none, on every split
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--splits", nargs="+", default=list(SPLITS), choices=SPLITS)
    ap.add_argument("--json", help="folder for <split>.json reports")
    ap.add_argument("--write-floors", action="store_true", help=f"write {FLOORS.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    settings = Settings()
    from rag.index.embeddings import from_settings

    embeddings = from_settings(settings)
    reports = {}
    for split in args.splits:
        folder = NEWS / split
        report = evaluation.evaluate(folder / "questions.jsonl", settings, corpus=folder / "articles",
                                     embeddings=embeddings)
        reports[split] = report
        print(f"\n== {split}{' (sealed)' if report.get('sealed') else ''}\n{eval_report.format_table(report)}")
        if args.json:
            out = Path(args.json)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{split}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
            eval_report.write_markdown(report, out / split, f"news {split}")
    if args.write_floors:
        missing = [s for s in FLOOR_SPLITS if s not in reports]
        if missing:
            ap.error(f"--write-floors needs the splits {missing}")
        FLOORS.write_text(json.dumps(floors_from(reports), indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {FLOORS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
