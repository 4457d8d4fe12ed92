"""The one place that wires the stages from Settings: load -> chunk -> embed -> store (ingest),
and condense -> retrieve -> answer -> cite (ask / stream).

Nothing heavy happens in ``__init__``: the embedding model and the store open on first use or
on ``warm_up()``. Every ask returns an ``Answer``; errors the user can fix are raised as
``BriefingError`` subclasses with a message that says what to do.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from rag.answer.chronicle import answer_dated
from rag.answer.extractive.answerer import ExtractiveAnswerer
from rag.answer.trace import plan, trace_candidates, with_route
from rag.cite.verifier import audit
from rag.index.embeddings import SentenceEncoder
from rag.index.filters import Filters
from rag.ingest.loaders import load_text
from rag.ingest.pipeline import Ingestor, Progress
from rag.models import Answer, ArticleInfo, Chunk, IndexHealth, IngestReport, ScoredChunk, Trace
from rag.nlp.dates import FUTURE
from rag.prompts import load_prompts, without_head
from rag.query.condense import History
from rag.query.plan import QueryPlan, plan_question
from rag.query.timeframe import TimeFrame, follow_up_timeframe
from rag.query.validate import check_history, check_question
from rag.retrieval.hybrid import HybridRetriever
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.answer.generative.route import LLMRoute

log = logging.getLogger(__name__)
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
            from rag.index.embeddings import SentenceEncoder, from_settings
            from rag.index.store import ChunkStore
            from rag.index.upkeep import check_encoder

            s = self.settings
            self.prompts = load_prompts(s.prompts_dir)
            self.embeddings = self._shared_embeddings or from_settings(s)
            self.encoder = SentenceEncoder(self.embeddings)
            self.store = ChunkStore(s, self.embeddings)
            check_encoder(self.store)  # vectors of another model: refused, with the way out (reindex)
            self.retriever = HybridRetriever(s, self.store)
            self.ingestor = Ingestor(s, self.store)
            self.extractive = ExtractiveAnswerer.from_settings(s, self.encoder, self.retriever, self.prompts)
            self.generative = None
            if s.llm_provider != "none":
                from rag.answer.generative.answerer import GenerativeAnswerer
                from rag.answer.generative.llm import chat_model

                self.generative = GenerativeAnswerer(chat_model(s), self.prompts, self.encoder, self._retrieve,
                                                     s.llm_max_sources, s.llm_timeout_s)
            self._ready = True
            self.retriever.refresh(force=True)
            return self

    # ---- ingest ---------------------------------------------------------------------------
    def ingest(self, paths: Sequence[str | Path], progress: Progress | None = None, *,
               refresh: bool = True) -> IngestReport:
        """``refresh=False`` leaves the BM25 rebuild to the next question (it sees the store changed):
        for a caller ingesting file by file, which refreshes on its last one."""
        self.warm_up()
        report = self.ingestor.ingest_paths(paths, progress)
        if refresh:
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

    def check_index(self, sample: int = 500) -> IndexHealth:
        """Query a sample of stored passages by their own vectors; each must come back first."""
        from rag.index.upkeep import self_check

        self.warm_up()
        return self_check(self.store, sample)

    def reindex(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Re-embed every stored passage with the configured encoder (after changing the model):
        the one operation allowed on an index built with another. Returns the passages re-embedded."""
        from rag.index.embeddings import from_settings
        from rag.index.store import ChunkStore
        from rag.index.upkeep import reembed

        with self._lock:
            embeddings = self._shared_embeddings or from_settings(self.settings)
            done = reembed(ChunkStore(self.settings, embeddings), progress)
            self._ready = False  # the next call opens the store afresh, with the check
            return done

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

    # ---- IndexView: what the dated answers and the insights read ---------------------------
    def passages(self) -> list[Chunk]:
        self.warm_up()
        return self.retriever.indexed_chunks()

    def search(self, query: str, *, k: int | None = None, filters: Filters | None = None) -> list[ScoredChunk]:
        self.warm_up()
        return self.retriever.retrieve(query, self.encoder.query(query), k=k, filters=filters)

    def published_span(self) -> tuple[date, date] | None:
        self.warm_up()
        return self.retriever.published_span()

    def sentence_encoder(self) -> SentenceEncoder:
        self.warm_up()
        return self.encoder

    def chat_model(self) -> Any | None:
        self.warm_up()
        return self.generative.model if self.generative is not None else None

    # ---- ask ------------------------------------------------------------------------------
    def _check(self, question: str) -> str:
        return check_question(question, self.settings)

    def _check_history(self, history: History | None) -> list[tuple[str, str]]:
        return check_history(history, self.settings)

    def _retrieve(self, query: str, filters: Filters | None, k: int | None = None) -> list[ScoredChunk]:
        return self.retriever.retrieve(query, self.encoder.query(query), k=k, filters=filters)

    def _extractive(self, p: QueryPlan, filters: Filters,
                    standalone: str | None = None) -> tuple[Answer, dict[str, float]]:
        timings: dict[str, float] = {}
        p = p.with_standalone(standalone) if standalone else p
        q, standalone = p.question, p.standalone
        t = time.perf_counter()
        first = self.settings.rerank_from if self.extractive.scorer is not None else None
        retrieved = self.retriever.retrieve(standalone, self.encoder.query(standalone), k=first, filters=filters,
                                            asked=p.whole)
        timings["retrieve_ms"] = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        empty = not retrieved and self.store.counts()[1] == 0
        question = p.analysis
        result, cands = self.extractive.answer(question, standalone, retrieved, empty_index=empty)
        retrieved = list(result.passages) or retrieved[: self.settings.top_k]
        timings["answer_ms"] = (time.perf_counter() - t) * 1e3
        trace = Trace("extractive", plan(question, standalone, filters), trace_candidates(cands), result.decided_by)
        # not "Three statements match" itself, nor the "As of <date>:" head, which dates the answer by
        # its newest source and is no claim of the sentence after it (seed s05, s12 were flagged for it)
        claims = " ".join(result.alternatives) or without_head(result.text, self.settings.prompts_dir)
        flags = () if result.abstained else audit(claims, result.citations, [s.chunk for s in retrieved],
                                                  self.encoder)
        answer = Answer(question=q, text=result.text, citations=result.citations, abstained=result.abstained,
                        retrieved=tuple(retrieved), standalone_question=standalone, trace=trace, flags=flags,
                        alternatives=result.alternatives)
        return answer, timings

    def _llm(self) -> LLMRoute:
        """The LLM path over the current generative answerer (tests may swap it after warm_up)."""
        from rag.answer.generative.route import LLMRoute

        assert self.generative is not None
        return LLMRoute(self.generative, lambda p, f, s: self._extractive(p, f, s)[0], self._redact, self.encoder)

    def _redact(self, text: str) -> str:
        """A server may echo the API key in its error text; it must never be shown or logged."""
        key = self.settings.llm_api_key
        secret = key.get_secret_value() if key else os.environ.get("OPENAI_API_KEY")
        return text.replace(secret, "***") if secret else text

    def _timeframe(self, p: QueryPlan) -> TimeFrame | None:
        """The time constraint of the question, resolved against the newest indexed article."""
        q = p.question
        span = self.retriever.published_span()
        frame = follow_up_timeframe(q, p.standalone, span[1] if span else date.today())
        if frame is None or frame.events:
            return frame
        if FUTURE.search(q):
            return None  # a plan ("what will happen in April") may be reported before its window
        return frame if any(frame.publication_window()) else None

    def _within(self, p: QueryPlan, frame: TimeFrame, filters: Filters) -> tuple[Answer, dict[str, float]]:
        """A fact question with a time constraint, answered from the articles that can report it."""
        lo, hi = frame.publication_window()
        narrowed = Filters(filters.article_ids, max(filter(None, (lo, filters.date_from)), default=None),
                           min(filter(None, (hi, filters.date_to)), default=None))
        timings: dict[str, float] = {}
        if self.generative is not None:
            answer = self._llm().answer(p, narrowed)
            timings = dict(answer.timings)
        else:
            answer, timings = self._extractive(p, narrowed)
        note = f"Only articles that can report what happened {frame.label} were searched."
        return dataclasses.replace(answer, notice=" ".join(filter(None, (answer.notice, note)))), timings

    def ask(self, question: str, history: History | None = None, *, article_ids: Sequence[str] = (),
            date_from: date | None = None, date_to: date | None = None) -> Answer:
        t0 = time.perf_counter()
        q = self._check(question)
        history = self._check_history(history)
        self.warm_up()
        filters = Filters(tuple(article_ids), date_from, date_to)
        timings: dict[str, float] = {}
        p = plan_question(q, history)  # analysed once; every route below reads this plan
        frame = self._timeframe(p)
        if frame is not None and frame.events:
            answer = answer_dated(self, q, frame, filters)
        elif frame is not None:
            answer, timings = self._within(p, frame, filters)
        elif self.generative is not None:
            answer = self._llm().answer(p, filters)
            timings = dict(answer.timings)
        else:
            answer, timings = self._extractive(p, filters)
        if frame is not None:
            route = "dated list" if frame.events else f"{answer.answerer}, in a time window"
            answer = with_route(answer, route, **plan(None, answer.standalone_question or q, filters, frame))
        elif self.generative is not None:
            answer = with_route(answer, answer.answerer)
        timings["total_ms"] = (time.perf_counter() - t0) * 1e3
        answer = dataclasses.replace(answer, timings=timings)
        log.info("ask chars=%d answerer=%s abstained=%s citations=%d flags=%d total_ms=%.0f", len(q), answer.answerer,
                 answer.abstained, len(answer.citations), len(answer.flags), timings["total_ms"])
        return answer

    def stream(self, question: str, history: History | None = None, **kwargs: Any) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer. With an LLM the deltas are the model's sentences once
        each is verified (unsupported ones never appear), and the final Answer holds the verified
        text (or the extractive answer, with a notice, when the model's is refused). The
        extractive answer is ready at once and is streamed word by word."""
        q = self._check(question)
        history = self._check_history(history)
        self.warm_up()
        p = plan_question(q, history)
        if self.generative is None or self._timeframe(p) is not None:
            answer = self.ask(q, history, **kwargs)
            for i, w in enumerate(answer.text.split(" ")):
                yield w if i == 0 else " " + w
            yield answer
            return
        filters = Filters(tuple(kwargs.get("article_ids", ())), kwargs.get("date_from"), kwargs.get("date_to"))
        yield from self._llm().stream(p, filters)
