"""The pieces of ``Answer.trace``: the question plan as the answerer saw it, the best-scored
candidate sentences with their features, and the route an answer took."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from rag.answer.extractive.candidate import Candidate
from rag.answer.extractive.ranker import probability
from rag.index.filters import Filters
from rag.models import Answer, Trace, TraceCandidate
from rag.query.question import Question
from rag.query.timeframe import TimeFrame

TRACE_CANDIDATES = 8


def plan(q: Question | None, standalone: str, filters: Filters | None = None,
         frame: TimeFrame | None = None) -> dict[str, Any]:
    """What the question was read as: type, focus, names, terms, the standalone question retrieved
    for, the filters and the time frame."""
    out: dict[str, Any] = {"standalone_question": standalone}
    if q is not None:
        out.update(qtype=q.qtype, focus=q.focus_word, names=list(q.names), terms=list(q.terms),
                   remainder=q.remainder, negated=q.negated, define=q.define, compares=q.compares)
    if filters is not None and (filters.article_ids or filters.date_from or filters.date_to):
        out["filters"] = {"article_ids": list(filters.article_ids),
                          "date_from": filters.date_from.isoformat() if filters.date_from else None,
                          "date_to": filters.date_to.isoformat() if filters.date_to else None}
    if frame is not None:
        out["timeframe"] = {"label": frame.label, "kind": frame.kind, "phrase": frame.phrase,
                            "events": frame.events, "window": [d.isoformat() if d else None
                                                               for d in frame.publication_window()]}
    return out


def trace_candidates(cands: Sequence[Candidate], n: int = TRACE_CANDIDATES) -> tuple[TraceCandidate, ...]:
    return tuple(TraceCandidate(c.chunk.id, c.start, c.end, c.text, round(c.score, 4), round(probability(c.score), 4),
                                {k: round(v, 4) for k, v in (c.features or {}).items()}) for c in cands[:n])


def with_route(answer: Answer, route: str, **plan_extra: Any) -> Answer:
    """``answer`` with its trace's route set (a trace made here when the answerer left none)."""
    trace = answer.trace or Trace(route, {"standalone_question": answer.standalone_question})
    return dataclasses.replace(answer, trace=dataclasses.replace(trace, route=route,
                                                                 plan={**trace.plan, **plan_extra}))
