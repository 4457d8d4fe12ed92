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
import re
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from rag.answer.chronicle import answer_dated
from rag.answer.extractive.answer_types import person_names
from rag.answer.extractive.answerer import ExtractiveAnswerer
from rag.errors import InvalidQuestionError, LLMError
from rag.ingest.loaders import load_text
from rag.ingest.pipeline import Ingestor, Progress
from rag.insights.timeline import FUTURE
from rag.models import Answer, ArticleInfo, IndexHealth, IngestReport, ScoredChunk
from rag.nlp.text import normalise
from rag.prompts import load_prompts
from rag.query.question import Question, analyse
from rag.query.timeframe import TimeFrame, follow_up_timeframe
from rag.retrieval.hybrid import Filters, HybridRetriever
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.answer.generative.answerer import Generated

log = logging.getLogger(__name__)
History = Sequence[tuple[str, str] | dict[str, Any]]


def _turns(history: History | None) -> list[tuple[str, str]]:
    out = []
    for turn in history or []:
        role, content = (turn.get("role", ""), turn.get("content", "")) if isinstance(turn, dict) else turn
        if isinstance(content, str) and content.strip():
            out.append((str(role), content))
    return out


_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her|his|hers)\b", re.I)


def condense(question: str, history: History | None) -> str:
    """Make a follow-up self-contained for retrieval without an LLM: when the question leans on
    the previous turn ("those peacekeepers"), put the previous question in front of it, and for
    "he" / "she" the people the previous answer named."""
    turns = _turns(history)
    previous = next((c for r, c in reversed(turns) if r == "user"), None)
    if not previous or not analyse(question).anaphoric:
        return question
    people = _referent(previous, next((c for r, c in reversed(turns) if r == "assistant"), "")) \
        if _PERSON_PRONOUN.search(question) else []
    if len(people) == 1:  # "What did she say?" after "Who is the governor?": about that person, not the governor
        return f"{people[0]} {question}"
    return " ".join([previous.strip(), *people, question])


def _referent(previous: str, said: str) -> list[str]:
    """Who "he" / "she" most likely is: after "Who is the governor?", the name the answer puts
    nearest the word "governor"; otherwise everyone the previous answer named."""
    people = list(dict.fromkeys(person_names(said, set())))
    role = analyse(previous).focus_word
    at = said.lower().find(role) if role else -1
    if at < 0 or len(people) < 2:
        return people
    return [min(people, key=lambda p: abs(said.find(p) - at))]


