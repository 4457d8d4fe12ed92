"""Typed, frozen records that cross stage boundaries: Article, Chunk, Citation, Answer,
IngestReport. LangChain Documents never leave the store and retrieval modules; everything
the API, CLI and UI see is one of these."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any


def format_date(d: date | None) -> str:
    """Human date, e.g. ``format_date(date(2023, 11, 9)) == '9 November 2023'``."""
    return f"{d.day} {d.strftime('%B')} {d.year}" if d else "undated"


def context_prefix(chunk: Chunk) -> str:
    """What goes in front of a chunk for embedding and BM25: its title and date."""
    return f"{chunk.title} ({format_date(chunk.published)})\n\n"


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    published: date | None
    source: str
    url: str | None
    path: str
    text: str
    content_hash: str = ""


@dataclass(frozen=True)
class Chunk:
    id: str
    article_id: str
    ordinal: int
    paragraphs: tuple[int, int]  # first and last paragraph number (0-based, inclusive)
    start: int  # char offsets into Article.text
    end: int
    text: str
    title: str
    published: date | None
    source: str
    url: str | None = None


@dataclass(frozen=True)
class ScoredChunk:
    chunk: Chunk
    score: float  # fused retrieval score (higher is better)
    dense_rank: int | None = None
    bm25_rank: int | None = None


@dataclass(frozen=True)
class Citation:
    number: int
    chunk_id: str
    article_id: str
    title: str
    published: date | None
    source: str
    url: str | None
    quote: str  # the supporting sentence or span
    start: int  # offsets of the quote in the article text
    end: int
    passage: str  # the whole chunk, so a reader can see the quote in context
    passage_start: int
    support: float  # 0..1, how well the quote supports the sentence that cites it

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "chunk_id": self.chunk_id,
            "article_id": self.article_id,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "source": self.source,
            "url": self.url,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "passage": self.passage,
            "passage_start": self.passage_start,
            "support": round(self.support, 3),
        }


@dataclass(frozen=True)
class Flag:
    """A sentence the citation verifier removed or marked, and why."""

    sentence: str
    action: str  # "removed" | "flagged"
    reason: str


@dataclass(frozen=True)
class TraceCandidate:
    """One scored candidate sentence: where it is, its log-odds score, probability and features."""

    chunk_id: str
    start: int
    end: int
    text: str
    score: float
    probability: float
    features: dict[str, float]


@dataclass(frozen=True)
class Trace:
    """How an answer was decided, for diagnosing a wrong one without a debugger: the route taken,
    the question plan, the best-scored candidates, and the gate or threshold that decided."""

    route: str  # "extractive", "extractive in a time window", "dated list", "llm"
    plan: dict[str, Any]
    candidates: tuple[TraceCandidate, ...] = ()
    decided_by: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # with [n] markers
    citations: tuple[Citation, ...]
    abstained: bool
    retrieved: tuple[ScoredChunk, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    standalone_question: str = ""
    answerer: str = "extractive"
    flags: tuple[Flag, ...] = ()
    notice: str = ""  # e.g. "LLM server unreachable; extractive answer shown"
    trace: Trace | None = None  # how it was decided (route, plan, candidates, deciding gate)
    # several sources answer, each its own way: one line per source, "(<date>) <sentence> [n]", newest
    # first (the text holds them too, after "Two statements match, newest first:")
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "text": self.text,
            "alternatives": list(self.alternatives),
            "abstained": self.abstained,
            "answerer": self.answerer,
            "notice": self.notice,
            "standalone_question": self.standalone_question,
            "citations": [c.to_dict() for c in self.citations],
            "flags": [dataclasses.asdict(f) for f in self.flags],
            "retrieved": [
                {"chunk_id": s.chunk.id, "title": s.chunk.title, "score": round(s.score, 4),
                 "text": s.chunk.text}
                for s in self.retrieved
            ],
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "trace": self.trace.to_dict() if self.trace else None,
        }


@dataclass(frozen=True)
class IngestFailure:
    path: str
    error: str


@dataclass(frozen=True)
class IndexHealth:
    """The vector index's self-check: passages queried by their own vectors, and those that did
    not come back first (a healthy index has none)."""

    stored: int
    checked: int
    missing: tuple[str, ...] = ()

    @property
    def healthy(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class IngestReport:
    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    removed: int = 0
    chunks_added: int = 0
    failed: tuple[IngestFailure, ...] = ()
    article_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # one line per file read by guessing, e.g. "a.txt: not UTF-8; read as Windows-1252"

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "replaced": self.replaced,
            "removed": self.removed,
            "chunks_added": self.chunks_added,
            "failed": [{"path": f.path, "error": f.error} for f in self.failed],
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ArticleInfo:
    """One row of the indexed-articles list."""

    article_id: str
    title: str
    published: date | None
    source: str
    chunks: int
    duplicate_of: str | None = None  # the article this one is a copy of (it adds nothing; counted once)
    version_of: str | None = None  # another version of the same story (a figure changed or passages added)
