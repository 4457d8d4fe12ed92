"""The CLI's views of the whole index: ``timeline``, ``brief`` and ``places`` (text or --json)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def _ready_assistant(settings: Any, question: str | None = None, corpus: bool = True) -> Any:
    """An Assistant over the index (``corpus_dir`` ingested when it is empty and ``corpus``: the
    home collection); a ``question`` is checked first, so an empty or oversized one fails before
    the model loads."""
    from rag.assistant import Assistant

    assistant = Assistant(settings)
    if question is not None:
        assistant._check(question)
    if corpus:
        assistant.ensure_corpus()
    return assistant


def ask_once(args: argparse.Namespace, settings: Any) -> Any:
    """The Answer to ``args.question`` (the words of ``ask`` and ``explain``)."""
    question = " ".join(args.question)
    return _ready_assistant(settings, question, getattr(args, "home", True)).ask(question)


def cmd_timeline(args: argparse.Namespace, settings: Any) -> int:
    from rag.insights.timeline import save_png, timeline

    assistant = _ready_assistant(settings, corpus=getattr(args, "home", True))
    events = timeline(assistant, query=args.query, place=args.place, actor=args.actor)
    png = str(save_png(events, args.png)) if args.png else None
    if args.json:
        print(json.dumps({"events": [e.to_dict() for e in events], "png": png}, ensure_ascii=False, indent=2))
        return 0
    articles = len({e.citation.article_id for e in events})
    print(f"{len(events)} dated event(s) from {articles} article(s), in date order" if events else
          "No dated events match.")
    for e in events:
        c = e.citation
        print(f"\n{e.label:>11}{' (planned)' if e.planned else ''}  {e.text}\n{'':>11}  "
              f"-- {c.title} ({c.published or 'undated'}), chars {c.start}-{c.end}")
    if png:
        print(f"\nchart: {png}")
    return 0


def _export_brief(b: Any, collection: str, md: str | None, docx: str | None) -> None:
    """``brief --md OUT.md`` / ``--docx OUT.docx``: the briefing with its references, for a sitrep."""
    import sys
    from pathlib import Path

    title = f"Situation briefing: {collection}"
    if md:
        from rag.insights.export import briefing_markdown

        Path(md).write_text(briefing_markdown(b, title=title, collection=collection), encoding="utf-8")
        print(f"wrote {md}", file=sys.stderr)
    if docx:
        from rag.insights.export_docx import briefing_docx

        briefing_docx(b, Path(docx), title=title, collection=collection)
        print(f"wrote {docx}", file=sys.stderr)


def cmd_brief(args: argparse.Namespace, settings: Any) -> int:
    from rag.insights.briefing import brief
    from rag.models import format_date

    b = brief(_ready_assistant(settings, corpus=getattr(args, "home", True)), since=args.since, place=args.place)
    _export_brief(b, settings.collection, getattr(args, "md", None), getattr(args, "docx", None))
    if args.json:
        print(json.dumps(b.to_dict(), ensure_ascii=False, indent=2))
        return 0
    if b.notice:
        print(f"({b.notice})")
    if b.as_of:
        print(f"Briefing as of {format_date(b.as_of)} ({b.articles} article(s))\n")
    print(b.text)
    if b.citations:
        print("\nSources:")
    for c in b.citations:
        print(f"[{c.number}] {c.title} ({c.published or 'undated'}), chars {c.start}-{c.end}\n    \"{c.quote}\"")
    return 0


def cmd_places(args: argparse.Namespace, settings: Any) -> int:
    from rag.insights.places import places, places_for

    assistant = _ready_assistant(settings, corpus=getattr(args, "home", True))
    found = [p.place for p in places_for(assistant, args.question)] if args.question else places(assistant)
    if args.json:
        print(json.dumps([p.to_dict() for p in found], ensure_ascii=False, indent=2))
        return 0
    for p in found:
        print(f"{p.name} ({p.kind}, {p.country}) {p.lat:.2f}, {p.lon:.2f}: {len(p.mentions)} mention(s)")
        for m in p.mentions:
            print(f"    \"{m.sentence}\" -- {m.title} ({m.published or 'undated'}), chars {m.start}-{m.end}")
    return 0
