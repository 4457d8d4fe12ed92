"""The one place that wires the stages from Settings: load -> chunk -> embed -> store (ingest),
and condense -> retrieve -> answer -> cite (ask / stream).

Nothing heavy happens in ``__init__``: the embedding model and the store open on first use or
on ``warm_up()``. Every ask returns an ``Answer``; errors the user can fix are raised as
``BriefingError`` subclasses with a message that says what to do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from .errors import InvalidQuestionError
from .extractive import ExtractiveAnswerer
from .ingest import Ingestor, Progress
from .loaders import load_text
from .models import Answer, ArticleInfo, IngestReport
from .prompts import load_prompts
from .question import analyse
from .retrieval import Filters, HybridRetriever
from .settings import Settings
from .text import normalise

log = logging.getLogger(__name__)
History = Sequence[tuple[str, str] | dict[str, Any]]


def _turns(history: History | None) -> list[tuple[str, str]]:
    out = []
    for turn in history or []:
        role, content = (turn.get("role", ""), turn.get("content", "")) if isinstance(turn, dict) else turn
        if isinstance(content, str) and content.strip():
            out.append((str(role), content))
    return out


def condense(question: str, history: History | None) -> str:
    """Make a follow-up self-contained for retrieval without an LLM: when the question leans on
    the previous turn ("those peacekeepers"), put the previous question in front of it."""
    turns = _turns(history)
    previous = next((c for r, c in reversed(turns) if r == "user"), None)
    if previous and analyse(question).anaphoric:
        return f"{previous.strip()} {question}"
    return question


class Assistant:
    def __init__(self, settings: Settings | None = None, *, embeddings: Embeddings | None = None):
        """``embeddings`` lets several assistants (tests, eval runs) share one loaded model."""
        self.settings = settings or Settings()
        self._lock = threading.RLock()
        self._ready = False
        self._shared_embeddings = embeddings

    @classmethod
    def from_env(cls) -> Assistant:
        return cls(Settings())

    # ---- wiring ---------------------------------------------------------------------------
    def warm_up(self) -> Assistant:
        """Load the embedder, open the store, build the BM25 index (a few seconds, once)."""
        with self._lock:
            if self._ready:
                return self
            from .embeddings import SentenceEncoder, load_embeddings
            from .store import ChunkStore

            s = self.settings
            self.prompts = load_prompts(s.prompts_dir)
            self.embeddings = self._shared_embeddings or load_embeddings(s.embedding_model, s.embed_batch_size)
            self.encoder = SentenceEncoder(self.embeddings)
            self.store = ChunkStore(s, self.embeddings)
            self.retriever = HybridRetriever(s, self.store)
            self.ingestor = Ingestor(s, self.store)
            self.extractive = ExtractiveAnswerer(self.encoder, self.retriever.idf, self.prompts,
                                                 s.abstain_threshold, s.max_answer_sentences)
            self._ready = True
            self.retriever.refresh(force=True)
            return self

    # ---- ingest ---------------------------------------------------------------------------
    def ingest(self, paths: Sequence[str | Path], progress: Progress | None = None) -> IngestReport:
        self.warm_up()
        report = self.ingestor.ingest_paths(paths, progress)
        self.retriever.refresh(force=True)
        return report

    def ingest_text(self, text: str, *, title: str, published: str | date | None = None,
                    source: str | None = None, url: str | None = None) -> IngestReport:
        self.warm_up()
        article = load_text(text, name=source or title, key=f"text:{title}", title=title,
                            published=published, source=source or "pasted text", url=url)
        report = self.ingestor.ingest_articles([article])
        self.retriever.refresh(force=True)
        return report

    def ensure_corpus(self, progress: Progress | None = None) -> IngestReport | None:
        """Index ``corpus_dir`` when the index is empty (first run)."""
        self.warm_up()
        if self.store.counts()[1] > 0 or not self.settings.corpus_dir.exists():
            return None
        log.info("index is empty; ingesting %s", self.settings.corpus_dir)
        return self.ingest([self.settings.corpus_dir], progress)

    def remove(self, article_id: str) -> bool:
        self.warm_up()
        removed = self.ingestor.remove(article_id)
        self.retriever.refresh(force=True)
        return removed

    def prune(self) -> int:
        self.warm_up()
        n = self.ingestor.prune_missing()
        self.retriever.refresh(force=True)
        return n

    def articles(self) -> list[ArticleInfo]:
        self.warm_up()
        return self.store.list_articles()

    def article_text(self, article_id: str) -> str | None:
        """The clean text of an indexed article (citation offsets index into it)."""
        self.warm_up()
        stored = self.store.article(article_id)
        return stored.text if stored else None

    # ---- ask ------------------------------------------------------------------------------
    def _check(self, question: str) -> str:
        if not isinstance(question, str):
            raise InvalidQuestionError("the question must be text")
        q = " ".join(normalise(question).split())
        if not q:
            raise InvalidQuestionError("the question is empty; type a question about the articles")
        if len(q) > self.settings.max_question_chars:
            raise InvalidQuestionError(
                f"the question is {len(q):,} characters; the limit is {self.settings.max_question_chars:,} "
                "(RAG_MAX_QUESTION_CHARS). Ask about one thing at a time.")
        return q

    def ask(self, question: str, history: History | None = None, *, article_ids: Sequence[str] = (),
            date_from: date | None = None, date_to: date | None = None) -> Answer:
        t0 = time.perf_counter()
        q = self._check(question)
        self.warm_up()
        timings: dict[str, float] = {}
        standalone = condense(q, history)
        t = time.perf_counter()
        qvec = self.encoder.query(standalone)
        filters = Filters(tuple(article_ids), date_from, date_to)
        retrieved = self.retriever.retrieve(standalone, qvec, filters=filters)
        timings["retrieve_ms"] = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        result, _ = self.extractive.answer(analyse(standalone if standalone != q else q), standalone, retrieved)
        timings["answer_ms"] = (time.perf_counter() - t) * 1e3
        timings["total_ms"] = (time.perf_counter() - t0) * 1e3
        answer = Answer(question=q, text=result.text, citations=result.citations, abstained=result.abstained,
                        retrieved=tuple(retrieved), timings=timings, standalone_question=standalone)
        log.info("ask chars=%d abstained=%s citations=%d total_ms=%.0f", len(q), answer.abstained,
                 len(answer.citations), timings["total_ms"])
        return answer

    def stream(self, question: str, history: History | None = None, **kwargs: Any) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer (the extractive answer is ready at once; it is
        streamed word by word so both answerers look the same to a client)."""
        answer = self.ask(question, history, **kwargs)
        words = answer.text.split(" ")
        for i, w in enumerate(words):
            yield w if i == 0 else " " + w
        yield answer


ProgressCallback = Callable[[int, int, str], None]