def _analysed(question: str, standalone: str) -> Question:
    """A follow-up keeps its own question type and focus; the previous turn lends it its terms."""
    whole = analyse(standalone)
    if standalone == question:
        return whole
    own = analyse(question)
    return dataclasses.replace(whole, text=own.text, qtype=own.qtype, focus=own.focus, focus_word=own.focus_word,
                               remainder=own.remainder, negated=own.negated, define=own.define)


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
            from rag.index.embeddings import SentenceEncoder, load_embeddings
            from rag.index.store import ChunkStore

            s = self.settings
            self.prompts = load_prompts(s.prompts_dir)
            self.embeddings = self._shared_embeddings or load_embeddings(s.embedding_model, s.embed_batch_size)
            self.encoder = SentenceEncoder(self.embeddings)
            self.store = ChunkStore(s, self.embeddings)
            self.retriever = HybridRetriever(s, self.store)
            self.ingestor = Ingestor(s, self.store)
            self.extractive = ExtractiveAnswerer(self.encoder, self.retriever.idf, self.prompts,
                                                 s.abstain_threshold, s.max_answer_sentences,
                                                 article_terms=self.retriever.article_terms,
                                                 lede_terms=self.retriever.lede_terms,
                                                 max_chunks=s.answer_chunks)
            self.generative = None
            if s.llm_provider != "none":
                from rag.answer.generative.answerer import GenerativeAnswerer
                from rag.answer.generative.llm import chat_model

                self.generative = GenerativeAnswerer(chat_model(s), self.prompts, self.encoder, self._retrieve,
                                                     s.llm_max_sources)
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

    def check_index(self, sample: int = 500) -> IndexHealth:
        """Query a sample of stored passages by their own vectors; each must come back first."""
        self.warm_up()
        return self.store.self_check(sample)

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
        if not any(ch.isalnum() for ch in q):
            raise InvalidQuestionError("the question has no words in it; type a question about the articles")
        if len(q) > self.settings.max_question_chars:
            raise InvalidQuestionError(
                f"the question is {len(q):,} characters; the limit is {self.settings.max_question_chars:,} "
                "(RAG_MAX_QUESTION_CHARS). Ask about one thing at a time.")
        return q

    def _check_history(self, history: History | None) -> list[tuple[str, str]]:
        """The conversation as (role, text) turns, refused before any work when it is not a list of
        text messages or is over ``max_history_turns`` messages / ``max_history_chars`` characters."""
        if history is None:
            return []
        limits = (f"the limit is {self.settings.max_history_turns:,} messages and "
                  f"{self.settings.max_history_chars:,} characters (RAG_MAX_HISTORY_TURNS, RAG_MAX_HISTORY_CHARS)")
        if not isinstance(history, list | tuple):
            raise InvalidQuestionError("the conversation history must be a list of (role, text) messages")
        if len(history) > self.settings.max_history_turns:
            raise InvalidQuestionError(f"the conversation history has {len(history):,} messages; {limits}. "
                                       "Start a new conversation.")
        turns, size = [], 0
        for turn in history:
            pair = (turn.get("role"), turn.get("content")) if isinstance(turn, dict) else turn
            if not (isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
                raise InvalidQuestionError("each history message must be a (role, text) pair of strings")
            size += len(pair[0]) + len(pair[1])
            if size > self.settings.max_history_chars:
                raise InvalidQuestionError(f"the conversation history is over {self.settings.max_history_chars:,} "
                                           f"characters; {limits}. Start a new conversation.")
            turns.append((pair[0], normalise(pair[1])))
        return turns

    def _retrieve(self, query: str, filters: Filters | None) -> list[ScoredChunk]:
        return self.retriever.retrieve(query, self.encoder.query(query), filters=filters)

    def _extractive(self, q: str, history: History | None, filters: Filters,
                    standalone: str | None = None) -> tuple[Answer, dict[str, float]]:
        timings: dict[str, float] = {}
        standalone = standalone or condense(q, history)
        t = time.perf_counter()
        retrieved = self._retrieve(standalone, filters)
        timings["retrieve_ms"] = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        empty = not retrieved and self.store.counts()[1] == 0
        result, _ = self.extractive.answer(_analysed(q, standalone), standalone, retrieved, empty_index=empty)
        timings["answer_ms"] = (time.perf_counter() - t) * 1e3
        answer = Answer(question=q, text=result.text, citations=result.citations, abstained=result.abstained,
                        retrieved=tuple(retrieved), standalone_question=standalone)
        return answer, timings

    def _from_generated(self, q: str, g: Generated, history: History | None, filters: Filters) -> Answer:
        if g.text or g.abstained:
            return Answer(question=q, text=g.text, citations=g.citations, abstained=g.abstained,
                          retrieved=g.retrieved, standalone_question=g.standalone, answerer="llm", flags=g.flags)
        fallback, _ = self._extractive(q, history, filters, g.standalone)
        return dataclasses.replace(fallback, answerer="extractive-fallback", flags=g.flags,
                                   notice="No sentence of the model's answer could be verified against the "
                                          "sources; showing the extractive answer instead.")

    def _redact(self, text: str) -> str:
        """A server may echo the API key in its error text; it must never be shown or logged."""
        key = self.settings.llm_api_key
        secret = key.get_secret_value() if key else os.environ.get("OPENAI_API_KEY")
        return text.replace(secret, "***") if secret else text

    def _fallback(self, q: str, exc: LLMError, history: History | None, filters: Filters) -> Answer:
        reason = self._redact(str(exc))
        log.warning("LLM failed, falling back to the extractive answer: %s", reason)
        fallback, _ = self._extractive(q, history, filters)
        return dataclasses.replace(fallback, answerer="extractive-fallback",
                                   notice=f"{reason}. Showing the extractive answer instead.")

    def _timeframe(self, q: str, history: History | None) -> TimeFrame | None:
        """The time constraint of the question, resolved against the newest indexed article."""
        span = self.retriever.published_span()
        frame = follow_up_timeframe(q, condense(q, history), span[1] if span else date.today())
        if frame is None or frame.events:
            return frame
        if FUTURE.search(q):
            return None  # a plan ("what will happen in April") may be reported before its window
        return frame if any(frame.publication_window()) else None

    def _within(self, q: str, history: History | None, frame: TimeFrame,
                filters: Filters) -> tuple[Answer, dict[str, float]]:
        """A fact question with a time constraint, answered from the articles that can report it."""
        lo, hi = frame.publication_window()
        narrowed = Filters(filters.article_ids, max(filter(None, (lo, filters.date_from)), default=None),
                           min(filter(None, (hi, filters.date_to)), default=None))
        if self.generative is not None:
            try:
                answer = self._from_generated(q, self.generative.answer(q, _turns(history), narrowed), history,
                                              narrowed)
                timings: dict[str, float] = {}
            except LLMError as exc:
                answer, timings = self._fallback(q, exc, history, narrowed), {}
        else:
            answer, timings = self._extractive(q, history, narrowed)
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
        frame = self._timeframe(q, history)
        if frame is not None and frame.events:
            answer = answer_dated(self, q, frame, filters)
        elif frame is not None:
            answer, timings = self._within(q, history, frame, filters)
        elif self.generative is not None:
            try:
                answer = self._from_generated(q, self.generative.answer(q, _turns(history), filters), history, filters)
            except LLMError as exc:
                answer = self._fallback(q, exc, history, filters)
        else:
            answer, timings = self._extractive(q, history, filters)
        timings["total_ms"] = (time.perf_counter() - t0) * 1e3
        answer = dataclasses.replace(answer, timings=timings)
        log.info("ask chars=%d answerer=%s abstained=%s citations=%d flags=%d total_ms=%.0f", len(q), answer.answerer,
                 answer.abstained, len(answer.citations), len(answer.flags), timings["total_ms"])
        return answer

    def stream(self, question: str, history: History | None = None, **kwargs: Any) -> Iterator[str | Answer]:
        """Text deltas, then the final Answer. With an LLM the deltas are the model's raw tokens and
        the final Answer holds the verified text (which may differ: unsupported sentences removed).
        The extractive answer is ready at once and is streamed word by word."""
        q = self._check(question)
        history = self._check_history(history)
        self.warm_up()
        if self.generative is None or self._timeframe(q, history) is not None:
            answer = self.ask(q, history, **kwargs)
            for i, w in enumerate(answer.text.split(" ")):
                yield w if i == 0 else " " + w
            yield answer
            return
        t0 = time.perf_counter()
        filters = Filters(tuple(kwargs.get("article_ids", ())), kwargs.get("date_from"), kwargs.get("date_to"))
        try:
            final: Answer | None = None
            for event in self.generative.stream(q, _turns(history), filters):
                if isinstance(event, str):
                    yield event
                else:
                    final = self._from_generated(q, event, history, filters)
            assert final is not None
        except LLMError as exc:
            final = self._fallback(q, exc, history, filters)
        yield dataclasses.replace(final, timings={"total_ms": (time.perf_counter() - t0) * 1e3})

