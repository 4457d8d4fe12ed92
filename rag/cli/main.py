"""Command line: python -m rag ingest|ask|explain|eval|check|dataset|list|remove|timeline|brief|places|serve.
Errors become one-line messages here (exit 1 for a user error, 2 for bad usage or a bad RAG_* setting);
no tracebacks for expected problems."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from rag import logs
from rag.cli.explain import cmd_explain
from rag.cli.upkeep import cmd_check, cmd_collections, cmd_reindex, use_collection
from rag.cli.views import ask_once, cmd_brief, cmd_places, cmd_timeline
from rag.errors import BriefingError, SettingsError


def _progress_bar(enabled: bool) -> Any:
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="step", leave=False, file=sys.stderr)

    def update(done: int, total: int, what: str) -> None:
        bar.total = total
        bar.n = done
        bar.set_description(what[:40])
        bar.refresh()

    return update, bar.close


def cmd_ingest(args: argparse.Namespace, settings: Any) -> int:
    from rag.assistant import Assistant

    assistant = Assistant(settings)
    progress, close = _progress_bar(sys.stderr.isatty() and not args.json)
    try:
        report = assistant.ingest(args.paths, progress)
        if args.prune:
            report = type(report)(**{**report.__dict__, "removed": assistant.prune()})
    finally:
        close()
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(f"added {report.added}, replaced {report.replaced}, unchanged {report.unchanged}, "
              f"removed {report.removed}, failed {len(report.failed)} ({report.chunks_added} chunks written)")
        for f in report.failed:
            print(f"  failed: {f.error}")
        for note in report.notes:
            print(f"  note: {note}")
    return 1 if report.failed and not (report.added or report.unchanged or report.replaced) else 0


def render_answer(answer: Any) -> str:
    lines = [answer.text, ""]
    if answer.notice:
        lines.insert(0, f"({answer.notice})")
    if answer.abstained:
        lines.append("Nearest passages:")
        for s in answer.retrieved[:3]:
            date = s.chunk.published.isoformat() if s.chunk.published else "undated"
            lines.append(f"  - {s.chunk.title} ({date}): {s.chunk.text[:200]}")
    for c in answer.citations:
        date = c.published.isoformat() if c.published else "undated"
        lines.append(f"[{c.number}] {c.title} ({date}, {c.source})\n    \"{c.quote}\"")
    return "\n".join(lines).rstrip()


def cmd_ask(args: argparse.Namespace, settings: Any) -> int:
    answer = ask_once(args, settings)
    if args.json:
        d = answer.to_dict()
        keys = ("text", "abstained", "citations", "timings", "flags", "answerer", "notice", "standalone_question",
                "alternatives")
        print(json.dumps({k: d[k] for k in keys},
                         ensure_ascii=False, indent=2))
    else:
        print(render_answer(answer))
    return 0


def cmd_eval(args: argparse.Namespace, settings: Any) -> int:
    from rag.eval import evaluation
    from rag.eval import report as eval_report

    try:  # a missing or malformed question file is the user's, not a bug: one line
        evaluation.load_questions(args.questions)
    except (OSError, ValueError) as exc:
        raise BriefingError(f"cannot use the question file {args.questions}: {exc}") from None
    report = evaluation.evaluate(args.questions, settings, corpus=args.corpus, k=args.k)
    print(eval_report.format_table(report))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    out_dir = Path(args.report) if args.report else (Path(args.json).parent if args.json else Path("eval-report"))
    md = eval_report.write_markdown(report, out_dir, Path(args.questions).name)
    print(f"\nreport: {md}")
    return 0


def cmd_eval_claims(args: argparse.Namespace, settings: Any) -> int:
    from rag.answer.generative.answerer import ABSTAIN_PHRASE
    from rag.answer.generative.settle import MIN_RELEVANCE, prompted
    from rag.eval import claims
    from rag.index.embeddings import SentenceEncoder, from_settings
    from rag.prompts import load_prompts

    try:
        rows = claims.load_claims(Path(args.file))
    except OSError as exc:
        raise BriefingError(f"cannot read the claim file {args.file}: {exc}") from None
    encoder = SentenceEncoder(from_settings(settings))
    shown = prompted(load_prompts(settings.prompts_dir), ABSTAIN_PHRASE)
    verdicts = [claims.judge(r, encoder, shown, MIN_RELEVANCE) for r in rows]
    rep = claims.report(verdicts)
    if args.rows:
        for v in verdicts:
            wrong = "" if v.unsupported == (v.row.label == "unsupported") else "WRONG "
            print(f"{wrong}{v.row.id} {v.row.kind} {v.row.label}: {'unsupported' if v.unsupported else 'kept'} "
                  f"{v.reason}")
    print(claims.table(rep))
    if args.json:
        Path(args.json).write_text(json.dumps(rep, indent=2))
    return 0


def cmd_dataset(args: argparse.Namespace, settings: Any) -> int:
    from rag.eval import dataset

    try:
        dataset.load_corpus(args.root)
    except FileNotFoundError as exc:  # not a corpus folder: the message says what is missing
        raise BriefingError(str(exc)) from None
    if args.action == "readme":
        text = dataset.readme(args.root)
        (Path(args.root) / "README.md").write_text(text, encoding="utf-8")
        print(f"wrote {Path(args.root) / 'README.md'}")
        return 0
    problems = dataset.check(args.root)
    for split in dataset.load_corpus(args.root):
        c = dataset.counts(split)
        print(f"{split.name:<6} {c['texts']:>3} texts {c['questions']:>4} questions  crises: {', '.join(c['crises'])}")
    for p in problems:
        print(f"problem: {p}")
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


def cmd_list(args: argparse.Namespace, settings: Any) -> int:
    from rag.assistant import Assistant

    for a in Assistant(settings).articles():
        day = a.published.isoformat() if a.published else "undated"  # a date formats "<10" as strftime("<10")
        note = (f"  (copy of {a.duplicate_of}, counted once)" if a.duplicate_of else
                f"  (another version of {a.version_of})" if a.version_of else "")
        print(f"{a.article_id}  {day:<10}  {a.chunks:>4} chunks  {a.title}{note}")
    return 0


def cmd_remove(args: argparse.Namespace, settings: Any) -> int:
    from rag.assistant import Assistant

    ok = Assistant(settings).remove(args.article_id)
    print("removed" if ok else f"no article with id {args.article_id}; see `python -m rag list`")
    return 0 if ok else 1


def cmd_bench(args: argparse.Namespace, settings: Any) -> int:
    import sys as _sys

    _sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.run import main as bench_main

    return bench_main(args.chunks, args.json, args.peer, args.runs)


def _day_arg(value: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2023-11-09") from None


def cmd_serve(args: argparse.Namespace, settings: Any) -> int:
    import runpy

    runpy.run_path(str(Path(__file__).resolve().parents[2] / "app.py"), run_name="__main__")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m rag", description="Briefing: cited answers about news articles")
    p.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("ingest", help="index files or folders")
    s.add_argument("paths", nargs="+")
    s.add_argument("--json", action="store_true")
    s.add_argument("--prune", action="store_true", help="also drop indexed files that no longer exist")
    s.set_defaults(func=cmd_ingest)
    for name, func, help_text in (
            ("ask", cmd_ask, "ask a question"),
            ("explain", cmd_explain, "ask, and show how the answer was decided (plan, passages, candidates, gate)")):
        s = sub.add_parser(name, help=help_text)
        s.add_argument("question", nargs="+")
        s.add_argument("--json", action="store_true")
        s.set_defaults(func=func)
    s = sub.add_parser("eval", help="run a question set and report metrics")
    s.add_argument("questions")
    s.add_argument("--corpus", help="index this folder alone in a fresh temporary store")
    s.add_argument("--json", help="write the full report here")
    s.add_argument("--report", help="folder for report.md and the chart (default: next to --json)")
    s.add_argument("--k", type=int, default=5)
    s.set_defaults(func=cmd_eval)
    s = sub.add_parser("eval-claims", help="the verifier on a claim benchmark: precision and recall per kind")
    s.add_argument("file", help="a JSONL file of claim rows (tests/data/claims/README.md)")
    s.add_argument("--rows", action="store_true", help="print each row's verdict (dev files only, never a sealed one)")
    s.add_argument("--json", help="write the figures here")
    s.set_defaults(func=cmd_eval_claims)
    s = sub.add_parser("check", help="self-check the vector index: stored passages found by their own vectors")
    s.add_argument("--sample", type=int, default=500, help="passages to check (default 500)")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("reindex", help="re-embed every stored passage with the configured embedding model")
    s.set_defaults(func=cmd_reindex)
    s = sub.add_parser("dataset", help="check the real-news corpus (or write its README)")
    s.add_argument("action", choices=["check", "readme"])
    s.add_argument("root", nargs="?", default="tests/data/news")
    s.set_defaults(func=cmd_dataset)
    s = sub.add_parser("list", help="list indexed articles")
    s.set_defaults(func=cmd_list)
    s = sub.add_parser("remove", help="remove an article by id")
    s.add_argument("article_id")
    s.set_defaults(func=cmd_remove)
    s = sub.add_parser("bench", help="benchmark ingest, retrieval and answers on a synthetic corpus")
    s.add_argument("--chunks", type=int, default=10_000)
    s.add_argument("--json", help="write the numbers here")
    s.add_argument("--peer", action="store_true",
                   help="also ingest and query the same corpus the LangChain tutorial's way, in the same run")
    s.add_argument("--runs", type=int, default=1, help="ingest rounds (ours and the peer alternating); ratios "
                   "are their median")
    s.set_defaults(func=cmd_bench)
    s = sub.add_parser("timeline", help="dated events of the indexed articles, in date order, cited")
    s.add_argument("--query", help="only events in the passages retrieved for this question")
    s.add_argument("--place", help="only events whose sentence names this place")
    s.add_argument("--actor", help="only events whose sentence names this actor")
    s.add_argument("--json", action="store_true")
    s.add_argument("--png", metavar="OUT", help="also draw the timeline chart to this PNG file")
    s.set_defaults(func=cmd_timeline)
    s = sub.add_parser("brief", help="a short cited situation briefing of the indexed articles")
    s.add_argument("--since", type=_day_arg, metavar="YYYY-MM-DD", help="only developments dated on or after this")
    s.add_argument("--place", help="only sentences that name this place")
    s.add_argument("--json", action="store_true")
    s.add_argument("--md", metavar="OUT.md", help="also write it as Markdown, with a numbered reference list")
    s.add_argument("--docx", metavar="OUT.docx", help="also write it as a Word document, with a reference list")
    s.set_defaults(func=cmd_brief)
    s = sub.add_parser("places", help="places named in the indexed articles (offline gazetteer)")
    s.add_argument("--question", help="only places in the passages retrieved for this question")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_places)
    s = sub.add_parser("collections", help="list the collections of articles, or create or delete one")
    s.add_argument("action", nargs="?", choices=["list", "create", "delete"], default="list")
    s.add_argument("name", nargs="?")
    s.set_defaults(func=cmd_collections)
    s = sub.add_parser("serve", help="start the web app (same as python app.py)")
    s.set_defaults(func=cmd_serve)
    for s in sub.choices.values():
        s.add_argument("--collection", metavar="NAME", help="the collection of articles to use (default: "
                       "RAG_COLLECTION, the home collection)")
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # transformers' "Loading weights" bar
    args = parser().parse_args(argv)
    logs.setup(verbose=args.verbose)
    from rag.settings import Settings

    try:
        settings = Settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, use_collection(args, settings)))
    except BriefingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
