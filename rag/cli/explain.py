"""``python -m rag explain QUESTION``: the answer with how it was decided (``Answer.trace``): the
route, the question plan, the retrieved passages with their fused, dense and BM25 ranks, the best
candidate sentences with their features and scores, and the gate or threshold that decided."""

from __future__ import annotations

import argparse
import json
from typing import Any


def render_trace(answer: Any, width: int = 110) -> str:
    t = answer.trace
    lines = [f"Q: {answer.question}", f"A: {answer.text}", ""]
    if t is None:
        return "\n".join([*lines, "(no trace)"])
    lines.append(f"route:      {t.route} (answerer: {answer.answerer})")
    lines.append(f"decided by: {t.decided_by or '-'}")
    lines.append("plan:")
    lines += [f"  {k}: {v}" for k, v in t.plan.items()]
    lines.append("retrieved (fused score, dense rank, bm25 rank):")
    for i, s in enumerate(answer.retrieved, start=1):
        dense, bm25 = ("-" if r is None else r for r in (s.dense_rank, s.bm25_rank))
        ranks = f"dense {dense}, bm25 {bm25}"
        lines.append(f"  {i:>2}. {s.score:.4f} ({ranks})  {s.chunk.title[:50]} [{s.chunk.id}]")
        lines.append(f"      {s.chunk.text[:width].replace(chr(10), ' ')}")
    if t.candidates:
        lines.append("candidates (probability, log-odds; features):")
    for c in t.candidates:
        feats = ", ".join(f"{k} {v:.2f}" for k, v in c.features.items())
        lines.append(f"  {c.probability:.2f} ({c.score:+.2f})  chars {c.start}-{c.end}: {c.text[:width]}")
        lines.append(f"      {feats}")
    for c in answer.citations:
        lines.append(f"[{c.number}] {c.title} chars {c.start}-{c.end}: \"{c.quote[:width]}\"")
    return "\n".join(lines)


def cmd_explain(args: argparse.Namespace, settings: Any) -> int:
    from rag.cli.views import ask_once

    answer = ask_once(args, settings)
    if args.json:
        d = answer.to_dict()
        print(json.dumps({k: d[k] for k in ("question", "text", "abstained", "answerer", "trace", "retrieved",
                                            "citations")}, ensure_ascii=False, indent=2))
    else:
        print(render_trace(answer))
    return 0
